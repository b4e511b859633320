// @ts-check
/**
 * One plugin's worker thread. Plain JavaScript so it loads in `new Worker(...)` without a
 * TypeScript loader (Electron, plain Node, vitest alike).
 *
 * Isolation inside the worker: the plugin's entry runs in a fresh `vm` context (its own
 * realm, no code generation from strings, no wasm), so it sees only ECMAScript built-ins and
 * the PluginContext. Everything the plugin touches is made inside that realm by `bootstrap`
 * below, and no worker-realm value ever reaches it: a worker object in plugin hands would
 * give it the worker's `Function`, hence `process`. The one link out, `bridge` (JSON text in,
 * JSON text out), is never on the plugin's global: it lives only in the bootstrap's closure.
 *
 * The worker checks what the plugin sends (it comes from an untrusted realm) before passing
 * it to the host as a WorkerMessage; the host checks it again.
 */
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';

/**
 * @typedef {import('./protocol.ts').HostMessage} HostMessage
 * @typedef {import('./protocol.ts').WorkerMessage} WorkerMessage
 * @typedef {import('./protocol.ts').ContributionKind} ContributionKind
 * @typedef {import('./protocol.ts').ContributionDescriptor} ContributionDescriptor
 * @typedef {import('./protocol.ts').SerializedPluginError} SerializedPluginError
 * @typedef {Extract<HostMessage, { t: 'activate' }>} ActivateMessage
 * @typedef {{ code?: string; name?: 'TypeError'; message: string; params?: Record<string, string | number | boolean | null> }} BridgeError
 * @typedef {{ ok: true } | { ok: false; error: BridgeError }} BridgeAnswer
 * @typedef {{ dispatch(json: string): void; activate(json: string, entry: Function): void }} Runtime
 */

const FETCH_DEFAULT_TIMEOUT_MS = 10_000;
const FETCH_MAX_TIMEOUT_MS = 60_000;
/** The response body is held several times over (bytes, text, JSON, the plugin's copy). */
const FETCH_MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_LOG_CHARS = 4_000;
const MAX_ERROR_CHARS = 1_000;

/** @type {Record<ContributionKind, { list: 'marketingTypes' | 'audienceConditions' | 'timeModes' | 'rightTypes' | 'messageChannels'; required: string[]; hooks: string[] }>} */
const KINDS = {
  marketingType: { list: 'marketingTypes', required: ['name', 'description', 'icon'], hooks: ['eligibility', 'executionTime', 'describe'] },
  audienceCondition: { list: 'audienceConditions', required: ['name', 'paramsSchema'], hooks: [] },
  timeMode: { list: 'timeModes', required: ['name', 'paramsSchema'], hooks: [] },
  rightType: { list: 'rightTypes', required: ['name', 'paramsSchema'], hooks: [] },
  messageChannel: { list: 'messageChannels', required: ['name', 'channels'], hooks: [] },
};
const CHANNELS = ['sms', 'email', 'wechat', 'app'];
const FIELD_TYPES = ['string', 'number', 'integer', 'boolean'];
const FETCH_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// ---------------------------------------------------------------------------------------
// Runs inside the plugin's realm (serialized with toString): it may use only its parameter
// and ECMAScript built-ins, never anything of this module.

/**
 * Builds the plugin's world inside its realm and returns the worker's two entry points.
 * @param {(json: string) => string} bridge
 * @returns {Runtime}
 */
