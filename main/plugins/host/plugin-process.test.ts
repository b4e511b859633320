/**
 * PluginProcess with real worker threads: lifecycle, calls, and every way a plugin can fail.
 * Plugin sources are CommonJS text, as esbuild emits them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BugError, CampaignError } from '../../core/errors/campaign-error.ts';
import type { Json } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { PluginProcess, type PluginLogLine, type PluginProcessOptions } from './plugin-process.ts';

const running: PluginProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function spawn(source: string, options: Partial<PluginProcessOptions> = {}): PluginProcess {
  const process = new PluginProcess({
    pluginId: 'com.example.test',
    source,
    filename: 'plugins/com.example.test/dist/index.js',
    config: {},
    network: [],
    contributes: { marketingTypes: ['win-back'], messageChannels: ['slow'] },
    apiVersion: '1.0.0',
    ...options,
    limits: { callTimeoutMs: 5_000, activateTimeoutMs: 10_000, ...options.limits },
  });
  running.push(process);
  return process;
}

function logsOf(process: PluginProcess): PluginLogLine[] {
  const lines: PluginLogLine[] = [];
  process.onLog((line) => lines.push(line));
  return lines;
}

function nextFailure(process: PluginProcess): Promise<CampaignError> {
  return new Promise((resolve) => process.onDidFail(resolve));
}

async function rejection(promise: Promise<unknown>): Promise<CampaignError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CampaignError)) throw new Error(`expected a CampaignError, got ${String(error)}`);
  return error;
}

/** A marketing type whose hooks are given as source text. */
function marketingPlugin(hooks: string, activateExtra = ''): string {
  return `
    module.exports = { default: { activate(ctx) {
      ${activateExtra}
      ctx.subscriptions.push(ctx.registerMarketingType({
        id: 'win-back',
        name: { en: 'Win back', 'zh-CN': '召回' },
        description: { en: 'Customers who stopped buying', 'zh-CN': '流失客户召回' },
        icon: 'Present',
        ${hooks}
      }));
    } } };`;
}

const CUSTOMERS: Json = [
  { id: 'c1', level: 1 },
  { id: 'c2', level: 3 },
];
const PLAN: Json = { id: 'p1', name: 'Plan', config: {} };
const RUN: Json = { id: 'r1', planId: 'p1', occurrence: '2026-01-01T00:00:00Z' };

const WELL_BEHAVED = `
  module.exports = { default: {
    activate(ctx) {
      ctx.log.info('hello ' + ctx.pluginId + ' api ' + ctx.apiVersion + ' greeting ' + ctx.config.greeting);
      console.warn('console goes to the log:', 42, { a: [1] });
      ctx.subscriptions.push(ctx.registerMarketingType({
        id: 'win-back',
        name: { en: 'Win back', 'zh-CN': '召回' },
        description: { en: 'Customers who stopped buying', 'zh-CN': '流失客户召回' },
        icon: 'Present',
        configSchema: { type: 'object', properties: { days: { type: 'integer', minimum: 1 } } },
        template(config, context) {
          return {
            name: { en: 'Win back after ' + config.days + ' days', 'zh-CN': config.days + ' 天未购召回' },
            audience: { name: { en: 'Lapsed', 'zh-CN': '流失' }, rule: { version: 1, root: { kind: 'absence', event: 'order', within: { days: config.days }, thenNo: 'order' } } },
            timing: { effective: { start: context.now.slice(0, 10) }, execution: { mode: 'immediate' } },
            actions: [],
          };
        },
        async eligibility(customers, plan, run, token) {
          if (token.isCancellationRequested) return customers.map(() => 'cancelled');
          return customers.map((c) => (c.level >= 2 ? null : 'level ' + c.level + ' is too low for ' + plan.id + '/' + run.id));
        },
      }));
    },
    deactivate() { this.stopped = true; },
  } };`;

