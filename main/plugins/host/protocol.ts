/**
 * The message protocol between the plugin host (main process) and one plugin's worker.
 * Only plain JSON crosses it (each message is checked to survive JSON.stringify). The plugin
 * never sees this protocol: the worker turns it into the SDK's `PluginContext`. `fetch` is done
 * by the worker itself (outside the plugin's realm), checked against `network`.
 */
import type { Json, Localized, FormSchema, CustomerChannel, PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';

export type ContributionKind = 'marketingType' | 'audienceCondition' | 'timeMode' | 'rightType' | 'messageChannel';

/** The JSON part of a contribution (its functions stay in the worker, called by `method`). */
export interface ContributionDescriptor {
  kind: ContributionKind;
  id: string;
  name: Localized;
  description?: Localized;
  icon?: string;
  configSchema?: FormSchema;
  paramsSchema?: FormSchema;
  channels?: CustomerChannel[];
  /** Which optional hooks it implements (e.g. 'eligibility', 'executionTime', 'describe'). */
  hooks: string[];
}

export interface SerializedPluginError {
  code: string;
  message: string;
  /** The error's parameters when it has any (e.g. `host` of PL_NETWORK_DENIED). */
  params?: Record<string, string | number | boolean | null>;
}

/** Host → worker. */
export type HostMessage =
  | {
      t: 'activate';
      pluginId: string;
      apiVersion: string;
      source: string;
      filename: string;
      config: Record<string, Json>;
      network: string[];
      /** The manifest's declarations: the worker refuses to register anything else. */
      contributes: PluginManifest['contributes'];
    }
  | { t: 'call'; id: number; kind: ContributionKind; contribution: string; method: string; args: Json[] }
  | { t: 'cancel'; id: number }
  | { t: 'deactivate' };

/** Worker → host. */
export type WorkerMessage =
  | { t: 'register'; contribution: ContributionDescriptor }
  | { t: 'unregister'; kind: ContributionKind; id: string }
  /** The plugin tried to register an id its manifest does not declare; the call threw in the plugin. */
  | { t: 'refused'; kind: ContributionKind; id: string }
  | { t: 'activated' }
  | { t: 'activate-failed'; error: SerializedPluginError }
  | { t: 'result'; id: number; ok: true; value: Json }
  | { t: 'result'; id: number; ok: false; error: SerializedPluginError }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { t: 'deactivated' };