function bootstrap(bridge) {
  'use strict';
  // Captured before plugin code runs, so a plugin that replaces its globals breaks only itself.
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const { freeze, keys, getPrototypeOf, defineProperty, create, assign } = Object;
  const isArray = Array.isArray;
  const apply = Reflect.apply;
  const PromiseCtor = Promise;
  const then = Promise.prototype.then;
  const ObjectProto = Object.prototype;
  const ArrayProto = Array.prototype;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const StringCtor = String;
  const isFiniteNumber = Number.isFinite;
  /** @type {{ ok: false; error: BridgeError }} */
  const BRIDGE_FAILED = freeze({ ok: false, error: freeze({ message: 'the plugin host did not answer' }) });

  // A plugin's own stack-trace hook would see the worker's frames as CallSites: keep V8's.
  defineProperty(ErrorCtor, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });

  /**
   * The only use of `bridge`. A throw from it (e.g. stack overflow inside the worker's
   * function) carries a worker-realm error: drop it here, never rethrow it.
   * @param {Record<string, unknown>} message
   * @returns {BridgeAnswer}
   */
  function send(message) {
    let text;
    try {
      text = bridge(stringify(message));
    } catch {
      return BRIDGE_FAILED;
    }
    return typeof text === 'string' ? parse(text) : BRIDGE_FAILED;
  }

  /** @param {Promise<unknown>} promise @param {(value: unknown) => void} onValue @param {(error: unknown) => void} onError */
  function whenSettled(promise, onValue, onError) {
    apply(then, promise, [onValue, onError]);
  }

  /** Runs `fn` now; a throw or a rejection both land in onError. @param {() => unknown} fn @param {(value: unknown) => void} onValue @param {(error: unknown) => void} onError */
  function run(fn, onValue, onError) {
    whenSettled(new PromiseCtor((resolve) => resolve(fn())), onValue, onError);
  }

  /** @param {unknown} value @returns {value is Record<string, unknown>} */
  function isObject(value) {
    return typeof value === 'object' && value !== null;
  }

  /**
   * A fresh plain-JSON copy of `value`, or a TypeError naming where it is not JSON (a
   * function, undefined, a cycle, NaN, a class instance…). Copying (not checking, then
   * stringifying) means getters and toJSON cannot change what is sent.
   * @param {unknown} value @param {string} path @param {unknown[]} [ancestors]
   * @returns {unknown}
   */
  function toJson(value, path, ancestors = []) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (!isFiniteNumber(value)) throw new TypeErrorCtor(`${path} is ${value}, not a JSON number`);
      return value;
    }
    if (typeof value !== 'object') throw new TypeErrorCtor(`${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, not JSON`);
    if (ancestors.length >= 64) throw new TypeErrorCtor(`${path} is nested more than 64 levels deep`);
    for (let i = 0; i < ancestors.length; i++) {
      if (ancestors[i] === value) throw new TypeErrorCtor(`${path} refers back to itself (a cycle)`);
    }
    const inner = [...ancestors, value];
    if (isArray(value)) {
      if (getPrototypeOf(value) !== ArrayProto) throw new TypeErrorCtor(`${path} is not a plain array`);
      const copy = [];
      for (let i = 0; i < value.length; i++) copy[i] = toJson(value[i], `${path}[${i}]`, inner);
      return copy;
    }
    const proto = getPrototypeOf(value);
    if (proto !== ObjectProto && proto !== null) throw new TypeErrorCtor(`${path} is not a plain object`);
    /** @type {Record<string, unknown>} */
    const copy = {};
    const record = /** @type {Record<string, unknown>} */ (value);
    const names = keys(record);
    for (let i = 0; i < names.length; i++) {
      const name = /** @type {string} */ (names[i]);
      copy[name] = toJson(record[name], `${path}.${name}`, inner);
    }
    return copy;
  }

  /** @param {unknown} value @param {number} max */
  function text(value, max) {
    let s;
    try {
      s = StringCtor(value);
    } catch {
      s = 'a value that cannot be shown';
    }
    return s.length > max ? `${s.slice(0, max)}…` : s;
  }

  /** What a plugin threw, as JSON for the host. @param {unknown} error @returns {BridgeError & { code: string }} */
  function serializeError(error) {
    try {
      if (isObject(error)) {
        const code = error.code;
        const message = typeof error.message === 'string' ? error.message : text(error, 1000);
        const params = isObject(error.params) ? toJson(error.params, 'params') : undefined;
        return {
          code: typeof code === 'string' && /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(code) ? code : 'PL_BAD_RESULT',
          message: text(message, 1000),
          ...(isObject(params) ? { params: /** @type {Record<string, string>} */ (params) } : {}),
        };
      }
    } catch {
      // A throwing getter or odd params: fall through to the plain text.
    }
    return { code: 'PL_BAD_RESULT', message: text(error, 1000) };
  }

  /** An error of this realm from one of the host's answers. @param {BridgeError} error */
  function toPluginError(error) {
    const e = error.name === 'TypeError' ? new TypeErrorCtor(error.message) : new ErrorCtor(error.message);
    if (error.code !== undefined) assign(e, { code: error.code });
    if (error.params !== undefined) assign(e, { params: freeze(error.params) });
    return e;
  }

  /** @param {string} level @param {unknown} message */
  function log(level, message) {
    send({ t: 'log', level, message: text(message, 4000) });
  }

  /** @template T @param {T} value @returns {T} */
  function deepFreeze(value) {
    if (isObject(value)) {
      const names = keys(value);
      for (let i = 0; i < names.length; i++) deepFreeze(value[/** @type {string} */ (names[i])]);
      freeze(value);
    }
    return value;
  }

  // ---- cancellation

  function createCancellation() {
    let cancelled = false;
    /** @type {(() => void)[]} */
    let listeners = [];
    /** @param {() => void} listener */
    const fire = (listener) => {
      try {
        listener();
      } catch (error) {
        log('error', `a cancellation listener threw: ${serializeError(error).message}`);
      }
    };
    const token = freeze({
      get isCancellationRequested() {
        return cancelled;
      },
      /** @param {() => void} listener */
      onCancellationRequested(listener) {
        if (typeof listener !== 'function') throw new TypeErrorCtor('onCancellationRequested(listener): listener must be a function');
        if (cancelled) {
          // Late listeners still hear it, after the caller has its Disposable (as in VS Code).
          whenSettled(PromiseCtor.resolve(), () => fire(listener), () => {});
          return freeze({ dispose() {} });
        }
        listeners.push(listener);
        return freeze({
          dispose() {
            listeners = listeners.filter((l) => l !== listener);
          },
        });
      },
    });
    return {
      token,
      cancel() {
        if (cancelled) return;
        cancelled = true;
        const toCall = listeners;
        listeners = [];
        for (let i = 0; i < toCall.length; i++) fire(/** @type {() => void} */ (toCall[i]));
      },
    };
  }

  // ---- contributions

  /** Where a call's CancellationToken goes among the arguments (after the JSON ones). */
  const TOKEN_AT = freeze({ 'marketingType.eligibility': 3, 'messageChannel.send': 2 });
  const REQUIRED_METHODS = freeze({ marketingType: ['template'], audienceCondition: ['expand'], timeMode: ['resolve'], rightType: [], messageChannel: ['send'] });
  const OPTIONAL_METHODS = freeze({ marketingType: ['eligibility', 'executionTime', 'describe'], audienceCondition: [], timeMode: [], rightType: [], messageChannel: [] });
  const DATA_FIELDS = freeze({
    marketingType: ['name', 'description', 'icon', 'configSchema'],
    audienceCondition: ['name', 'description', 'paramsSchema'],
    timeMode: ['name', 'description', 'paramsSchema'],
    rightType: ['name', 'description', 'paramsSchema'],
    messageChannel: ['name', 'channels', 'configSchema'],
  });
  /** @type {Record<string, Record<string, unknown>>} registered contributions by `kind:id` */
  const registry = create(null);

  /** @param {'marketingType' | 'audienceCondition' | 'timeMode' | 'rightType' | 'messageChannel'} kind @param {unknown} contribution */
  function register(kind, contribution) {
    if (!isObject(contribution)) throw new TypeErrorCtor(`register ${kind}: expected an object`);
    const id = contribution.id;
    if (typeof id !== 'string') throw new TypeErrorCtor(`register ${kind}: id must be a string`);
    const key = `${kind}:${id}`;
    if (registry[key] !== undefined) throw new ErrorCtor(`${kind} "${id}" is already registered`);
    const required = REQUIRED_METHODS[kind];
    for (let i = 0; i < required.length; i++) {
      const method = /** @type {string} */ (required[i]);
      if (typeof contribution[method] !== 'function') throw new TypeErrorCtor(`${kind} "${id}": ${method} must be a function`);
    }
    /** @type {Record<string, unknown>} */
    const descriptor = { kind, id, hooks: OPTIONAL_METHODS[kind].filter((hook) => typeof contribution[hook] === 'function') };
    const fields = DATA_FIELDS[kind];
    for (let i = 0; i < fields.length; i++) {
      const field = /** @type {string} */ (fields[i]);
      if (contribution[field] !== undefined) descriptor[field] = toJson(contribution[field], `${kind} "${id}": ${field}`);
    }
    const answer = send({ t: 'register', contribution: descriptor });
    if (!answer.ok) throw toPluginError(answer.error);
    registry[key] = contribution;
    let disposed = false;
    return freeze({
      dispose() {
        if (disposed) return;
        disposed = true;
        if (registry[key] !== contribution) return;
        delete registry[key];
        send({ t: 'unregister', kind, id });
      },
    });
  }

  // ---- fetch

  let nextFetch = 0;
  /** @type {Record<number, { resolve(value: unknown): void; reject(error: unknown): void }>} */
  const fetches = create(null);

  /** @param {unknown} url @param {unknown} [request] */
  function pluginFetch(url, request) {
    return new PromiseCtor((resolve, reject) => {
      if (typeof url !== 'string') throw new TypeErrorCtor('fetch(url): url must be a string');
      const rid = ++nextFetch;
      const answer = send({ t: 'fetch', rid, url, request: request === undefined ? {} : toJson(request, 'fetch request') });
      if (!answer.ok) throw toPluginError(answer.error);
      fetches[rid] = { resolve, reject };
    });
  }

  // ---- the context

  /** @type {{ activate(context: unknown): unknown; deactivate?(): unknown } | null} */
  let plugin = null;
  /** @type {unknown[]} */
  const subscriptions = [];
  /** @type {Record<number, { cancel(): void }>} cancellations of the calls in progress */
  const calls = create(null);

  /** @param {{ pluginId: string; apiVersion: string; config: unknown }} init */
  function createContext(init) {
    return freeze({
      pluginId: init.pluginId,
      apiVersion: init.apiVersion,
      config: deepFreeze(init.config),
      subscriptions,
      log: freeze({
        /** @param {unknown} message */
        info: (message) => log('info', message),
        /** @param {unknown} message */
        warn: (message) => log('warn', message),
        /** @param {unknown} message */
        error: (message) => log('error', message),
      }),
      /** @param {unknown} type */
      registerMarketingType: (type) => register('marketingType', type),
      /** @param {unknown} kind */
      registerAudienceCondition: (kind) => register('audienceCondition', kind),
      /** @param {unknown} mode */
      registerTimeMode: (mode) => register('timeMode', mode),
      /** @param {unknown} type */
      registerRightType: (type) => register('rightType', type),
      /** @param {unknown} provider */
      registerMessageChannel: (provider) => register('messageChannel', provider),
      fetch: pluginFetch,
    });
  }

  // V8's own console here writes only to an inspector: send its lines to the plugin's log.
  /** @param {string} level */
  const consoleLine = (level) => (/** @type {unknown[]} */ ...parts) => log(level, parts.map(show).join(' '));
  /** @param {unknown} value */
  function show(value) {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      if (typeof json === 'string' && isObject(value)) return json;
    } catch {
      // cyclic or throwing: shown as String() below
    }
    return text(value, 4000);
  }
  defineProperty(globalThis, 'console', {
    value: freeze({ log: consoleLine('info'), info: consoleLine('info'), debug: consoleLine('info'), warn: consoleLine('warn'), error: consoleLine('error') }),
    writable: true,
    configurable: true,
  });

  /** @param {string} json @param {Function} entry the plugin's CommonJS module body (module, exports) */
  function activate(json, entry) {
    const init = parse(json);
    const context = createContext(init);
    run(
      () => {
        const module = { exports: {} };
        apply(entry, module.exports, [module, module.exports]);
        const exported = /** @type {unknown} */ (module.exports);
        const definition = isObject(exported) && isObject(exported.default) ? exported.default : exported;
        if (!isObject(definition) || typeof definition.activate !== 'function') {
          throw new TypeErrorCtor('the entry must export a default definePlugin({ activate(context) { … } })');
        }
        plugin = /** @type {{ activate(context: unknown): unknown }} */ (definition);
        return plugin.activate(context);
      },
      () => send({ t: 'activated' }),
      (error) => send({ t: 'activate-failed', error: serializeError(error) }),
    );
  }

  /** @param {{ id: number; kind: string; contribution: string; method: string; args: unknown[] }} message */
  function call(message) {
    const id = message.id;
    const name = `${message.kind}.${message.method}`;
    const tokenAt = /** @type {Record<string, number | undefined>} */ (TOKEN_AT)[name];
    const args = message.args;
    if (tokenAt !== undefined) {
      const cancellation = createCancellation();
      calls[id] = cancellation;
      args.length = tokenAt;
      args[tokenAt] = cancellation.token;
    }
    run(
      () => {
        const target = registry[`${message.kind}:${message.contribution}`];
        if (target === undefined) {
          throw assign(new ErrorCtor(`no ${message.kind} "${message.contribution}" is registered`), { code: 'PL_UNKNOWN_CONTRIBUTION' });
        }
        const method = target[message.method];
        if (typeof method !== 'function') throw new TypeErrorCtor(`${message.kind} "${message.contribution}" has no ${message.method}()`);
        return apply(method, target, args);
      },
      (value) => {
        delete calls[id];
        let json;
        try {
          json = toJson(value, 'the result');
        } catch (error) {
          send({ t: 'result', id, ok: false, error: { code: 'PL_BAD_RESULT', message: serializeError(error).message } });
          return;
        }
        send({ t: 'result', id, ok: true, value: json });
      },
      (error) => {
        delete calls[id];
        send({ t: 'result', id, ok: false, error: serializeError(error) });
      },
    );
  }

  function deactivate() {
    run(
      () => (plugin !== null && typeof plugin.deactivate === 'function' ? plugin.deactivate() : undefined),
      () => finishDeactivate(),
      (error) => {
        log('error', `deactivate failed: ${serializeError(error).message}`);
        finishDeactivate();
      },
    );
  }

  function finishDeactivate() {
    // The plugin's subscriptions first (newest first), then whatever it did not hand in.
    for (let i = subscriptions.length - 1; i >= 0; i--) {
      try {
        const s = subscriptions[i];
        if (isObject(s) && typeof s.dispose === 'function') s.dispose();
      } catch (error) {
        log('error', `dispose failed: ${serializeError(error).message}`);
      }
    }
    const left = keys(registry);
    for (let i = 0; i < left.length; i++) {
      const key = /** @type {string} */ (left[i]);
      const at = key.indexOf(':');
      delete registry[key];
      send({ t: 'unregister', kind: key.slice(0, at), id: key.slice(at + 1) });
    }
    send({ t: 'deactivated' });
  }

  /** Messages from the worker, as JSON text so their objects are made in this realm. @param {string} json */
  function dispatch(json) {
    const message = parse(json);
    switch (message.t) {
      case 'call':
        call(message);
        return;
      case 'cancel': {
        const cancellation = calls[message.id];
        if (cancellation !== undefined) cancellation.cancel();
        return;
      }
      case 'fetch-result': {
        const pending = fetches[message.rid];
        if (pending === undefined) return;
        delete fetches[message.rid];
        if (message.ok) pending.resolve(freeze(message.value));
        else pending.reject(toPluginError(message.error));
        return;
      }
      case 'deactivate':
        deactivate();
        return;
    }
  }

  return freeze({ dispatch, activate });
}

