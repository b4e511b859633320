import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { apiVersion, type FormSchema, type Json, type Localized, type PluginManifest } from '../../plugins/sdk/campaign-desk-plugin.ts';
import type { Clock } from '../core/clock.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { BuiltinAction } from '../core/i18n/locales/plugins.ts';
import type { Failure } from '../core/errors/failure.ts';
import type { Actor } from '../core/rights/operation-record.ts';
import type { AppDatabase } from '../db/open-database.ts';
import { AuditLog } from '../engine/audit/audit-log.ts';
import type { PluginEntry } from '../db/schemas/plugins.ts';
import { PluginProcess } from './host/plugin-process.ts';
import type { ContributionDescriptor, ContributionKind } from './host/protocol.ts';
import { installFiles, removeFiles } from './install-files.ts';
import { bundlePluginSource, PLUGIN_SOURCE } from './package/build.ts';
import { checkApiRange, parseManifest } from './package/manifest.ts';
import { readPackage } from './package/read-package.ts';
import { requireInstallable, signedFiles, verifyPackage } from './package/signature.ts';
import { TrustedKeys } from './trusted-keys.ts';

/** The repository's built-in plugins (the six marketing types). */
const BUILTIN_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** Plan states in which a plan still depends on its plugin. */
const LIVE_PLAN_STATES = ['scheduled', 'active', 'paused'] as const;

const LOG_LINES = 50;

export type PluginLimits = NonNullable<ConstructorParameters<typeof PluginProcess>[0]['limits']>;

export interface PluginManagerOptions {
  database: AppDatabase;
  dataDir: string;
  clock: Clock;
  /** Folder of built-in plugins (default: the app's `plugins/`). */
  builtinDir?: string;
  limits?: PluginLimits;
  /** Something a screen shows changed (state, contributions, list). */
  onChange?: () => void;
  /** A running plugin failed (crashed, hung, ran out of memory). */
  onPluginFailed?: (pluginId: string, error: CampaignError) => void;
}

export type PluginState = 'enabled' | 'disabled' | 'failed' | 'starting' | 'stopped';

export interface PluginLogLine {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A plugin as the Plugins screen and the CLI show it. */
export interface PluginInfo {
  id: string;
  name: Localized;
  description: Localized | null;
  version: string;
  publisher: string;
  builtIn: boolean;
  enabled: boolean;
  /** `stopped`: enabled but not started yet (plugins start when first needed). */
  state: PluginState;
  failure: Failure | null;
  trust: PluginEntry['trust'];
  keyId: string;
  apiRange: string;
  contributes: PluginManifest['contributes'];
  network: string[];
  configSchema: FormSchema | null;
  config: Record<string, Json>;
  /** What the running plugin registered. */
  contributions: ContributionDescriptor[];
  /** Plans that depend on it (scheduled, active or paused). */
  usedBy: { id: string; name: string; status: string }[];
  installedAt: number;
  updatedAt: number;
  log: PluginLogLine[];
}

/** What installing a package would do, before anything is written. */
export interface PackageInspection {
  manifest: PluginManifest;
  trust: 'trusted' | 'unsigned' | 'untrusted';
  keyId: string | null;
  files: number;
  bytes: number;
  installed: { version: string; builtIn: boolean } | null;
}

export interface InstallResult {
  plugin: PluginInfo;
  /** For updates: plans the new version no longer serves (its marketing type is gone). */
  breaks: { planId: string; planName: string; marketingType: string }[];
}

export type PackageSource = string | { fileName: string; data: Buffer };

const ajv = new Ajv({ strict: false, allErrors: true });

function manifestOf(entry: PluginEntry): PluginManifest {
  return entry.manifest as unknown as PluginManifest;
}

function failureOf(error: unknown): Failure {
  const at = Date.now();
  return error instanceof CampaignError ? { code: error.code, message: error.message.slice(0, 2000), at } : { code: 'SYS_INTERNAL', message: String(error instanceof Error ? error.message : error).slice(0, 2000), at };
}

/**
 * The plugin host: installs, verifies, starts and stops plugins, and is the one way the app
 * calls them. Each enabled plugin runs in its own isolated worker, started when first needed
 * (or by `startAll`); a plugin that fails is marked failed with the reason and the rest of
 * the app goes on.
 */
export class PluginManager {
  private readonly processes = new Map<string, PluginProcess>();
  private readonly starting = new Map<string, Promise<PluginProcess>>();
  private readonly failures = new Map<string, CampaignError>();
  private readonly logs = new Map<string, PluginLogLine[]>();
  private readonly builtinSources = new Map<string, string>();
  readonly trustedKeys: TrustedKeys;
  private closed = false;

