/**
 * Tests only: activates a plugin definition in this process with a PluginContext that records
 * what it registers and refuses what the real host refuses (ids not declared under the
 * manifest's `contributes`, a duplicate id, an API version outside the manifest's range,
 * `fetch` to hosts not in `permissions.network`). The isolated runtime lives in
 * main/plugins/host/; this stand-in lets the built-in types be tested without a worker.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { CampaignError } from '../../main/core/errors/campaign-error.ts';
import {
  apiVersion as sdkApiVersion,
  type AudienceConditionKind,
  type Disposable,
  type FetchResponse,
  type Json,
  type MarketingType,
  type MessageChannelProvider,
  type PluginContext,
  type PluginDefinition,
  type PluginManifest,
  type RightType,
  type TimeMode,
} from '../sdk/campaign-desk-plugin.ts';

type Contributes = Required<PluginManifest['contributes']>;

interface Registry {
  marketingTypes: Map<string, MarketingType>;
  audienceConditions: Map<string, AudienceConditionKind>;
  timeModes: Map<string, TimeMode>;
  rightTypes: Map<string, RightType>;
  messageChannels: Map<string, MessageChannelProvider>;
}

const KIND_NAMES: Record<keyof Contributes, string> = {
  marketingTypes: 'marketing type',
  audienceConditions: 'audience condition',
  timeModes: 'time mode',
  rightTypes: 'right type',
  messageChannels: 'message channel',
};

export interface ActivatedPlugin extends Registry {
  manifest: PluginManifest;
  context: PluginContext;
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  /** The registered marketing type with this id; throws when there is none. */
  marketingType(id: string): MarketingType;
  /** Disposes everything registered and calls the plugin's `deactivate`. */
  deactivate(): Promise<void>;
}

export interface ActivateOptions {
  /** The plugin's settings (its manifest's configSchema form). */
  config?: Record<string, Json>;
  /** The app's API version; the SDK's by default. */
  apiVersion?: string;
}

/** Reads `plugin.json` from a plugin folder. */
export function readManifest(dir: string): PluginManifest {
  return JSON.parse(readFileSync(path.join(dir, 'plugin.json'), 'utf8')) as PluginManifest;
}

export async function activateInProcess(definition: PluginDefinition, manifest: PluginManifest, options: ActivateOptions = {}): Promise<ActivatedPlugin> {
  const apiVersion = options.apiVersion ?? sdkApiVersion;
  if (!semver.satisfies(apiVersion, manifest.apiVersion)) {
    throw new CampaignError('PL_API_MISMATCH', { id: manifest.id, range: manifest.apiVersion, apiVersion });
  }
  const registry: Registry = {
    marketingTypes: new Map(),
    audienceConditions: new Map(),
    timeModes: new Map(),
    rightTypes: new Map(),
    messageChannels: new Map(),
  };
  const subscriptions: Disposable[] = [];
  const logs: ActivatedPlugin['logs'] = [];

  function register<K extends keyof Contributes>(kind: K, contribution: { id: string }): Disposable {
    const map = registry[kind] as Map<string, { id: string }>;
    const declared: readonly string[] = manifest.contributes[kind] ?? [];
    if (!declared.includes(contribution.id)) {
      throw new CampaignError('PL_UNDECLARED_CONTRIBUTION', { id: manifest.id, kind: KIND_NAMES[kind], contribution: contribution.id });
    }
    if (map.has(contribution.id)) throw new Error(`${manifest.id} registered ${KIND_NAMES[kind]} "${contribution.id}" twice`);
    map.set(contribution.id, contribution);
    const disposable = { dispose: () => void map.delete(contribution.id) };
    subscriptions.push(disposable);
    return disposable;
  }

  const network = manifest.permissions?.network ?? [];
  const context: PluginContext = {
    pluginId: manifest.id,
    apiVersion,
    config: Object.freeze({ ...(options.config ?? {}) }),
    subscriptions,
    log: {
      info: (message) => void logs.push({ level: 'info', message }),
      warn: (message) => void logs.push({ level: 'warn', message }),
      error: (message) => void logs.push({ level: 'error', message }),
    },
    registerMarketingType: (type) => register('marketingTypes', type),
    registerAudienceCondition: (kind) => register('audienceConditions', kind),
    registerTimeMode: (mode) => register('timeModes', mode),
    registerRightType: (type) => register('rightTypes', type),
    registerMessageChannel: (provider) => register('messageChannels', provider),
    // Tests never reach the network: a declared host gets a refusal too, just a different one.
    fetch: (url): Promise<FetchResponse> => {
      const host = new URL(url).host;
      if (!network.includes(host)) return Promise.reject(new CampaignError('PL_NETWORK_DENIED', { id: manifest.id, host }));
      return Promise.reject(new Error(`activateInProcess: no network in tests (${url})`));
    },
  };

  await definition.activate(context);

  return {
    ...registry,
    manifest,
    context,
    logs,
    marketingType(id) {
      const type = registry.marketingTypes.get(id);
      if (!type) throw new Error(`${manifest.id} registered no marketing type "${id}"`);
      return type;
    },
    async deactivate() {
      for (const s of subscriptions.splice(0).reverse()) s.dispose();
      await definition.deactivate?.();
    },
  };
}

/** A value as the other side of the worker sees it: after a JSON round trip. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