// ---------------------------------------------------------------------------------------
// The worker realm

const port = parentPort;
if (port === null) throw new Error('plugin-worker.mjs runs only as a worker thread');

/** @type {Runtime | null} */
let runtime = null;
/** @type {ActivateMessage | null} */
let activation = null;

/** @param {WorkerMessage} message */
function post(message) {
  /** @type {import('node:worker_threads').MessagePort} */ (port).postMessage(message);
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {unknown} value */
function isLocalized(value) {
  return isRecord(value) && typeof value.en === 'string' && typeof value['zh-CN'] === 'string';
}

/** @param {unknown} value */
function isFormSchema(value) {
  if (!isRecord(value) || value.type !== 'object' || !isRecord(value.properties)) return false;
  return Object.values(value.properties).every((field) => isRecord(field) && FIELD_TYPES.includes(/** @type {string} */ (field.type)));
}

/** @param {string} text @param {number} max */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * What is wrong with a descriptor the plugin registers, or null. Mirrors the host's check,
 * but here the plugin gets the answer as a TypeError from its register call.
 * @param {Record<string, unknown>} d
 * @returns {string | null}
 */
function descriptorProblem(d) {
  const kind = /** @type {ContributionKind} */ (d.kind);
  const spec = KINDS[kind];
  const what = `${kind} "${String(d.id)}"`;
  if (typeof d.id !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(d.id)) return `${kind}: id must be 1-64 letters, digits or "-"`;
  for (const field of spec.required) if (d[field] === undefined) return `${what}: ${field} is missing`;
  if (!isLocalized(d.name)) return `${what}: name must be { en, 'zh-CN' } strings`;
  if (d.description !== undefined && !isLocalized(d.description)) return `${what}: description must be { en, 'zh-CN' } strings`;
  if (d.icon !== undefined && typeof d.icon !== 'string') return `${what}: icon must be a string`;
  for (const field of ['configSchema', 'paramsSchema']) {
    if (d[field] !== undefined && !isFormSchema(d[field])) return `${what}: ${field} must be a form schema ({ type: 'object', properties: { name: { type } } })`;
  }
  if (d.channels !== undefined && !(Array.isArray(d.channels) && d.channels.length > 0 && d.channels.every((c) => CHANNELS.includes(c)))) {
    return `${what}: channels must list some of ${CHANNELS.join(', ')}`;
  }
  if (!Array.isArray(d.hooks) || !d.hooks.every((h) => spec.hooks.includes(h))) return `${what}: bad hooks`;
  return null;
}

/**
 * Host names the plugin may fetch from. `host` allows the scheme's default port only,
 * `host:port` that port only.
 * @param {URL} url @param {string[]} network
 */
function isGranted(url, network) {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return network.some((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    if (!match) return false;
    let hostname;
    try {
      hostname = new URL(`http://${match[1]}`).hostname; // the same normalization as the request's URL
    } catch {
      return false;
    }
    return hostname === url.hostname && (match[2] === undefined ? url.port === '' : match[2] === port);
  });
}

/** @param {Response} response */
async function readBody(response) {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > FETCH_MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error(`the response is larger than ${FETCH_MAX_BODY_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Answers a fetch later, through the plugin realm's dispatch. @param {Record<string, unknown>} message */
function deliver(message) {
  if (runtime !== null) callRuntime(runtime.dispatch, JSON.stringify(message));
}

/**
 * @param {number} rid @param {URL} url
 * @param {{ method: string; headers: Record<string, string>; body: string | undefined; timeoutMs: number }} request
 */
async function runFetch(rid, url, request) {
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // Following a redirect could leave the granted hosts: the plugin gets the 3xx instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await readBody(response);
    deliver({ t: 'fetch-result', rid, ok: true, value: { status: response.status, headers: Object.fromEntries(response.headers), body } });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut ? `no answer within ${request.timeoutMs} ms` : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    deliver({ t: 'fetch-result', rid, ok: false, error: { message: clip(`fetch ${url.href} failed: ${reason}`, MAX_ERROR_CHARS) } });
  }
}

/**
 * Checks a plugin's fetch and starts it; the answer refuses at once or says it is under way.
 * @param {ActivateMessage} act @param {Record<string, unknown>} m
 * @returns {BridgeAnswer}
 */
function startFetch(act, m) {
  const request = isRecord(m.request) ? m.request : {};
  /** @param {string} message @returns {BridgeAnswer} */
  const typeError = (message) => ({ ok: false, error: { name: 'TypeError', message } });
  if (typeof m.rid !== 'number' || typeof m.url !== 'string') return typeError('fetch(url): url must be a string');
  let url;
  try {
    url = new URL(m.url);
  } catch {
    return typeError(`fetch: "${clip(m.url, 200)}" is not an absolute URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !isGranted(url, act.network)) {
    const host = url.protocol === 'http:' || url.protocol === 'https:' ? url.host : `${url.protocol}${url.host}`;
    return {
      ok: false,
      error: { code: 'PL_NETWORK_DENIED', message: `Plugin ${act.pluginId} may not call ${host}: add it to permissions.network in plugin.json.`, params: { id: act.pluginId, host } },
    };
  }
  const method = request.method === undefined ? 'GET' : request.method;
  if (typeof method !== 'string' || !FETCH_METHODS.includes(method)) return typeError(`fetch: method must be one of ${FETCH_METHODS.join(', ')}`);
  const headers = request.headers === undefined ? {} : request.headers;
  if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string')) return typeError('fetch: headers must map names to strings');
  if (request.body !== undefined && typeof request.body !== 'string') return typeError('fetch: body must be a string');
  const timeoutMs = request.timeoutMs === undefined ? FETCH_DEFAULT_TIMEOUT_MS : request.timeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) return typeError('fetch: timeoutMs must be a positive number');
  void runFetch(m.rid, url, {
    method,
    headers: /** @type {Record<string, string>} */ (headers),
    body: /** @type {string | undefined} */ (request.body),
    timeoutMs: Math.min(timeoutMs, FETCH_MAX_TIMEOUT_MS),
  });
  return { ok: true };
}

