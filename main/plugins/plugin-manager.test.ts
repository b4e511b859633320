import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { ManualClock } from '../core/clock.ts';
import type { Actor } from '../core/rights/operation-record.ts';
import { toCustomerDoc } from '../db/schemas/customers.ts';
import { customers } from '../engine/executor/test-engine.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { encodeArchive } from './package/archive.ts';
import { packageFromFiles } from './package/read-package.ts';
import { generateKeyPair, signedFiles, signPackage } from './package/signature.ts';

const SDK = fileURLToPath(new URL('../../plugins/sdk/campaign-desk-plugin.ts', import.meta.url));
/** 2026-03-10 10:00 in Shanghai. */
const T0 = Date.UTC(2026, 2, 10, 2, 0);
const staff: Actor = { type: 'user', id: 'test' };
const ZONE = 'Asia/Shanghai';

const everyoneRule = { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } };
const sms = { id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，会员日快乐' }, en: { body: 'Happy member day, {{name}}' } } };

/** A built-in plugin from source (bundled by the host), with a VIP type whose hooks the tests watch. */
const builtinSource = `
import { definePlugin } from ${JSON.stringify(SDK)};
export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'vip',
      name: { en: 'VIP day', 'zh-CN': '贵宾日' },
      description: { en: 'For level 2 and up', 'zh-CN': '二级及以上会员' },
      icon: 'Star',
      template: (config, context) => ({
        name: { en: 'VIP day', 'zh-CN': '贵宾日' },
        audience: { name: { en: 'Everyone', 'zh-CN': '全部' }, rule: ${JSON.stringify(everyoneRule)} },
        timing: { effective: { start: context.now.slice(0, 10) }, execution: { mode: 'immediate' } },
        actions: [${JSON.stringify(sms)}],
      }),
      eligibility: (list) => list.map((c) => (c.level >= 2 ? null : 'below level 2')),
      executionTime: (customer, plan, run) => (customer.level === 5 ? '2026-03-10T04:00:00.000Z' : null),
      describe: (plan, locale) => (locale === 'en' ? 'VIP day for ' + plan.name : '贵宾日：' + plan.name),
    });
    ctx.registerMarketingType({
      id: 'broken',
      name: { en: 'Broken', 'zh-CN': '坏的' },
      description: { en: 'Returns a bad template', 'zh-CN': '返回错误模板' },
      icon: 'Warning',
      template: () => ({ name: { en: 'x', 'zh-CN': 'x' }, audience: { name: { en: 'x', 'zh-CN': 'x' }, rule: ${JSON.stringify(everyoneRule)} }, timing: { effective: {}, execution: { mode: 'periodic', expression: '99 99 99' } }, actions: [] }),
    });
  },
});
`;

function writeBuiltin(root: string): void {
  const dir = join(root, 'vip');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'index.ts'), builtinSource);
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify({ id: 'com.test.vip', name: { en: 'VIP', 'zh-CN': '贵宾' }, version: '1.0.0', publisher: 'test', apiVersion: '^1.0.0', entry: 'dist/plugin.js', contributes: { marketingTypes: ['vip', 'broken'] } }),
  );
}

/** A third-party package in memory: plugin.json + a CJS entry. */
function packageFiles(options: { id?: string; version?: string; types?: string[]; activate?: string; eligibility?: string } = {}): Map<string, Buffer> {
  const id = options.id ?? 'com.acme.win-back';
  const types = options.types ?? ['win-back'];
  const manifest = { id, name: { en: 'Win-back', 'zh-CN': '流失召回' }, version: options.version ?? '1.0.0', publisher: 'acme', apiVersion: '^1.0.0', entry: 'dist/plugin.js', contributes: { marketingTypes: types } };
  const register = types
    .map(
      (t) => `ctx.registerMarketingType({ id: ${JSON.stringify(t)}, name: { en: 'Win-back', 'zh-CN': '流失召回' }, description: { en: 'Lapsed customers', 'zh-CN': '流失顾客' }, icon: 'Refresh',
        template: () => ({ name: { en: 'Win-back', 'zh-CN': '流失召回' }, audience: { name: { en: 'All', 'zh-CN': '全部' }, rule: ${JSON.stringify(everyoneRule)} }, timing: { effective: {}, execution: { mode: 'immediate' } }, actions: [${JSON.stringify(sms)}] }),
        eligibility: ${options.eligibility ?? '(list) => list.map(() => null)'} });`,
    )
    .join('\n');
  const entry = `module.exports = { default: { activate(ctx) { ${options.activate ?? ''}\n${register} } } };`;
  return new Map([
    ['plugin.json', Buffer.from(JSON.stringify(manifest))],
    ['dist/plugin.js', Buffer.from(entry)],
  ]);
}