describe('PluginProcess', () => {
  it('activates a plugin, lists its contribution and calls its template and eligibility hook', async () => {
    const process = spawn(WELL_BEHAVED, { config: { greeting: 'hi' } });
    const logs = logsOf(process);
    let changes = 0;
    process.onDidChangeContributions(() => changes++);
    expect(process.state).toBe('stopped');
    const started = process.start();
    expect(process.state).toBe('starting');
    await started;
    expect(process.state).toBe('running');
    expect(logs).toEqual([
      { level: 'info', message: 'hello com.example.test api 1.0.0 greeting hi' },
      { level: 'warn', message: 'console goes to the log: 42 {"a":[1]}' },
    ]);
    expect(changes).toBe(1);
    expect(process.contributions).toEqual([
      {
        kind: 'marketingType',
        id: 'win-back',
        name: { en: 'Win back', 'zh-CN': '召回' },
        description: { en: 'Customers who stopped buying', 'zh-CN': '流失客户召回' },
        icon: 'Present',
        configSchema: { type: 'object', properties: { days: { type: 'integer', minimum: 1 } } },
        hooks: ['eligibility'],
      },
    ]);

    const template = await process.call('marketingType', 'win-back', 'template', [{ days: 30 }, { now: '2026-03-01T10:00:00+08:00', timeZone: 'Asia/Shanghai' }]);
    expect(template).toMatchObject({ name: { en: 'Win back after 30 days' }, timing: { effective: { start: '2026-03-01' } } });
    const eligibility = await process.call('marketingType', 'win-back', 'eligibility', [CUSTOMERS, PLAN, RUN]);
    expect(eligibility).toEqual(['level 1 is too low for p1/r1', null]);

    await process.stop();
    expect(process.state).toBe('stopped');
    expect(process.contributions).toEqual([]);
    expect(changes).toBe(2);
    expect((await rejection(process.call('marketingType', 'win-back', 'template', [{}, {}]))).code).toBe('PL_UNAVAILABLE');
  });

  it('refuses calls to what is not registered or not implemented, and a second start', async () => {
    const process = spawn(WELL_BEHAVED);
    await process.start();
    const unknown = await rejection(process.call('marketingType', 'nope', 'template', [{}, {}]));
    expect(unknown.code).toBe('PL_UNKNOWN_CONTRIBUTION');
    expect(unknown.params).toEqual({ kind: 'marketingType', contribution: 'nope' });
    await expect(process.call('marketingType', 'win-back', 'describe', [PLAN, 'en'])).rejects.toBeInstanceOf(BugError);
    await expect(process.start()).rejects.toBeInstanceOf(BugError);
  });

  it('disposing a registration unregisters it', async () => {
    const process = spawn(`
      module.exports = { default: { activate(ctx) {
        const registration = ctx.registerMarketingType({
          id: 'win-back',
          name: { en: 'Win back', 'zh-CN': '召回' },
          description: { en: 'Win back', 'zh-CN': '召回' },
          icon: 'Present',
          template() { return {}; },
          describe() { registration.dispose(); registration.dispose(); return 'gone'; },
        });
      } } };`);
    await process.start();
    expect(process.contributions.map((c) => c.id)).toEqual(['win-back']);
    const changed = new Promise<void>((resolve) => process.onDidChangeContributions(resolve));
    expect(await process.call('marketingType', 'win-back', 'describe', [PLAN, 'en'])).toBe('gone');
    await changed;
    expect(process.contributions).toEqual([]);
    expect(process.state).toBe('running');
  });

  it('reports a plugin error and a result that is not JSON as PL_BAD_RESULT, and keeps running', async () => {
    const process = spawn(
      marketingPlugin(`
        template(config) {
          if (config.mode === 'throw') throw new Error('no template for you');
          if (config.mode === 'reject') return Promise.reject(new RangeError('async no'));
          if (config.mode === 'function') return { name: () => 'x' };
          if (config.mode === 'cycle') { const a = { b: {} }; a.b.a = a; return a; }
          if (config.mode === 'date') return { at: new Date(0) };
          if (config.mode === 'nan') return { n: NaN };
          if (config.mode === 'coded') throw Object.assign(new Error('quota used up'), { code: 'SMS_QUOTA' });
          return undefined;
        },`),
    );
    await process.start();
    const reason = async (mode: string): Promise<string> => {
      const error = await rejection(process.call('marketingType', 'win-back', 'template', [{ mode }, {}]));
      expect(error.code).toBe('PL_BAD_RESULT');
      expect(error.params.id).toBe('com.example.test');
      expect(error.params.call).toBe('marketingType:win-back.template');
      return String(error.params.reason);
    };
    expect(await reason('throw')).toBe('no template for you');
    expect(await reason('reject')).toBe('async no');
    expect(await reason('function')).toMatch(/the result\.name is a function/);
    expect(await reason('cycle')).toMatch(/cycle/);
    expect(await reason('date')).toMatch(/the result\.at is not a plain object/);
    expect(await reason('nan')).toMatch(/NaN/);
    expect(await reason('coded')).toBe('SMS_QUOTA: quota used up');
    expect(await reason('undefined')).toMatch(/the result is undefined/);
    expect(process.state).toBe('running');
  });

  it('fails start with PL_ACTIVATE_FAILED when activate throws, and tells onDidFail once', async () => {
    const process = spawn(`module.exports = { default: { async activate(ctx) { await null; throw new Error('missing api key'); } } };`);
    const failures: CampaignError[] = [];
    process.onDidFail((e) => failures.push(e));
    const error = await rejection(process.start());
    expect(error.code).toBe('PL_ACTIVATE_FAILED');
    expect(error.params).toEqual({ id: 'com.example.test', reason: 'missing api key' });
    expect(process.state).toBe('failed');
    expect(process.failure).toBe(error);
    expect(failures).toEqual([error]);
    await process.stop();
    expect(process.state).toBe('failed');
  });

  it('fails start when the entry does not parse or exports no activate', async () => {
    const syntax = await rejection(spawn('module.exports = {').start());
    expect(syntax.code).toBe('PL_ACTIVATE_FAILED');
    expect(syntax.params.reason).toMatch(/index\.js: SyntaxError: Unexpected end of input/);
    const empty = await rejection(spawn('module.exports = { default: {} };').start());
    expect(empty.code).toBe('PL_ACTIVATE_FAILED');
    expect(empty.params.reason).toMatch(/must export a default/);
    // Without a default export, module.exports itself is the definition.
    await spawn('module.exports = { activate() {} };').start();
  });

  it('marks a plugin that throws asynchronously after start failed, while another keeps answering', async () => {
    const crashing = spawn(marketingPlugin(`template() { return {}; }, describe() { Promise.reject(new Error('async boom')); return 'soon'; },`));
    const healthy = spawn(WELL_BEHAVED);
    await Promise.all([crashing.start(), healthy.start()]);
    const failed = nextFailure(crashing);
    const changed = new Promise<void>((resolve) => crashing.onDidChangeContributions(resolve));
    await crashing.call('marketingType', 'win-back', 'describe', [PLAN, 'en']).catch(() => null);
    const failure = await failed;
    expect(failure.code).toBe('PL_CRASHED');
    expect(failure.params.reason).toBe('unhandled promise rejection: async boom');
    expect(crashing.state).toBe('failed');
    await changed;
    expect(crashing.contributions).toEqual([]);
    const after = await rejection(crashing.call('marketingType', 'win-back', 'template', [{}, {}]));
    expect(after.code).toBe('PL_UNAVAILABLE');
    expect(after.params.reason).toMatch(/crashed: unhandled promise rejection: async boom/);

    expect(healthy.state).toBe('running');
    expect(await healthy.call('marketingType', 'win-back', 'eligibility', [CUSTOMERS, PLAN, RUN])).toHaveLength(2);
  });

  it('stops a plugin stuck in a call with PL_TIMEOUT; other plugins still work', async () => {
    const stuck = spawn(marketingPlugin(`template() { while (true) {} },`), { limits: { callTimeoutMs: 300 } });
    const other = spawn(WELL_BEHAVED);
    await Promise.all([stuck.start(), other.start()]);
    const failed = nextFailure(stuck);
    const started = Date.now();
    const error = await rejection(stuck.call('marketingType', 'win-back', 'template', [{}, {}]));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.code).toBe('PL_TIMEOUT');
    expect(error.params).toEqual({ id: 'com.example.test', call: 'marketingType:win-back.template', ms: 300 });
    expect(await failed).toBe(error);
    expect(stuck.state).toBe('failed');
    expect(stuck.failure).toBe(error);
    expect(await other.call('marketingType', 'win-back', 'eligibility', [CUSTOMERS, PLAN, RUN])).toEqual([expect.any(String), null]);
  });

  it('a timeout rejects every call in progress, and a per-call timeout overrides the default', async () => {
    const process = spawn(
      marketingPlugin(`template() { return new Promise(() => {}); }, describe() { while (true) {} },`),
      { limits: { callTimeoutMs: 5_000 } },
    );
    await process.start();
    const waiting = rejection(process.call('marketingType', 'win-back', 'template', [{}, {}]));
    const stuck = rejection(process.call('marketingType', 'win-back', 'describe', [PLAN, 'en'], { timeoutMs: 200 }));
    const [first, second] = await Promise.all([waiting, stuck]);
    expect(second.code).toBe('PL_TIMEOUT');
    expect(second.params.ms).toBe(200);
    expect(first).toBe(second);
  });

  it('fails start with PL_TIMEOUT when activate never finishes', async () => {
    const error = await rejection(spawn(`module.exports = { default: { activate() { while (true) {} } } };`, { limits: { activateTimeoutMs: 300 } }).start());
    expect(error.code).toBe('PL_TIMEOUT');
    expect(error.params).toEqual({ id: 'com.example.test', call: 'activate', ms: 300 });
  });

  it('stops a plugin that allocates without bound with PL_OUT_OF_MEMORY', async () => {
    const hungry = spawn(marketingPlugin(`template() { const hoard = []; for (;;) hoard.push(new Array(100000).fill(1.5)); },`), {
      limits: { memoryMb: 32, callTimeoutMs: 10_000 },
    });
    await hungry.start();
    const error = await rejection(hungry.call('marketingType', 'win-back', 'template', [{}, {}]));
    expect(error.code).toBe('PL_OUT_OF_MEMORY');
    expect(error.params).toEqual({ id: 'com.example.test', limitMb: 32 });
    expect(hungry.state).toBe('failed');
  });

  it('refuses a contribution the manifest does not declare: the plugin gets an error, the host a problem', async () => {
    const process = spawn(`
      module.exports = { default: { activate(ctx) {
        try {
          ctx.registerMarketingType({ id: 'secret', name: { en: 'S', 'zh-CN': 'S' }, description: { en: 'S', 'zh-CN': 'S' }, icon: 'Lock', template() { return {}; } });
        } catch (e) {
          ctx.log.warn('refused: ' + e.code + ' ' + (e instanceof Error));
        }
        ctx.registerRightType({ id: 'stamp', name: { en: 'Stamp', 'zh-CN': '印花' }, paramsSchema: { type: 'object', properties: {} } });
      } } };`, { contributes: { rightTypes: ['stamp'] } });
    const logs = logsOf(process);
    await process.start();
    expect(process.contributions.map((c) => [c.kind, c.id, c.hooks])).toEqual([['rightType', 'stamp', []]]);
    expect(process.problems.map((p) => [p.code, p.params])).toEqual([
      ['PL_UNDECLARED_CONTRIBUTION', { id: 'com.example.test', kind: 'marketingType', contribution: 'secret' }],
    ]);
    expect(logs).toEqual([
      { level: 'error', message: 'Plugin com.example.test registered marketingType "secret", which its manifest does not declare.' },
      { level: 'warn', message: 'refused: PL_UNDECLARED_CONTRIBUTION true' },
    ]);
    // Uncaught, the refusal fails activation.
    const failed = await rejection(spawn(WELL_BEHAVED, { contributes: {} }).start());
    expect(failed.code).toBe('PL_ACTIVATE_FAILED');
    expect(failed.params.reason).toMatch(/does not declare/);
  });

  it('refuses a malformed contribution with a TypeError inside the plugin', async () => {
    const process = spawn(`
      module.exports = { default: { activate(ctx) {
        const attempts = [
          { id: 'win-back', name: 'Win back', description: { en: '', 'zh-CN': '' }, icon: 'X', template() {} },
          { id: 'win-back', name: { en: '', 'zh-CN': '' }, description: { en: '', 'zh-CN': '' }, icon: 'X' },
          { id: 'win back!', name: { en: '', 'zh-CN': '' }, description: { en: '', 'zh-CN': '' }, icon: 'X', template() {} },
          { id: 'win-back', name: { en: '', 'zh-CN': '' }, description: { en: '', 'zh-CN': '' }, icon: 'X', configSchema: { type: 'object', properties: { a: { type: 'date' } } }, template() {} },
        ];
        for (const a of attempts) {
          try { ctx.registerMarketingType(a); ctx.log.info('accepted'); } catch (e) { ctx.log.info(e.name + ': ' + e.message); }
        }
      } } };`);
    const logs = logsOf(process);
    await process.start();
    expect(logs.map((l) => l.message)).toEqual([
      `TypeError: marketingType "win-back": name must be { en, 'zh-CN' } strings`,
      'TypeError: marketingType "win-back": template must be a function',
      'TypeError: marketingType: id must be 1-64 letters, digits or "-"',
      expect.stringMatching(/^TypeError: marketingType "win-back": configSchema must be a form schema/),
    ]);
    expect(process.contributions).toEqual([]);
  });

  it('cancels a long asynchronous call: the plugin sees its token cancelled, the caller gets PL_CANCELLED', async () => {
    const process = spawn(`
      module.exports = { default: { activate(ctx) {
        ctx.registerMessageChannel({
          id: 'slow',
          name: { en: 'Slow', 'zh-CN': '慢' },
          channels: ['sms'],
          send(message, config, token) {
            ctx.log.info('sending ' + message.idempotencyKey);
            return new Promise((resolve) => {
              token.onCancellationRequested(() => {
                ctx.log.info('cancelled ' + message.idempotencyKey + ' ' + token.isCancellationRequested);
                resolve({ ok: false, retryable: true, error: 'cancelled' });
              });
              if (config.quick) resolve({ ok: true, providerId: 'quick' });
            });
          },
        });
      } } };`);
    const logs = logsOf(process);
    await process.start();
    const controller = new AbortController();
    const call = rejection(process.call('messageChannel', 'slow', 'send', [{ idempotencyKey: 'k1' }, {}], { signal: controller.signal, timeoutMs: 10_000 }));
    await vi.waitFor(() => expect(logs.map((l) => l.message)).toContain('sending k1'), { timeout: 5_000 });
    controller.abort();
    const error = await call;
    expect(error.code).toBe('PL_CANCELLED');
    expect(error.params).toEqual({ id: 'com.example.test', call: 'messageChannel:slow.send' });
    await vi.waitFor(() => expect(logs.map((l) => l.message)).toContain('cancelled k1 true'), { timeout: 5_000 });
    expect(process.state).toBe('running');
    expect(await process.call('messageChannel', 'slow', 'send', [{ idempotencyKey: 'k2' }, { quick: true }])).toEqual({ ok: true, providerId: 'quick' });
    const aborted = await rejection(process.call('messageChannel', 'slow', 'send', [{ idempotencyKey: 'k3' }, {}], { signal: AbortSignal.abort() }));
    expect(aborted.code).toBe('PL_CANCELLED');
  });

  it('stop() runs deactivate and the disposables, and terminates a plugin whose deactivate hangs after 2 s', async () => {
    const polite = spawn(`
      module.exports = { default: {
        activate(ctx) {
          this.ctx = ctx;
          ctx.subscriptions.push({ dispose() { ctx.log.info('disposed'); } });
        },
        deactivate() { this.ctx.log.info('bye'); },
      } };`);
    const logs = logsOf(polite);
    await polite.start();
    await polite.stop();
    expect(logs.map((l) => l.message)).toEqual(['bye', 'disposed']);
    expect(polite.state).toBe('stopped');

    const stubborn = spawn(`module.exports = { default: { activate() {}, deactivate() { while (true) {} } } };`);
    await stubborn.start();
    const started = Date.now();
    await stubborn.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(stubborn.state).toBe('stopped');
    expect(stubborn.failure).toBeNull();
  });

  it('stop() while starting rejects start with PL_UNAVAILABLE', async () => {
    const process = spawn(`module.exports = { default: { activate() { return new Promise(() => {}); } } };`);
    const started = rejection(process.start());
    await process.stop();
    expect((await started).code).toBe('PL_UNAVAILABLE');
    expect(process.state).toBe('stopped');
  });
});