/** @type {BridgeAnswer} */
const OK = { ok: true };

/**
 * A message from the plugin realm (already JSON.parse'd here, so plain worker-realm data,
 * but its content is the plugin's: check it).
 * @param {unknown} m
 * @returns {BridgeAnswer}
 */
function fromPlugin(m) {
  const act = activation;
  if (!isRecord(m) || act === null) return { ok: false, error: { message: 'bad message' } };
  switch (m.t) {
    case 'register': {
      const d = m.contribution;
      if (!isRecord(d) || typeof d.kind !== 'string' || !Object.hasOwn(KINDS, d.kind)) return { ok: false, error: { name: 'TypeError', message: 'bad contribution' } };
      const kind = /** @type {ContributionKind} */ (d.kind);
      const problem = descriptorProblem(d);
      if (problem !== null) return { ok: false, error: { name: 'TypeError', message: problem } };
      const id = /** @type {string} */ (d.id);
      const declared = act.contributes[KINDS[kind].list] ?? [];
      if (!declared.includes(id)) {
        post({ t: 'refused', kind, id });
        return {
          ok: false,
          error: {
            code: 'PL_UNDECLARED_CONTRIBUTION',
            message: `Plugin ${act.pluginId} registered ${kind} "${id}", which its manifest does not declare.`,
            params: { id: act.pluginId, kind, contribution: id },
          },
        };
      }
      post({ t: 'register', contribution: /** @type {ContributionDescriptor} */ (/** @type {unknown} */ (d)) });
      return OK;
    }
    case 'unregister':
      if (typeof m.kind === 'string' && Object.hasOwn(KINDS, m.kind) && typeof m.id === 'string') {
        post({ t: 'unregister', kind: /** @type {ContributionKind} */ (m.kind), id: m.id });
      }
      return OK;
    case 'log':
      if ((m.level === 'info' || m.level === 'warn' || m.level === 'error') && typeof m.message === 'string') {
        post({ t: 'log', level: m.level, message: clip(m.message, MAX_LOG_CHARS) });
      }
      return OK;
    case 'activated':
    case 'deactivated':
      post({ t: m.t });
      return OK;
    case 'activate-failed':
      post({ t: 'activate-failed', error: pluginError(m.error) });
      return OK;
    case 'result':
      if (typeof m.id !== 'number') return OK;
      if (m.ok === true) post({ t: 'result', id: m.id, ok: true, value: /** @type {import('../../../plugins/sdk/campaign-desk-plugin.ts').Json} */ (m.value ?? null) });
      else post({ t: 'result', id: m.id, ok: false, error: pluginError(m.error) });
      return OK;
    case 'fetch':
      return startFetch(act, m);
    default:
      return { ok: false, error: { message: 'bad message' } };
  }
}