  private constructor(
    private readonly options: PluginManagerOptions,
    private readonly builtinDirs: Map<string, string>,
  ) {
    this.trustedKeys = new TrustedKeys(options.database.settings);
  }

  /** Registers the built-in plugins (first start, or a new app version) and opens the host. */
  static async open(options: PluginManagerOptions): Promise<PluginManager> {
    const root = options.builtinDir ?? BUILTIN_DIR;
    const dirs = new Map<string, string>();
    const store = options.database.plugins;
    const entries = await store.getAll();
    const now = options.clock.now();
    for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
      const dir = join(root, name);
      const file = join(dir, 'plugin.json');
      if (!existsSync(file)) continue;
      let manifest: PluginManifest;
      try {
        manifest = parseManifest(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
      } catch (error) {
        // One broken built-in must not keep the app from opening; it is reported and left out.
        console.error(`Built-in plugin in ${dir} skipped: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      dirs.set(manifest.id, dir);
      const existing = entries[manifest.id];
      if (existing && existing.version === manifest.version && existing.builtIn) continue;
      await store.set(manifest.id, {
        name: manifest.name.en,
        version: manifest.version,
        publisher: manifest.publisher,
        apiRange: manifest.apiVersion,
        builtIn: true,
        enabled: existing?.enabled ?? true,
        status: 'ok',
        manifest: manifest as unknown as Record<string, unknown>,
        trust: 'builtin',
        keyId: '',
        config: existing?.config ?? {},
        grantedPermissions: manifest.permissions?.network ?? [],
        location: '',
        installedAt: existing?.installedAt ?? now,
        updatedAt: now,
      });
    }
    return new PluginManager(options, dirs);
  }

  private get root(): string {
    return join(this.options.dataDir, 'plugins');
  }

  private changed(): void {
    this.options.onChange?.();
  }

  private async entry(id: string): Promise<PluginEntry> {
    const entry = await this.options.database.plugins.get(id);
    if (!entry) throw new CampaignError('PL_NOT_FOUND', { id });
    return entry;
  }

  // ---- Queries

  async list(): Promise<PluginInfo[]> {
    const entries = await this.options.database.plugins.getAll();
    const usage = await this.plansByPlugin();
    return Object.entries(entries)
      .map(([id, entry]) => this.info(id, entry, usage.get(id) ?? []))
      .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<PluginInfo> {
    const entry = await this.entry(id);
    return this.info(id, entry, (await this.plansByPlugin()).get(id) ?? []);
  }

  private info(id: string, entry: PluginEntry, usedBy: PluginInfo['usedBy']): PluginInfo {
    const manifest = manifestOf(entry);
    const process = this.processes.get(id);
    const failure = this.failures.get(id);
    const state: PluginState = !entry.enabled ? 'disabled' : failure ? 'failed' : this.starting.has(id) ? 'starting' : process?.state === 'running' ? 'enabled' : 'stopped';
    return {
      id,
      name: manifest.name,
      description: manifest.description ?? null,
      version: entry.version,
      publisher: entry.publisher,
      builtIn: entry.builtIn,
      enabled: entry.enabled,
      state,
      failure: failure ? failureOf(failure) : (entry.lastError ?? null),
      trust: entry.trust,
      keyId: entry.keyId,
      apiRange: entry.apiRange,
      contributes: manifest.contributes,
      network: entry.grantedPermissions,
      configSchema: manifest.configSchema ?? null,
      config: entry.config as Record<string, Json>,
      contributions: process?.state === 'running' ? process.contributions : [],
      usedBy,
      installedAt: entry.installedAt,
      updatedAt: entry.updatedAt,
      log: [...(this.logs.get(id) ?? [])],
    };
  }

  private async plansByPlugin(): Promise<Map<string, PluginInfo['usedBy']>> {
    const docs = await this.options.database.collections.plans.find({ selector: { status: { $in: [...LIVE_PLAN_STATES] } } }).exec();
    const out = new Map<string, PluginInfo['usedBy']>();
    for (const doc of docs) {
      const list = out.get(doc.pluginId) ?? [];
      list.push({ id: doc.id, name: doc.name, status: doc.status });
      out.set(doc.pluginId, list);
    }
    return out;
  }

  /** Every contribution of one kind from the enabled plugins (starting them if needed). */
  async contributions(kind: ContributionKind): Promise<(ContributionDescriptor & { pluginId: string })[]> {
    await this.startAll();
    const out: (ContributionDescriptor & { pluginId: string })[] = [];
    for (const [pluginId, process] of this.processes) {
      if (process.state !== 'running') continue;
      for (const c of process.contributions) if (c.kind === kind) out.push({ ...c, pluginId });
    }
    return out.sort((a, b) => a.pluginId.localeCompare(b.pluginId) || a.id.localeCompare(b.id));
  }

  /** Inspects a package without installing it: manifest, signature, what it would replace. */
  async inspect(source: PackageSource): Promise<PackageInspection> {
    const pkg = await readPackage(source);
    checkApiRange(pkg.manifest, apiVersion);
    const verdict = verifyPackage(pkg, await this.trustedKeys.list());
    const existing = await this.options.database.plugins.get(pkg.manifest.id);
    let bytes = 0;
    for (const data of pkg.files.values()) bytes += data.length;
    return {
      manifest: pkg.manifest,
      trust: verdict.trust,
      keyId: verdict.keyId ?? null,
      files: pkg.files.size,
      bytes,
      installed: existing ? { version: existing.version, builtIn: existing.builtIn } : null,
    };
  }

  // ---- Running

  /** Starts every enabled plugin that is not running; failures are recorded, not thrown. */
  async startAll(): Promise<void> {
    const entries = await this.options.database.plugins.getAll();
    await Promise.all(
      Object.entries(entries)
        .filter(([id, entry]) => entry.enabled && !this.failures.has(id))
        .map(([id]) => this.running(id).catch(() => undefined)),
    );
  }

  /** The plugin's running process, started if needed; PL_DISABLED / PL_UNAVAILABLE otherwise. */
  async running(id: string): Promise<PluginProcess> {
    if (this.closed) throw new CampaignError('PL_UNAVAILABLE', { id, reason: 'the app is closing' });
    const current = this.processes.get(id);
    if (current?.state === 'running') return current;
    const failure = this.failures.get(id);
    if (failure) throw new CampaignError('PL_UNAVAILABLE', { id, reason: failure.message });
    const pending = this.starting.get(id);
    if (pending) return pending;
    const start = this.start(id).finally(() => this.starting.delete(id));
    this.starting.set(id, start);
    this.changed();
    return start;
  }

  private async sourceOf(id: string, entry: PluginEntry): Promise<{ source: string; filename: string }> {
    const manifest = manifestOf(entry);
    if (entry.builtIn) {
      const dir = this.builtinDirs.get(id);
      if (!dir) throw new CampaignError('PL_NOT_FOUND', { id });
      let source = this.builtinSources.get(id);
      if (source === undefined) {
        // From the repository: bundle the source; in a packaged app: the prebuilt entry.
        source = existsSync(join(dir, PLUGIN_SOURCE)) ? await bundlePluginSource(dir) : readFileSync(join(dir, manifest.entry), 'utf8');
        this.builtinSources.set(id, source);
      }
      return { source, filename: join(dir, manifest.entry) };
    }
    // Installed files are checked again on every start: a package changed on disk after it
    // was installed (a signed one no longer matching its signature) does not run.
    const folder = join(this.options.dataDir, entry.location);
    const pkg = await readPackage(folder);
    if (entry.trust === 'trusted' || entry.trust === 'untrusted') verifyPackage(pkg, await this.trustedKeys.list());
    return { source: pkg.entrySource, filename: join(folder, manifest.entry) };
  }

  private async start(id: string): Promise<PluginProcess> {
    const entry = await this.entry(id);
    if (!entry.enabled) throw new CampaignError('PL_DISABLED', { id });
    const manifest = manifestOf(entry);
    try {
      checkApiRange(manifest, apiVersion);
      const { source, filename } = await this.sourceOf(id, entry);
      const process = this.spawn(id, manifest, entry, source, filename);
      await process.start();
      return process;
    } catch (error) {
      const failure = error instanceof CampaignError ? error : new CampaignError('PL_ACTIVATE_FAILED', { id, reason: (error as Error).message });
      await this.markFailed(id, failure);
      throw new CampaignError('PL_UNAVAILABLE', { id, reason: failure.message });
    }
  }

  private spawn(id: string, manifest: PluginManifest, entry: PluginEntry, source: string, filename: string): PluginProcess {
    const process = new PluginProcess({
      pluginId: id,
      source,
      filename,
      config: entry.config as Record<string, Json>,
      network: entry.grantedPermissions,
      contributes: manifest.contributes,
      apiVersion,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    this.processes.set(id, process);
    process.onDidFail((error) => {
      if (this.processes.get(id) !== process) return;
      void this.markFailed(id, error).catch(() => undefined);
      this.options.onPluginFailed?.(id, error);
    });
    process.onLog((line: { level: PluginLogLine['level']; message: string }) => this.log(id, line.level, line.message));
    process.onDidChangeContributions(() => this.changed());
    return process;
  }

  private log(id: string, level: PluginLogLine['level'], message: string): void {
    const lines = this.logs.get(id) ?? [];
    lines.push({ at: this.options.clock.now(), level, message: message.slice(0, 1000) });
    if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
    this.logs.set(id, lines);
  }

  private async markFailed(id: string, error: CampaignError): Promise<void> {
    this.failures.set(id, error);
    this.log(id, 'error', error.message);
    const entry = await this.options.database.plugins.get(id);
    if (entry) await this.options.database.plugins.set(id, { ...entry, status: error.code === 'PL_API_MISMATCH' ? 'incompatible' : 'failed', lastError: failureOf(error), updatedAt: this.options.clock.now() });
    this.changed();
  }

  private async stop(id: string): Promise<void> {
    const process = this.processes.get(id);
    this.processes.delete(id);
    this.failures.delete(id);
    await this.starting.get(id)?.catch(() => undefined);
    await process?.stop();
    const again = this.processes.get(id);
    if (again && again !== process) {
      this.processes.delete(id);
      await again.stop();
    }
  }

  /** Calls a contribution's method in its plugin; the plugin's failure becomes PL_UNAVAILABLE. */
  async call(pluginId: string, kind: ContributionKind, contribution: string, method: string, args: Json[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Json> {
    const process = await this.running(pluginId);
    const found = process.contributions.find((c) => c.kind === kind && c.id === contribution);
    if (!found) throw new CampaignError('PL_UNKNOWN_CONTRIBUTION', { kind, contribution: `${pluginId}/${contribution}` });
    return process.call(kind, contribution, method, args, options);
  }

  /** The descriptor of a running plugin's contribution (starting it if needed). */
  async descriptor(pluginId: string, kind: ContributionKind, contribution: string): Promise<ContributionDescriptor> {
    const process = await this.running(pluginId);
    const found = process.contributions.find((c) => c.kind === kind && c.id === contribution);
    if (!found) throw new CampaignError('PL_UNKNOWN_CONTRIBUTION', { kind, contribution: `${pluginId}/${contribution}` });
    return found;
  }

  // ---- Lifecycle

  /**
   * Installs a package (a new plugin), or with `update` replaces an installed one. The
   * package is read and checked in memory, its signature verified, and it is started once in
   * its worker before anything is written: a package that fails any step leaves nothing.
   */
  async install(source: PackageSource, options: { installAnyway?: boolean; update?: boolean; acceptBreaks?: boolean; actor: Actor }): Promise<InstallResult> {
    const pkg = await readPackage(source);
    const { manifest } = pkg;
    const id = manifest.id;
    try {
      checkApiRange(manifest, apiVersion);
      const existing = await this.options.database.plugins.get(id);
      if (existing?.builtIn) throw new CampaignError('PL_BUILTIN', { id, action: 'replaced' satisfies BuiltinAction });
      if (existing && !options.update) throw new CampaignError('PL_ALREADY_INSTALLED', { id, version: existing.version });
      if (!existing && options.update) throw new CampaignError('PL_NOT_FOUND', { id });
      const verdict = verifyPackage(pkg, await this.trustedKeys.list());
      requireInstallable(verdict, pkg, options.installAnyway === true);
      const breaks = existing ? await this.breaksOf(id, manifest) : [];
      if (breaks.length > 0 && !options.acceptBreaks) {
        throw new CampaignError('PL_IN_USE', { id, plans: breaks.map((b) => `${b.planName} (${b.marketingType})`).join(', ') });
      }
      const now = this.options.clock.now();
      const entry: PluginEntry = {
        name: manifest.name.en,
        version: manifest.version,
        publisher: manifest.publisher,
        apiRange: manifest.apiVersion,
        builtIn: false,
        enabled: existing?.enabled ?? true,
        status: 'ok',
        manifest: manifest as unknown as Record<string, unknown>,
        trust: verdict.trust,
        keyId: verdict.keyId ?? '',
        config: existing?.config ?? {},
        grantedPermissions: manifest.permissions?.network ?? [],
        location: relative(this.options.dataDir, join(this.root, id)),
        installedAt: existing?.installedAt ?? now,
        updatedAt: now,
      };
      // A trial start: a plugin that cannot even activate is refused, not installed.
      const trial = new PluginProcess({ pluginId: id, source: pkg.entrySource, filename: join(this.root, id, manifest.entry), config: entry.config as Record<string, Json>, network: entry.grantedPermissions, contributes: manifest.contributes, apiVersion, ...(this.options.limits ? { limits: this.options.limits } : {}) });
      try {
        await trial.start();
      } finally {
        await trial.stop();
      }
      await this.stop(id);
      installFiles(this.root, id, pkg.signature ? signedFiles(pkg, pkg.signature) : pkg.files);
      await this.options.database.plugins.set(id, entry);
      await this.audit(options.update ? 'plugins/update-plugin' : 'plugins/install-plugin', id, options.actor, 'ok', '', `${manifest.name.en} ${manifest.version}`, { version: manifest.version, previous: existing?.version ?? null, trust: verdict.trust, keyId: verdict.keyId ?? null, breaks: breaks.map((b) => b.planId) });
      this.changed();
      if (entry.enabled) await this.running(id).catch(() => undefined);
      return { plugin: await this.get(id), breaks };
    } catch (error) {
      await this.audit(options.update ? 'plugins/update-plugin' : 'plugins/install-plugin', id, options.actor, 'error', error instanceof CampaignError ? error.code : 'SYS_INTERNAL', `${id} ${manifest.version}`, {}).catch(() => undefined);
      throw error;
    }
  }

  /** Live plans whose marketing type the new manifest no longer contributes. */
  private async breaksOf(id: string, manifest: PluginManifest): Promise<InstallResult['breaks']> {
    const types = new Set(manifest.contributes.marketingTypes ?? []);
    const docs = await this.options.database.collections.plans.find({ selector: { pluginId: id, status: { $in: [...LIVE_PLAN_STATES] } } }).exec();
    return docs.filter((d) => !types.has(d.marketingType)).map((d) => ({ planId: d.id, planName: d.name, marketingType: d.marketingType }));
  }

  async enable(id: string, actor: Actor): Promise<PluginInfo> {
    const entry = await this.entry(id);
    await this.stop(id);
    const { lastError: _cleared, ...rest } = entry;
    await this.options.database.plugins.set(id, { ...rest, enabled: true, status: 'ok', updatedAt: this.options.clock.now() });
    await this.audit('plugins/enable-plugin', id, actor, 'ok', '', entry.name, {});
    await this.running(id).catch(() => undefined);
    this.changed();
    return this.get(id);
  }

  /** Stops it; plans of its marketing types do not run (their runs pause) until it is enabled again. */
  async disable(id: string, actor: Actor): Promise<PluginInfo> {
    const entry = await this.entry(id);
    await this.stop(id);
    await this.options.database.plugins.set(id, { ...entry, enabled: false, updatedAt: this.options.clock.now() });
    await this.audit('plugins/disable-plugin', id, actor, 'ok', '', entry.name, {});
    this.changed();
    return this.get(id);
  }

  /** Refused for built-in plugins and while a scheduled, active or paused plan uses it. */
  async uninstall(id: string, actor: Actor): Promise<void> {
    const entry = await this.entry(id);
    if (entry.builtIn) throw new CampaignError('PL_BUILTIN', { id, action: 'uninstalled' satisfies BuiltinAction });
    const using = (await this.plansByPlugin()).get(id) ?? [];
    if (using.length > 0) throw new CampaignError('PL_IN_USE', { id, plans: using.map((p) => p.name).join(', ') });
    await this.stop(id);
    await this.options.database.plugins.delete(id);
    removeFiles(this.root, id);
    this.logs.delete(id);
    await this.audit('plugins/uninstall-plugin', id, actor, 'ok', '', `${entry.name} ${entry.version}`, {});
    this.changed();
  }

  /** Saves the plugin's settings (checked against its config form) and restarts it. */
  async configure(id: string, config: Record<string, Json>, actor: Actor): Promise<PluginInfo> {
    const entry = await this.entry(id);
    const schema = manifestOf(entry).configSchema;
    if (schema) {
      const validate = ajv.compile(schema);
      if (!validate(config)) {
        const issue = validate.errors?.[0];
        throw new CampaignError('API_VALIDATION', { path: issue?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '', reason: issue?.message ?? 'invalid' });
      }
    }
    await this.stop(id);
    await this.options.database.plugins.set(id, { ...entry, config, updatedAt: this.options.clock.now() });
    await this.audit('plugins/configure-plugin', id, actor, 'ok', '', entry.name, { config: Object.keys(config) });
    if (entry.enabled) await this.running(id).catch(() => undefined);
    this.changed();
    return this.get(id);
  }

  private async audit(method: string, id: string, actor: Actor, outcome: 'ok' | 'error', errorCode: string, summary: string, details: Record<string, unknown>): Promise<void> {
    await AuditLog.of(this.options.database.collections.auditLog).append({
      at: this.options.clock.now(),
      actor,
      method,
      targetCollection: 'plugins',
      targetId: id,
      outcome,
      errorCode,
      summary: summary.slice(0, 500),
      details,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.starting.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    this.processes.clear();
  }
}
