/**
 * One plugin running isolated in its own worker thread (see plugin-worker.mjs), seen from the
 * main process. Only plain JSON crosses (protocol.ts); every message from the worker is
 * checked before use, as if the plugin had written it.
 *
 * Lifecycle: `start()` once → 'starting' → 'running'; then either `stop()` → 'stopped', or a
 * failure (activate threw, a call timed out, out of memory, crash) → 'failed', which
 * terminates the worker, rejects the calls in progress and fires `onDidFail` once.
 */
import { Worker } from 'node:worker_threads';
import { BugError, CampaignError } from '../../core/errors/campaign-error.ts';
import type { CustomerChannel, Json, PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import type { ContributionDescriptor, ContributionKind, HostMessage, SerializedPluginError, WorkerMessage } from './protocol.ts';

export type PluginProcessState = 'starting' | 'running' | 'failed' | 'stopped';

export interface PluginProcessLimits {
  /** Until `activate` (and its promise) is done. Default 10,000. */
  activateTimeoutMs?: number;
  /** Per call unless the call gives its own. Default 5,000. */
  callTimeoutMs?: number;
  /** The worker's old-generation heap. Default 128. */
  memoryMb?: number;
}

export interface PluginProcessOptions {
  pluginId: string;
  /** The entry file's text: a CommonJS bundle (`module.exports.default = { activate }`). */
  source: string;
  /** Shown in the plugin's stack traces. */
  filename: string;
  config: Record<string, Json>;
  /** Granted hosts (`host` or `host:port`) for `ctx.fetch`. */
  network: string[];
  contributes: PluginManifest['contributes'];
  apiVersion: string;
  limits?: PluginProcessLimits;
}

export interface PluginCallOptions {
  timeoutMs?: number;
  /** Aborting sends the plugin a cancellation and rejects the call with PL_CANCELLED at once. */
  signal?: AbortSignal;
}

export interface PluginLogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

const DEFAULT_LIMITS: Required<PluginProcessLimits> = { activateTimeoutMs: 10_000, callTimeoutMs: 5_000, memoryMb: 128 };
/** How long `stop()` waits for `deactivate` before terminating the worker. */
const STOP_GRACE_MS = 2_000;
const MAX_REASON_CHARS = 1_000;
const WORKER_URL = new URL('./plugin-worker.mjs', import.meta.url);

const KINDS: Record<ContributionKind, { list: keyof PluginManifest['contributes']; methods: string[]; hooks: string[] }> = {
  marketingType: { list: 'marketingTypes', methods: ['template'], hooks: ['eligibility', 'executionTime', 'describe'] },
  audienceCondition: { list: 'audienceConditions', methods: ['expand'], hooks: [] },
  timeMode: { list: 'timeModes', methods: ['resolve'], hooks: [] },
  rightType: { list: 'rightTypes', methods: [], hooks: [] },
  messageChannel: { list: 'messageChannels', methods: ['send'], hooks: [] },
};
const CHANNELS: readonly CustomerChannel[] = ['sms', 'email', 'wechat', 'app'];

interface PendingCall {
  label: string;
  kind: ContributionKind;
  contribution: string;
  resolve(value: Json): void;
  reject(error: Error): void;
  /** Clears the timer and the abort listener. */
  done(): void;
}

export class PluginProcess {
  readonly pluginId: string;
  readonly #options: PluginProcessOptions;
  readonly #limits: Required<PluginProcessLimits>;
  #worker: Worker | null = null;
  #state: PluginProcessState = 'stopped';
  #started = false;
  #stopping: Promise<void> | null = null;
  #failure: CampaignError | null = null;
  #activation: { resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout } | null = null;
  #onDeactivated: (() => void) | null = null;
  #nextCallId = 0;
  readonly #pending = new Map<number, PendingCall>();
  readonly #contributions = new Map<string, ContributionDescriptor>();
  readonly #problems: CampaignError[] = [];
  readonly #changeListeners = new Listeners<void>();
  readonly #failListeners = new Listeners<CampaignError>();
  readonly #logListeners = new Listeners<PluginLogLine>();

  constructor(options: PluginProcessOptions) {
    this.pluginId = options.pluginId;
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
  }

  /** 'stopped' until `start()`. */
  get state(): PluginProcessState {
    return this.#state;
  }

  /** Why it failed; null unless `state` is 'failed'. */
  get failure(): CampaignError | null {
    return this.#failure;
  }

  /** What the plugin has registered and not disposed (empty unless running or starting). */
  get contributions(): ContributionDescriptor[] {
    return [...this.#contributions.values()];
  }

  /** Things the plugin did wrong without failing, e.g. PL_UNDECLARED_CONTRIBUTION. */
  get problems(): readonly CampaignError[] {
    return this.#problems;
  }

  onDidChangeContributions(listener: () => void): () => void {
    return this.#changeListeners.add(listener);
  }

  /** Fires once, when the process becomes 'failed'. */
  onDidFail(listener: (error: CampaignError) => void): () => void {
    return this.#failListeners.add(listener);
  }

  /** The plugin's `ctx.log` lines, and the host's own notes about it (problems). */
  onLog(listener: (line: PluginLogLine) => void): () => void {
    return this.#logListeners.add(listener);
  }

  /**
   * Spawns the worker and activates the plugin. Resolves once `activate` is done; rejects
   * with PL_ACTIVATE_FAILED, PL_TIMEOUT, PL_OUT_OF_MEMORY or PL_CRASHED (the process is then
   * 'failed'), or PL_UNAVAILABLE when stopped meanwhile. A PluginProcess starts once.
   */
  start(): Promise<void> {
    if (this.#started) return Promise.reject(new BugError(`PluginProcess ${this.pluginId}: start() called twice`));
    this.#started = true;
    this.#state = 'starting';
    return new Promise<void>((resolve, reject) => {
      const ms = this.#limits.activateTimeoutMs;
      const timer = setTimeout(() => this.#fail(new CampaignError('PL_TIMEOUT', { id: this.pluginId, call: 'activate', ms })), ms);
      this.#activation = { resolve, reject, timer };
      let worker: Worker;
      try {
        worker = new Worker(WORKER_URL, {
          resourceLimits: { maxOldGenerationSizeMb: this.#limits.memoryMb },
          // The worker gets nothing of the app's environment or flags (no secrets, no loaders).
          env: {},
          execArgv: [],
          argv: [],
        });
      } catch (error) {
        this.#fail(new CampaignError('PL_CRASHED', { id: this.pluginId, reason: clip(error instanceof Error ? error.message : String(error)) }));
        return;
      }
      this.#worker = worker;
      worker.on('message', (data: unknown) => this.#onMessage(data));
      worker.on('messageerror', () => this.#fail(new CampaignError('PL_CRASHED', { id: this.pluginId, reason: 'its worker sent a message that cannot be read' })));
      worker.on('error', (error: unknown) => this.#onError(error));
      worker.on('exit', (code: number) => this.#onExit(worker, code));
      const { pluginId, apiVersion, source, filename, config, network, contributes } = this.#options;
      this.#post({ t: 'activate', pluginId, apiVersion, source, filename, config, network, contributes });
    });
  }

  /**
   * Calls `method` of a registered contribution with JSON arguments (the worker adds the
   * CancellationToken where the SDK has one). A timeout fails the whole process (the worker
   * may be stuck in a loop, so it is terminated) and rejects with PL_TIMEOUT; an abort
   * rejects with PL_CANCELLED; a plugin error with PL_BAD_RESULT (or PL_NETWORK_DENIED /
   * PL_CANCELLED when the plugin let those through).
   */
  call(kind: ContributionKind, contribution: string, method: string, args: Json[], options: PluginCallOptions = {}): Promise<Json> {
    const label = `${kind}:${contribution}.${method}`;
    if (this.#state !== 'running' || this.#stopping !== null) return Promise.reject(this.#unavailable());
    const descriptor = this.#contributions.get(contributionKey(kind, contribution));
    if (descriptor === undefined) return Promise.reject(new CampaignError('PL_UNKNOWN_CONTRIBUTION', { kind, contribution }));
    if (!KINDS[kind].methods.includes(method) && !descriptor.hooks.includes(method)) {
      return Promise.reject(new BugError(`${this.pluginId}: ${label} is not implemented (check the descriptor's hooks first)`));
    }
    if (!args.every((arg) => isJson(arg))) return Promise.reject(new BugError(`${this.pluginId}: ${label} called with arguments that are not plain JSON`));
    if (options.signal?.aborted) return Promise.reject(new CampaignError('PL_CANCELLED', { id: this.pluginId, call: label }));
    const id = ++this.#nextCallId;
    const ms = options.timeoutMs ?? this.#limits.callTimeoutMs;
    const signal = options.signal;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new CampaignError('PL_TIMEOUT', { id: this.pluginId, call: label, ms })), ms);
      const onAbort = (): void => {
        const pending = this.#take(id);
        if (pending === undefined) return;
        this.#post({ t: 'cancel', id });
        pending.reject(new CampaignError('PL_CANCELLED', { id: this.pluginId, call: label }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#pending.set(id, { label, kind, contribution, resolve, reject, done });
      this.#post({ t: 'call', id, kind, contribution, method, args });
    });
  }

  /**
   * Asks the plugin to deactivate (its `deactivate()`, then its disposables), waits for it at
   * most 2 s, then terminates the worker. Calls still in progress reject with PL_UNAVAILABLE.
   */
  stop(): Promise<void> {
    if (this.#stopping !== null) return this.#stopping;
    const worker = this.#worker;
    if (worker === null || this.#state === 'failed' || this.#state === 'stopped') {
      if (this.#state !== 'failed') this.#state = 'stopped';
      return Promise.resolve();
    }
    this.#stopping = (async () => {
      if (this.#state === 'running') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, STOP_GRACE_MS);
          this.#onDeactivated = () => {
            clearTimeout(timer);
            resolve();
          };
          worker.once('exit', this.#onDeactivated);
          this.#post({ t: 'deactivate' });
        });
      }
      this.#onDeactivated = null;
      const stopped = new CampaignError('PL_UNAVAILABLE', { id: this.pluginId, reason: 'it was stopped' });
      this.#end('stopped');
      this.#activation?.reject(stopped);
      this.#clearActivation();
      this.#rejectPending(stopped);
      this.#clearContributions();
      await worker.terminate();
    })();
    return this.#stopping;
  }

  // ---- worker events

  #onMessage(data: unknown): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    const message = parseWorkerMessage(data);
    if (message === null) {
      // Our own worker never sends this: treat it as a plugin that got out of its sandbox.
      this.#fail(new CampaignError('PL_CRASHED', { id: this.pluginId, reason: 'its worker sent an invalid message' }));
      return;
    }
    switch (message.t) {
      case 'activated':
        if (this.#state === 'starting') {
          this.#state = 'running';
          const activation = this.#activation;
          this.#clearActivation();
          activation?.resolve();
        }
        return;
      case 'activate-failed':
        this.#fail(new CampaignError('PL_ACTIVATE_FAILED', { id: this.pluginId, reason: clip(message.error.message) }));
        return;
      case 'register': {
        const { kind, id } = message.contribution;
        if (!this.#declares(kind, id)) {
          this.#problem(new CampaignError('PL_UNDECLARED_CONTRIBUTION', { id: this.pluginId, kind, contribution: id }));
          return;
        }
        this.#contributions.set(contributionKey(kind, id), message.contribution);
        this.#changeListeners.emit();
        return;
      }
      case 'unregister':
        if (this.#contributions.delete(contributionKey(message.kind, message.id))) this.#changeListeners.emit();
        return;
      case 'refused':
        this.#problem(new CampaignError('PL_UNDECLARED_CONTRIBUTION', { id: this.pluginId, kind: message.kind, contribution: message.id }));
        return;
      case 'result': {
        const pending = this.#take(message.id);
        if (pending === undefined) return; // cancelled or timed out meanwhile
        if (message.ok) pending.resolve(message.value);
        else pending.reject(this.#callError(pending, message.error));
        return;
      }
      case 'log':
        this.#logListeners.emit({ level: message.level, message: message.message });
        return;
      case 'deactivated':
        this.#onDeactivated?.();
        return;
    }
  }

  #onError(error: unknown): void {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.#fail(new CampaignError('PL_OUT_OF_MEMORY', { id: this.pluginId, limitMb: this.#limits.memoryMb }));
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    this.#fail(new CampaignError('PL_CRASHED', { id: this.pluginId, reason: clip(reason) }));
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    this.#fail(new CampaignError('PL_CRASHED', { id: this.pluginId, reason: `its worker exited (code ${code})` }));
  }

  // ---- helpers

  #post(message: HostMessage): void {
    this.#worker?.postMessage(message);
  }

  #declares(kind: ContributionKind, id: string): boolean {
    return (this.#options.contributes[KINDS[kind].list] ?? []).includes(id);
  }

  #take(id: number): PendingCall | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    pending.done();
    return pending;
  }

  #callError(call: PendingCall, error: SerializedPluginError): CampaignError {
    switch (error.code) {
      case 'PL_CANCELLED':
        return new CampaignError('PL_CANCELLED', { id: this.pluginId, call: call.label });
      case 'PL_NETWORK_DENIED': {
        const host = error.params?.host;
        return new CampaignError('PL_NETWORK_DENIED', { id: this.pluginId, host: typeof host === 'string' ? host : '?' });
      }
      case 'PL_UNKNOWN_CONTRIBUTION':
        // Disposed between our check and the call.
        return new CampaignError('PL_UNKNOWN_CONTRIBUTION', { kind: call.kind, contribution: call.contribution });
      case 'PL_BAD_RESULT':
        return new CampaignError('PL_BAD_RESULT', { id: this.pluginId, call: call.label, reason: clip(error.message) });
      default:
        return new CampaignError('PL_BAD_RESULT', { id: this.pluginId, call: call.label, reason: clip(`${error.code}: ${error.message}`) });
    }
  }

  #unavailable(): CampaignError {
    const reason =
      this.#failure !== null ? this.#failure.message : this.#state === 'starting' ? 'it is still starting' : this.#stopping !== null ? 'it is stopping' : 'it is not started';
    return new CampaignError('PL_UNAVAILABLE', { id: this.pluginId, reason });
  }

  #problem(error: CampaignError): void {
    this.#problems.push(error);
    this.#logListeners.emit({ level: 'error', message: error.message });
  }

  /** Marks the process failed (once): terminates the worker and rejects what waits on it. */
  #fail(error: CampaignError): void {
    if (this.#state === 'failed' || this.#state === 'stopped' || this.#stopping !== null) return;
    this.#failure = error;
    this.#end('failed');
    this.#activation?.reject(error);
    this.#clearActivation();
    this.#rejectPending(error);
    this.#clearContributions();
    this.#failListeners.emit(error);
  }

  #end(state: 'failed' | 'stopped'): void {
    this.#state = state;
    const worker = this.#worker;
    this.#worker = null;
    void worker?.terminate();
  }

  #clearActivation(): void {
    if (this.#activation !== null) clearTimeout(this.#activation.timer);
    this.#activation = null;
  }

  #rejectPending(error: CampaignError): void {
    for (const id of [...this.#pending.keys()]) this.#take(id)?.reject(error);
  }

  #clearContributions(): void {
    if (this.#contributions.size === 0) return;
    this.#contributions.clear();
    this.#changeListeners.emit();
  }
}

/** A small event source; a throwing listener is reported and does not stop the others. */
class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    // Wrapped so the same function added twice is two subscriptions.
    const entry = (value: T): void => listener(value);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error('PluginProcess: a listener threw:', error);
      }
    }
  }
}