/** @param {unknown} e @returns {SerializedPluginError} */
function pluginError(e) {
  if (!isRecord(e)) return { code: 'PL_BAD_RESULT', message: 'unknown error' };
  /** @type {SerializedPluginError} */
  const error = {
    code: typeof e.code === 'string' ? clip(e.code, 64) : 'PL_BAD_RESULT',
    message: typeof e.message === 'string' ? clip(e.message, MAX_ERROR_CHARS) : 'unknown error',
  };
  if (isRecord(e.params) && Object.values(e.params).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    error.params = /** @type {Record<string, string | number | boolean | null>} */ (e.params);
  }
  return error;
}

/**
 * The plugin realm's one way out: JSON text in, JSON text out. It must never throw (a
 * worker-realm error would reach the plugin) and never call back into the plugin realm.
 * @param {unknown} text
 * @returns {string}
 */
function bridge(text) {
  try {
    if (typeof text !== 'string') return '{"ok":false,"error":{"message":"bad message"}}';
    return JSON.stringify(fromPlugin(JSON.parse(text)));
  } catch {
    return '{"ok":false,"error":{"message":"the plugin host failed"}}';
  }
}

/**
 * Calls into the plugin realm with strings only. Its entry points catch everything, so a
 * throw here means that realm is broken (e.g. out of stack): crash the worker, the host
 * marks the plugin failed.
 * @param {Function} fn @param {...unknown} args
 */
