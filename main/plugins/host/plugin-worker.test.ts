/**
 * The worker's sandbox and its fetch, through PluginProcess with real workers: plugin code
 * reaches nothing of Node (no process, require, eval, worker-realm objects) and the network
 * only at the granted hosts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Json } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { PluginProcess, type PluginLogLine, type PluginProcessOptions } from './plugin-process.ts';

const running: PluginProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function spawn(source: string, options: Partial<PluginProcessOptions> = {}): PluginProcess {
  const process = new PluginProcess({
    pluginId: 'com.example.probe',
    source,
    filename: 'index.js',
    config: {},
    network: [],
    contributes: { marketingTypes: ['probe'], messageChannels: ['courier'] },
    apiVersion: '1.0.0',
    limits: { callTimeoutMs: 5_000, activateTimeoutMs: 10_000 },
    ...options,
  });
  running.push(process);
  return process;
}

describe('the plugin sandbox', () => {
  const SANDBOX_PROBE = `
    const results = {};
    const isProcess = (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.pid === 'number';
    function probe(name, fn) {
      try {
        const v = fn();
        results[name] = isProcess(v) ? 'ESCAPED' : 'returned ' + typeof v;
      } catch (e) {
        results[name] = 'blocked ' + (e && e.name);
      }
    }
    async function probeAsync(name, fn) {
      try {
        const v = await fn();
        results[name] = isProcess(v) ? 'ESCAPED' : 'returned ' + typeof v;
      } catch (e) {
        results[name] = 'blocked ' + (e && e.name);
      }
    }
    /** Worker-realm objects fail instanceof against this realm's Object (whose prototype is the root). */
    function foreignPaths(value, path, seen, out) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.includes(value)) return out;
      seen.push(value);
      if (!(value instanceof Object) && value !== Object.prototype) out.push(path);
      for (const name of Object.getOwnPropertyNames(value)) {
        const d = Object.getOwnPropertyDescriptor(value, name);
        if ('value' in d) foreignPaths(d.value, path + '.' + name, seen, out);
      }
      foreignPaths(Object.getPrototypeOf(value), path + '.__proto__', seen, out);
      return out;
    }
    const moduleThis = this;

    module.exports = { default: { async activate(ctx) {
      const registration = ctx.registerMarketingType({
        id: 'probe',
        name: { en: 'Probe', 'zh-CN': '探针' },
        description: { en: 'Probe', 'zh-CN': '探针' },
        icon: 'Search',
        template() { return {}; },
        eligibility: function hook(customers, plan, run, token) {
          const found = [];
          let f = hook;
          for (let i = 0; i < 10; i++) {
            try { f = f.caller; } catch (e) { found.push('caller throws ' + e.name); break; }
            if (!f) { found.push('caller null'); break; }
            found.push(f instanceof Function ? 'local caller' : 'FOREIGN caller');
            try { found.push(isProcess(f.constructor('return process')()) ? 'ESCAPED' : 'no process'); } catch (e) { found.push('blocked ' + e.name); }
          }
          const local = customers instanceof Array && customers[0] instanceof Object && plan instanceof Object && run instanceof Object && token instanceof Object;
          found.push(local ? 'arguments local' : 'arguments FOREIGN');
          try { customers.constructor.constructor('return process')(); found.push('ESCAPED'); } catch (e) { found.push('args constructor ' + e.name); }
          return [found.join(', ')];
        },
      });

      probe('register.constructor', () => ctx.registerMarketingType.constructor('return process')());
      probe('log.constructor', () => ctx.log.info.constructor('return process')());
      probe('fetch.constructor', () => ctx.fetch.constructor('return process')());
      probe('disposable.constructor', () => registration.dispose.constructor('return process')());
      probe('subscriptions.constructor', () => ctx.subscriptions.constructor.constructor('return process')());
      probe('this.constructor.constructor', () => moduleThis.constructor.constructor('return process')());
      probe('globalThis.constructor.constructor', () => globalThis.constructor.constructor('return process')());
      probe('async function constructor', () => (async () => {}).constructor('return process'));
      probe('generator constructor', () => (function* () {}).constructor('return process'));
      probe('eval', () => eval('process'));
      probe('indirect eval', () => (0, eval)('process'));
      probe('new Function', () => new Function('return process')());
      probe('require', () => require('node:fs'));
      probe('module.require', () => module.require('node:fs'));
      probe('process', () => process);
      const denied = ctx.fetch('http://denied.example/');
      denied.catch(() => {});
      probe('fetch promise constructor', () => denied.constructor.constructor('return process')());
      await probeAsync('dynamic import', () => import('node:fs'));
      await probeAsync('wasm', () => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])));
      try { Error.prepareStackTrace = (e, frames) => frames; } catch (e) { /* strict or not, it must not stick */ }
      results.prepareStackTrace = typeof Error.prepareStackTrace;
      results.globals = ['process', 'require', 'module', 'exports', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'structuredClone', 'bridge']
        .filter((name) => name in globalThis);
      results.foreignGlobals = foreignPaths(globalThis, 'globalThis', [], []);
      results.foreignContext = foreignPaths(ctx, 'ctx', [], []);
      results.foreignDisposable = foreignPaths(registration, 'registration', [], []);
      ctx.log.info(JSON.stringify(results));
    } } };`;

  it('gives plugin code no way to process, require, eval or a worker-realm object', async () => {
    const process = spawn(SANDBOX_PROBE);
    const logs: PluginLogLine[] = [];
    process.onLog((line) => logs.push(line));
    await process.start();
    const results = JSON.parse(logs.at(-1)?.message ?? '{}') as Record<string, Json>;
    expect(results).toEqual({
      'register.constructor': 'blocked EvalError',
      'log.constructor': 'blocked EvalError',
      'fetch.constructor': 'blocked EvalError',
      'disposable.constructor': 'blocked EvalError',
      'subscriptions.constructor': 'blocked EvalError',
      'this.constructor.constructor': 'blocked EvalError',
      'globalThis.constructor.constructor': 'blocked EvalError',
      'async function constructor': 'blocked EvalError',
      'generator constructor': 'blocked EvalError',
      eval: 'blocked EvalError',
      'indirect eval': 'blocked EvalError',
      'new Function': 'blocked EvalError',
      require: 'blocked ReferenceError',
      'module.require': 'blocked TypeError',
      process: 'blocked ReferenceError',
      'fetch promise constructor': 'blocked EvalError',
      'dynamic import': 'blocked TypeError',
      wasm: 'blocked CompileError',
      prepareStackTrace: 'undefined',
      globals: [],
      foreignGlobals: [],
      foreignContext: [],
      foreignDisposable: [],
    });

    // Inside a call the stack holds the worker's frames: none is reachable from the plugin.
    const [found] = (await process.call('marketingType', 'probe', 'eligibility', [[{ id: 'c1' }], {}, {}])) as string[];
    expect(found).not.toMatch(/ESCAPED|FOREIGN/);
    expect(found).toMatch(/arguments local, args constructor EvalError$/);
  });
});

describe('ctx.fetch', () => {
  let server: http.Server;
  let port = 0;
  const received: { method: string; url: string; body: string; key: string | undefined }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body, key: req.headers['x-key'] as string | undefined });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/redirect') {
          res.writeHead(302, { location: 'http://denied.example/' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain', 'x-reply': 'yes' }).end(`${req.method} ${body}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const COURIER = `
    module.exports = { default: { activate(ctx) {
      ctx.registerMessageChannel({
        id: 'courier',
        name: { en: 'Courier', 'zh-CN': '信使' },
        channels: ['sms'],
        async send(message, config) {
          try {
            const r = await ctx.fetch(config.url, config.request);
            const local = r instanceof Object && r.headers instanceof Object;
            return { ok: true, providerId: [r.status, r.body, r.headers['x-reply'] || '-', r.headers.location || '-', local].join('|') };
          } catch (e) {
            if (config.rethrow) throw e;
            return { ok: false, retryable: false, error: (e.code || e.name) + ': ' + e.message };
          }
        },
      });
    } } };`;

  async function send(process: PluginProcess, url: string, extra: Record<string, Json> = {}): Promise<Json> {
    return process.call('messageChannel', 'courier', 'send', [{ idempotencyKey: 'k', channel: 'sms', address: '1', body: 'hi', locale: 'en' }, { url, ...extra }]);
  }

  it('reaches a granted host and port, and nothing else', async () => {
    const process = spawn(COURIER, { network: [`127.0.0.1:${port}`] });
    await process.start();
    const base = `http://127.0.0.1:${port}`;

    expect(await send(process, `${base}/send`, { request: { method: 'POST', body: 'hello', headers: { 'x-key': 'k1' } } })).toEqual({
      ok: true,
      providerId: '200|POST hello|yes|-|true',
    });
    expect(received).toEqual([{ method: 'POST', url: '/send', body: 'hello', key: 'k1' }]);

    const denied = async (url: string, host: string): Promise<void> => {
      expect(await send(process, url)).toEqual({
        ok: false,
        retryable: false,
        error: `PL_NETWORK_DENIED: Plugin com.example.probe may not call ${host}: add it to permissions.network in plugin.json.`,
      });
    };
    await denied(`http://localhost:${port}/send`, `localhost:${port}`);
    await denied(`http://127.0.0.1:${port + 1}/send`, `127.0.0.1:${port + 1}`);
    await denied('https://example.com/', 'example.com');
    await denied('file:///etc/passwd', 'file:');
    expect(received).toHaveLength(1);

    // A redirect is handed to the plugin, not followed (it could leave the granted hosts).
    expect(await send(process, `${base}/redirect`)).toMatchObject({ ok: true, providerId: '302||-|http://denied.example/|true' });
    expect(await send(process, `${base}/slow`, { request: { timeoutMs: 200 } })).toEqual({
      ok: false,
      retryable: false,
      error: `Error: fetch ${base}/slow failed: no answer within 200 ms`,
    });
    expect(await send(process, `${base}/send`, { request: { method: 'TRACE' } })).toMatchObject({ error: expect.stringMatching(/^TypeError: fetch: method must be one of/) });
    expect(await send(process, 'not a url')).toMatchObject({ error: 'TypeError: fetch: "not a url" is not an absolute URL' });
  });

  it('a plugin that lets the refusal through fails the call with PL_NETWORK_DENIED', async () => {
    const process = spawn(COURIER, { network: ['127.0.0.1'] }); // no port: only port 80
    await process.start();
    const error = await send(process, `http://127.0.0.1:${port}/send`, { rethrow: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CampaignError);
    expect((error as CampaignError).code).toBe('PL_NETWORK_DENIED');
    expect((error as CampaignError).params).toEqual({ id: 'com.example.probe', host: `127.0.0.1:${port}` });
    expect(process.state).toBe('running');
  });
});