function archive(files: Map<string, Buffer>, fileName = 'win-back.cdplugin') {
  return { fileName, data: encodeArchive(files) };
}

describe('PluginManager (real workers, a real data dir)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let services: AppServices;
  let clock: ManualClock;

  beforeEach(async () => {
    temp = makeTempDir('campaign-desk-plugins-');
    const builtin = join(temp.path, 'builtin');
    writeBuiltin(builtin);
    clock = new ManualClock(T0);
    services = await createAppServices({ dataDir: join(temp.path, 'data'), version: 'test', mode: 'test', clock, zone: ZONE, builtinPluginsDir: builtin, pluginLimits: { activateTimeoutMs: 5_000, callTimeoutMs: 1_500, memoryMb: 64 } });
  });

  afterEach(async () => {
    await services.close();
    temp.remove();
  });

  it('registers built-in plugins, starts one when first needed, and serves its marketing types, templates and descriptions', async () => {
    const [before] = await services.plugins.list();
    expect(before).toMatchObject({ id: 'com.test.vip', builtIn: true, enabled: true, state: 'stopped', trust: 'builtin' });

    const types = await services.marketingTypes.list();
    expect(types.map((t) => `${t.pluginId}/${t.id}`)).toEqual(['com.test.vip/broken', 'com.test.vip/vip']);
    expect(types.find((t) => t.id === 'vip')?.hooks.sort()).toEqual(['describe', 'eligibility', 'executionTime']);
    expect((await services.plugins.get('com.test.vip')).state).toBe('enabled');

    const template = await services.marketingTypes.template('com.test.vip', 'vip', {});
    expect(template.timing.effective.start).toBe('2026-03-10');
    await expect(services.marketingTypes.template('com.test.vip', 'broken', {})).rejects.toMatchObject({ code: 'PL_BAD_RESULT' });
    await expect(services.marketingTypes.template('com.test.vip', 'nope', {})).rejects.toMatchObject({ code: 'PL_UNKNOWN_CONTRIBUTION' });

    const audience = await services.audiences.save({ name: 'All', rule: everyoneRule as never }, clock.now());
    const plan = await services.engine.plans.create({ name: 'March VIP', marketingType: 'vip', pluginId: 'com.test.vip', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [sms as never] }, staff);
    expect(await services.marketingTypes.describe(plan, 'en')).toBe('VIP day for March VIP');
  });

  it('runs a plan of a plugin type through its hooks in the worker: skips, holds until the customer’s time, sends', async () => {
    await services.database.collections.customers.bulkInsert(customers(30, (i) => ({ level: i <= 10 ? 1 : i <= 20 ? 3 : 5 })).map(toCustomerDoc));
    const audience = await services.audiences.save({ name: 'All', rule: everyoneRule as never }, clock.now());
    const plan = await services.engine.plans.create({ name: 'VIP', marketingType: 'vip', pluginId: 'com.test.vip', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [sms as never] }, staff);
    await services.engine.plans.activate(plan.id, staff);
    const [decision] = await services.engine.scheduler.tick();
    await services.engine.executor.drain();
    let run = await services.engine.runs.get(decision!.runId!);
    expect(run.counts).toMatchObject({ total: 30, skipped: 10, sent: 10, waiting: 10 });
    expect(run.skippedBy).toEqual({ 'not-eligible': 10 });

    clock.set(Date.parse('2026-03-10T04:00:00.000Z'));
    await services.engine.executor.drain();
    run = await services.engine.runs.get(run.id);
    expect(run).toMatchObject({ state: 'done', counts: { sent: 20, waiting: 0 } });
  });

  it('installs only what verifies: unsigned needs "install anyway", a trusted signature installs, a refusal leaves nothing', async () => {
    const pluginsDir = join(temp.path, 'data', 'plugins');
    await expect(services.plugins.install(archive(packageFiles()), { actor: staff })).rejects.toMatchObject({ code: 'PL_SIGNATURE_MISSING' });
    expect(existsSync(pluginsDir) ? readdirSync(pluginsDir) : []).toEqual([]);
    expect((await services.plugins.list()).map((p) => p.id)).toEqual(['com.test.vip']);

    // Activation fails: refused, nothing written.
    await expect(services.plugins.install(archive(packageFiles({ activate: "throw new Error('no licence key');" })), { installAnyway: true, actor: staff })).rejects.toMatchObject({ code: 'PL_ACTIVATE_FAILED' });
    expect(existsSync(pluginsDir) ? readdirSync(pluginsDir) : []).toEqual([]);

    // Signed by acme, whose key the user trusts.
    const keys = generateKeyPair();
    const pkg = packageFromFiles(packageFiles(), 'win-back');
    const signed = signedFiles(pkg, signPackage(pkg, keys.privateKeyPem, 'acme'));
    expect((await services.plugins.inspect(archive(signed))).trust).toBe('untrusted');
    await expect(services.plugins.install(archive(signed), { actor: staff })).rejects.toMatchObject({ code: 'PL_UNTRUSTED_PUBLISHER' });
    await services.plugins.trustedKeys.add('acme', keys.publicKeyPem, 'user:test', clock.now());
    const { plugin } = await services.plugins.install(archive(signed), { actor: staff });
    expect(plugin).toMatchObject({ id: 'com.acme.win-back', trust: 'trusted', keyId: keys.keyId, state: 'enabled', builtIn: false });
    await expect(services.plugins.install(archive(signed), { actor: staff })).rejects.toMatchObject({ code: 'PL_ALREADY_INSTALLED' });
    expect(readdirSync(join(pluginsDir, 'com.acme.win-back')).sort()).toEqual(['dist', 'plugin.json', 'signature.json']);

    // Changed on disk after install: it no longer starts.
    writeFileSync(join(pluginsDir, 'com.acme.win-back', 'dist', 'plugin.js'), 'module.exports = { default: { activate() {} } };');
    await services.plugins.disable('com.acme.win-back', staff);
    const again = await services.plugins.enable('com.acme.win-back', staff);
    expect(again).toMatchObject({ state: 'failed', failure: { code: 'PL_SIGNATURE_INVALID' } });

    const audit = await services.database.collections.auditLog.find({ selector: { targetCollection: 'plugins' } }).exec();
    expect(audit.map((a) => `${a.method}:${a.outcome}:${a.errorCode}`)).toEqual(
      expect.arrayContaining(['plugins/install-plugin:error:PL_SIGNATURE_MISSING', 'plugins/install-plugin:ok:', 'plugins/disable-plugin:ok:', 'plugins/enable-plugin:ok:']),
    );
  });

  it('refuses to uninstall a plugin a live plan uses, says what an update would break, and uninstalls once the plan ends', async () => {
    await services.plugins.install(archive(packageFiles({ types: ['win-back', 'lapsed'] })), { installAnyway: true, actor: staff });
    const audience = await services.audiences.save({ name: 'All', rule: everyoneRule as never }, clock.now());
    const plan = await services.engine.plans.create({ name: 'Come back', marketingType: 'lapsed', pluginId: 'com.acme.win-back', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'fixed', at: '2026-04-01T10:00' } }, actions: [sms as never] }, staff);
    await services.engine.plans.activate(plan.id, staff);

    await expect(services.plugins.uninstall('com.acme.win-back', staff)).rejects.toMatchObject({ code: 'PL_IN_USE', params: { plans: 'Come back' } });
    await expect(services.plugins.uninstall('com.test.vip', staff)).rejects.toMatchObject({ code: 'PL_BUILTIN' });

    const v2 = archive(packageFiles({ version: '2.0.0', types: ['win-back'] }));
    await expect(services.plugins.install(v2, { installAnyway: true, update: true, actor: staff })).rejects.toMatchObject({ code: 'PL_IN_USE', params: { plans: 'Come back (lapsed)' } });
    expect((await services.plugins.get('com.acme.win-back')).version).toBe('1.0.0');
    const updated = await services.plugins.install(v2, { installAnyway: true, update: true, acceptBreaks: true, actor: staff });
    expect(updated.breaks).toEqual([{ planId: plan.id, planName: 'Come back', marketingType: 'lapsed' }]);
    expect(updated.plugin.version).toBe('2.0.0');

    await services.engine.plans.cancel(plan.id, staff);
    await services.plugins.uninstall('com.acme.win-back', staff);
    expect((await services.plugins.list()).map((p) => p.id)).toEqual(['com.test.vip']);
    expect(existsSync(join(temp.path, 'data', 'plugins', 'com.acme.win-back'))).toBe(false);
  });

  it('sends through a plugin’s message channel (fetch to its granted host), with its secrets redacted in the channel list', async () => {
    const received: { key: string | undefined; body: { to: string; text: string; id: string } }[] = [];
    const gateway = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ key: req.headers['x-api-key'] as string | undefined, body: JSON.parse(text) as { to: string; text: string; id: string } });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `gw-${received.length}` }));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
    const host = `127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const files = packageFiles({
      activate: `ctx.registerMessageChannel({ id: 'acme-sms', name: { en: 'Acme SMS', 'zh-CN': 'Acme 短信' }, channels: ['sms'],
        send: async (message, settings) => {
          const res = await ctx.fetch('http://${host}/send', { method: 'POST', headers: { 'x-api-key': settings.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ to: message.address, text: message.body, id: message.idempotencyKey }) });
          return res.status === 200 ? { ok: true, providerId: JSON.parse(res.body).messageId } : { ok: false, retryable: res.status >= 500, error: 'status ' + res.status };
        } });`,
    });
    const manifest = JSON.parse(files.get('plugin.json')!.toString()) as { contributes: Record<string, string[]>; permissions?: { network: string[] } };
    manifest.contributes.messageChannels = ['acme-sms'];
    manifest.permissions = { network: [host] };
    files.set('plugin.json', Buffer.from(JSON.stringify(manifest)));
    await services.plugins.install(archive(files), { installAnyway: true, actor: staff });

    await services.engine.saveChannel({ kind: 'plugin', id: 'acme', pluginId: 'com.acme.win-back', provider: 'acme-sms', settings: { apiKey: 'k-123', sender: 'ACME' } }, staff);
    const view = services.engine.listChannels().find((c) => c.id === 'acme');
    expect(view).toMatchObject({ kind: 'plugin', settings: { apiKey: '••••', sender: 'ACME' } });
    // Saving the list back as shown keeps the stored key.
    const { downstream: _shown, ...asShown } = view!;
    await services.engine.saveChannel(asShown, staff);

    await services.database.collections.customers.bulkInsert(customers(6).map(toCustomerDoc));
    const audience = await services.audiences.save({ name: 'All', rule: everyoneRule as never }, clock.now());
    const plan = await services.engine.plans.create({ name: 'Via Acme', marketingType: 'vip', pluginId: 'com.test.vip', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [{ ...sms, via: 'acme' } as never] }, staff);
    await services.engine.plans.activate(plan.id, staff);
    const [decision] = await services.engine.scheduler.tick();
    await services.engine.executor.drain();
    expect(await services.engine.runs.get(decision!.runId!)).toMatchObject({ state: 'done', counts: { sent: 6 } });
    expect(received).toHaveLength(6);
    expect(received.every((r) => r.key === 'k-123' && r.body.to.startsWith('138'))).toBe(true);
    const message = await services.database.collections.messages.findOne({ selector: { planId: plan.id } }).exec();
    expect(message?.providerMessageId).toMatch(/^gw-\d$/);
  });

  it('contains a plugin that hangs in a hook: it is stopped and marked failed, its run pauses with the reason, other plugins go on', async () => {
    await services.plugins.install(archive(packageFiles({ eligibility: '(list) => { for (;;) {} }' })), { installAnyway: true, actor: staff });
    await services.database.collections.customers.bulkInsert(customers(5, () => ({ level: 3 })).map(toCustomerDoc));
    const audience = await services.audiences.save({ name: 'All', rule: everyoneRule as never }, clock.now());
    const plan = await services.engine.plans.create({ name: 'Hang', marketingType: 'win-back', pluginId: 'com.acme.win-back', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [sms as never] }, staff);
    await services.engine.plans.activate(plan.id, staff);
    const [decision] = await services.engine.scheduler.tick();
    await services.engine.executor.drain();

    const run = await services.engine.runs.get(decision!.runId!);
    expect(run.state).toBe('paused');
    expect(run.lastError?.code).toMatch(/^PL_/);
    expect(run.counts.sent).toBe(0);
    const info = await services.plugins.get('com.acme.win-back');
    expect(info).toMatchObject({ state: 'failed', failure: { code: 'PL_TIMEOUT' } });
    // The built-in plugin still answers.
    expect((await services.marketingTypes.template('com.test.vip', 'vip', {})).name.en).toBe('VIP day');
  });
});

describe('the six built-in plugins in the host (bundled from source, real workers)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let services: AppServices;
  let clock: ManualClock;

  beforeAll(async () => {
    temp = makeTempDir('campaign-desk-builtins-');
    // 2027-02-27 12:00 Shanghai: the day before a non-leap February 28.
    clock = new ManualClock(Date.UTC(2027, 1, 27, 4, 0));
    services = await createAppServices({ dataDir: temp.path, version: 'test', mode: 'test', clock, zone: ZONE });
  });

  afterAll(async () => {
    await services.close();
    temp.remove();
  });

  it('lists the six marketing types, each with a template the app accepts', async () => {
    const types = await services.marketingTypes.list();
    expect(types.map((t) => t.id).sort()).toEqual(['birthday', 'festival', 'interactive-fans', 'interest-audience', 'member-day', 'precise-audience']);
    for (const type of types) {
      const template = await services.marketingTypes.template(type.pluginId, type.id, {});
      expect(template.name['zh-CN'].length).toBeGreaterThan(0);
    }
    expect((await services.plugins.list()).every((p) => p.state === 'enabled' && p.trust === 'builtin')).toBe(true);
  });

  it('birthday: a plan from its template grants and greets a Feb 29 customer on Feb 28 of 2027, skipping those without a birthday', async () => {
    const right = await services.rights.catalog.createRight({ name: '生日券', kind: 'coupon', params: { benefit: { type: 'amount-off', amountOff: 2000 }, minSpend: 0, validity: { type: 'days-from-grant', days: 30 } } }, staff);
    await services.database.collections.customers.bulkInsert(
      customers(4, (i) => ({ birthday: i === 1 ? '1996-02-29' : i === 2 ? '1990-02-28' : i === 3 ? '1990-03-01' : undefined, consent: { sms: true } })).map(toCustomerDoc),
    );
    const template = await services.marketingTypes.template('campaign-desk.birthday', 'birthday', { time: '10:00', leapDay: 'feb28' });
    const audience = await services.audiences.save({ name: template.audience.name['zh-CN'], rule: template.audience.rule as never }, clock.now());
    const plan = await services.engine.plans.create(
      {
        name: template.name['zh-CN'],
        marketingType: 'birthday',
        pluginId: 'campaign-desk.birthday',
        audienceId: audience.id,
        time: { timeZone: ZONE, ...template.timing } as never,
        actions: [{ id: 'gift', type: 'grant', subject: { type: 'right', id: right.id } }, ...(template.actions as never[])],
        config: { time: '10:00', leapDay: 'feb28' },
      },
      staff,
    );
    await services.engine.plans.activate(plan.id, staff);

    // Feb 28, 10:00 Shanghai: the daily sweep for that day.
    clock.set(Date.UTC(2027, 1, 28, 2, 0));
    const decisions = await services.engine.scheduler.tick();
    const runId = decisions.find((d) => d.planId === plan.id)?.runId;
    expect(runId).toBeTruthy();
    await services.engine.executor.drain();
    const run = await services.engine.runs.get(runId!);
    expect(run.state).toBe('done');
    const granted = await services.database.collections.grants.find({ selector: { planId: plan.id } }).exec();
    expect(granted.map((g) => g.customerId).sort()).toEqual(['c000001', 'c000002']);
    const sent = await services.database.collections.messages.find({ selector: { planId: plan.id } }).exec();
    expect(sent.map((m) => m.customerId).sort()).toEqual(['c000001', 'c000002']);
  });
});