function callRuntime(fn, ...args) {
  try {
    Reflect.apply(fn, undefined, args);
  } catch {
    throw new Error('the plugin runtime failed to handle a message');
  }
}

/** @param {ActivateMessage} message */
function onActivate(message) {
  activation = message;
  const context = vm.createContext(Object.create(null), {
    name: `plugin ${message.pluginId}`,
    codeGeneration: { strings: false, wasm: false },
  });
  const init = new vm.Script(`(${bootstrap.toString()})`, { filename: 'campaign-desk:plugin-bootstrap.js' }).runInContext(context);
  // Read the entry points now, before any plugin code exists in that realm.
  const api = init(bridge);
  const dispatch = api.dispatch;
  const activate = api.activate;
  if (typeof dispatch !== 'function' || typeof activate !== 'function') throw new Error('the plugin bootstrap failed');
  runtime = { dispatch, activate };
  let entry;
  try {
    // compileFunction (not a source wrapper) so the plugin's text cannot close the wrapper early.
    entry = vm.compileFunction(message.source, ['module', 'exports'], { parsingContext: context, filename: message.filename });
  } catch (error) {
    post({ t: 'activate-failed', error: { code: 'PL_BAD_RESULT', message: clip(`${message.filename}: ${error instanceof Error ? error.message : String(error)}`, MAX_ERROR_CHARS) } });
    return;
  }
  callRuntime(activate, JSON.stringify({ pluginId: message.pluginId, apiVersion: message.apiVersion, config: message.config }), entry);
}

// A rejection nobody handles is a plugin bug outside any call: crash, whatever Node's
// --unhandled-rejections mode is, so the host marks the plugin failed.
process.on('unhandledRejection', (reason) => {
  let message;
  try {
    message = typeof reason === 'object' && reason !== null && typeof (/** @type {{ message?: unknown }} */ (reason).message) === 'string' ? /** @type {{ message: string }} */ (reason).message : String(reason);
  } catch {
    message = 'a value that cannot be shown';
  }
  throw new Error(`unhandled promise rejection: ${clip(message, MAX_ERROR_CHARS)}`);
});

port.on('message', (/** @type {HostMessage} */ message) => {
  switch (message.t) {
    case 'activate':
      if (activation === null) onActivate(message);
      return;
    case 'call':
    case 'cancel':
    case 'deactivate':
      if (runtime !== null) callRuntime(runtime.dispatch, JSON.stringify(message));
      return;
  }
});