function contributionKey(kind: ContributionKind, id: string): string {
  return `${kind}:${id}`;
}

function clip(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---- checking what the worker sends

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Plain JSON: no cycles, class instances, undefined, NaN… (structured clone allows them all). */
function isJson(value: unknown, ancestors: object[] = []): value is Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || ancestors.length > 100 || ancestors.includes(value)) return false;
  const inner = [...ancestors, value];
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!isJson(value[i], inner)) return false;
    return true;
  }
  return isPlainObject(value) && Object.values(value).every((v) => isJson(v, inner));
}

function isKind(value: unknown): value is ContributionKind {
  return typeof value === 'string' && Object.hasOwn(KINDS, value);
}

function isLocalized(value: unknown): value is { en: string; 'zh-CN': string } {
  return isPlainObject(value) && typeof value.en === 'string' && typeof value['zh-CN'] === 'string';
}

function isFormSchemaLike(value: unknown): boolean {
  return isPlainObject(value) && value.type === 'object' && isPlainObject(value.properties);
}

function parseError(value: unknown): SerializedPluginError | null {
  if (!isPlainObject(value) || typeof value.code !== 'string' || typeof value.message !== 'string') return null;
  const error: SerializedPluginError = { code: value.code, message: value.message };
  if (isPlainObject(value.params)) {
    const params = value.params;
    if (!Object.values(params).every((v) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return null;
    error.params = params as Record<string, string | number | boolean | null>;
  }
  return error;
}

function parseDescriptor(value: unknown): ContributionDescriptor | null {
  if (!isPlainObject(value) || !isKind(value.kind)) return null;
  const { kind, id, name, description, icon, configSchema, paramsSchema, channels, hooks } = value;
  if (typeof id !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(id) || !isLocalized(name)) return null;
  if (!Array.isArray(hooks) || !hooks.every((h) => typeof h === 'string' && KINDS[kind].hooks.includes(h))) return null;
  const descriptor: ContributionDescriptor = { kind, id, name: { en: name.en, 'zh-CN': name['zh-CN'] }, hooks: hooks as string[] };
  if (description !== undefined) {
    if (!isLocalized(description)) return null;
    descriptor.description = { en: description.en, 'zh-CN': description['zh-CN'] };
  }
  if (icon !== undefined) {
    if (typeof icon !== 'string') return null;
    descriptor.icon = icon;
  }
  if (configSchema !== undefined) {
    if (!isFormSchemaLike(configSchema)) return null;
    descriptor.configSchema = configSchema as unknown as ContributionDescriptor['configSchema'];
  }
  if (paramsSchema !== undefined) {
    if (!isFormSchemaLike(paramsSchema)) return null;
    descriptor.paramsSchema = paramsSchema as unknown as ContributionDescriptor['paramsSchema'];
  }
  if (channels !== undefined) {
    if (!Array.isArray(channels) || !channels.every((c) => CHANNELS.includes(c as CustomerChannel))) return null;
    descriptor.channels = channels as CustomerChannel[];
  }
  return descriptor;
}

/** The message as the protocol types it, or null when it does not fit (shape or JSON). */
function parseWorkerMessage(data: unknown): WorkerMessage | null {
  if (!isJson(data) || !isPlainObject(data)) return null;
  switch (data.t) {
    case 'activated':
    case 'deactivated':
      return { t: data.t };
    case 'activate-failed': {
      const error = parseError(data.error);
      return error && { t: 'activate-failed', error };
    }
    case 'register': {
      const contribution = parseDescriptor(data.contribution);
      return contribution && { t: 'register', contribution };
    }
    case 'unregister':
    case 'refused':
      return isKind(data.kind) && typeof data.id === 'string' ? { t: data.t, kind: data.kind, id: data.id } : null;
    case 'result': {
      if (typeof data.id !== 'number' || !Number.isSafeInteger(data.id)) return null;
      if (data.ok === true) return data.value === undefined ? null : { t: 'result', id: data.id, ok: true, value: data.value as Json };
      if (data.ok !== false) return null;
      const error = parseError(data.error);
      return error && { t: 'result', id: data.id, ok: false, error };
    }
    case 'log':
      return (data.level === 'info' || data.level === 'warn' || data.level === 'error') && typeof data.message === 'string'
        ? { t: 'log', level: data.level, message: data.message }
        : null;
    default:
      return null;
  }
}
