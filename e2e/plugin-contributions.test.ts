import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { writeArchive } from '../main/plugins/package/archive.ts';
import { buildPlugin } from '../main/plugins/package/build.ts';
import { readPackage } from '../main/plugins/package/read-package.ts';
import { SDK_FILE } from '../main/plugins/package/scaffold.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createServiceClient, type ServiceClient } from '../renderer/api/service-client.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };
const PLUGIN = 'com.example.contributions';
const API_KEY = 'loop-key-0123456789';

/** The text field of an Element Plus input or textarea (the test id is on the field or around it). */
function field(page: Page, testId: string) {
  const id = `[data-testid="${testId}"]`;
  return page.locator(`input${id}, textarea${id}, ${id} input, ${id} textarea`).first();
}

/** Types a number into an Element Plus number input (it commits on blur). */
async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId).locator('input');
  await input.fill(value);
  await input.press('Tab');
}

/**
 * The plugin's source, as its author writes it: one audience condition (big spenders, from a
 * minimum total spend), one time mode (the last Friday of each month), one right type (a
 * lounge card) and one message channel (an SMS gateway reached over HTTP with an API key).
 */
const SOURCE = `import { definePlugin } from ${JSON.stringify(SDK_FILE)};

export default definePlugin({
  activate(ctx) {
    ctx.registerAudienceCondition({
      id: 'big-spenders',
      name: { en: 'Big spenders', 'zh-CN': '高消费顾客' },
      description: { en: 'Customers whose total spend reaches a minimum', 'zh-CN': '累计消费达到下限的顾客' },
      paramsSchema: { type: 'object', properties: { minSpend: { type: 'integer', title: 'Minimum total spend (fen)', minimum: 0, default: 100000 } }, required: ['minSpend'] },
      expand: (params) => ({ kind: 'attribute', field: 'totalSpend', cmp: 'gte', value: Number(params.minSpend) }),
    });
    ctx.registerTimeMode({
      id: 'last-friday',
      name: { en: 'Last Friday of the month', 'zh-CN': '每月最后一个周五' },
      description: { en: 'Runs on the last Friday of every month at the hour you choose', 'zh-CN': '每月最后一个周五的指定整点执行' },
      paramsSchema: { type: 'object', properties: { hour: { type: 'integer', title: 'Hour', minimum: 0, maximum: 23, default: 10 } }, required: ['hour'] },
      resolve: (params) => ({ effective: {}, execution: { mode: 'periodic', expression: '0 0 ' + Number(params.hour) + ' * * 5L' } }),
    });
    ctx.registerRightType({
      id: 'lounge-card',
      name: { en: 'VIP lounge card', 'zh-CN': '贵宾休息室卡' },
      description: { en: 'Entries to the VIP lounge', 'zh-CN': '贵宾休息室入场次数' },
      paramsSchema: {
        type: 'object',
        properties: {
          lounge: { type: 'string', title: 'Lounge', enum: ['north', 'south'] },
          visits: { type: 'integer', title: 'Visits', minimum: 1, maximum: 50, default: 3 },
        },
        required: ['lounge', 'visits'],
      },
    });
    ctx.registerMessageChannel({
      id: 'loop-sms',
      name: { en: 'Loopback SMS', 'zh-CN': '回环短信' },
      channels: ['sms'],
      configSchema: {
        type: 'object',
        properties: {
          endpoint: { type: 'string', title: 'Gateway URL', format: 'uri' },
          apiKey: { type: 'string', title: 'API key' },
        },
        required: ['endpoint', 'apiKey'],
      },
      async send(message, config) {
        const res = await ctx.fetch(String(config.endpoint), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ' + String(config.apiKey) },
          body: JSON.stringify({ to: message.address, body: message.body, id: message.idempotencyKey }),
        });
        return res.status === 200 ? { ok: true, providerId: 'loop-' + message.idempotencyKey } : { ok: false, retryable: res.status >= 500, error: 'HTTP ' + res.status };
      },
    });
  },
});
`;

describe('plugin contributions in the UI: a plugin condition, a time mode, a right type and a message channel', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let http: ServiceClient;
  let gateway: Server;
  let endpoint = '';
  const received: { authorization: string | undefined; body: { to: string; body: string; id: string } }[] = [];
  let packageFile = '';
  let zone = '';
  /** The big spenders' minimum (fen), from the demo customers' total spends. */
  let minSpend = 0;
  let smsCount = 0;
  let bigCount = 0;
  const smsOnly = { kind: 'consent', channel: 'sms' } as const;
  const bigSpenders = () => ({ op: 'and', children: [smsOnly, { kind: 'attribute', field: 'totalSpend', cmp: 'gte', value: minSpend }] }) as const;

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    // The SMS gateway the plugin's channel sends to: a loopback HTTP server.
    gateway = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(text) as { to: string; body: string; id: string } });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    endpoint = `http://${host}/send`;

    // The package, built as its author would: manifest, source, esbuild, .cdplugin (unsigned).
    const source = join(dir.path, 'contributions');
    mkdirSync(join(source, 'src'), { recursive: true });
    const manifest = {
      id: PLUGIN,
      name: { en: 'Contributions test', 'zh-CN': '扩展点测试' },
      version: '1.0.0',
      publisher: 'Example',
      apiVersion: '^1.0.0',
      entry: 'dist/plugin.js',
      contributes: { audienceConditions: ['big-spenders'], timeModes: ['last-friday'], rightTypes: ['lounge-card'], messageChannels: ['loop-sms'] },
      permissions: { network: [host] },
    };
    writeFileSync(join(source, 'plugin.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(source, 'src', 'index.ts'), SOURCE);
    await buildPlugin(source);
    packageFile = join(dir.path, `${PLUGIN}-1.0.0.cdplugin`);
    await writeArchive((await readPackage(source)).files, packageFile);

    // Browser mode proper: the demo chain is seeded on first start.
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser' });
    app.services.settings.update({ locale: 'en' });
    zone = app.services.zone;
    const url = new URL(app.server.url);
    http = createServiceClient([httpBatchLink({ url: `${url.origin}/api/trpc`, headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } })]);
    // Not dependent on the time of day the test runs at.
    await http.mutate('engine/update-settings', { quietHours: null });

    // The big spenders' minimum: about the median spend of the customers reachable by SMS, above
    // the lowest (many never ordered), so the count drops but stays above 0.
    const customers = (await app.services.database.collections.customers.find().exec()).map((d) => d.toJSON());
    const spends = customers.filter((c) => c.consent.sms === true).map((c) => c.totalSpend).sort((a, b) => a - b);
    const lowest = spends[0] ?? 0;
    minSpend = spends.find((s, i) => i >= spends.length / 2 && s > lowest) ?? spends.find((s) => s > lowest) ?? lowest + 1;
    smsCount = (await http.query('audiences/count-members', { rule: { version: 1, root: smsOnly } })).count;
    bigCount = (await http.query('audiences/count-members', { rule: { version: 1, root: bigSpenders() } })).count;
    expect(bigCount).toBeGreaterThan(0);
    expect(bigCount).toBeLessThan(smsCount);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
    dir.remove();
  });

  it('installs the package (unsigned: install anyway) and lists what it contributes', async () => {
    const data = readFileSync(packageFile);
    const result = await http.mutate('plugins/install-plugin', { fileName: `${PLUGIN}-1.0.0.cdplugin`, dataBase64: data.toString('base64'), installAnyway: true });
    expect(result.plugin.id).toBe(PLUGIN);
    await expect.poll(async () => (await http.query('plugins/get-plugin', { id: PLUGIN })).state, LONG).toBe('enabled');
    for (const kind of ['audienceCondition', 'timeMode', 'rightType', 'messageChannel'] as const) {
      await expect.poll(async () => (await http.query('plugins/list-contributions', { kind })).filter((c) => c.pluginId === PLUGIN).length, LONG).toBe(1);
    }
  });

  it('adds the plugin’s condition in the plan editor’s audience step: the member count drops to the big spenders', async () => {
    await page.getByTestId('nav-plans').click();
    await page.getByTestId('plan-new').click();
    await page.getByTestId('plan-editor').waitFor();
    // The Plans item stays highlighted on /plans/new.
    await expect.poll(() => page.getByTestId('nav-plans').getAttribute('class'), LONG).toContain('is-active');
    await page.getByTestId('type-card-precise-audience').click();
    await page.getByTestId('plan-editor-next').click();

    await page.getByTestId('step-audience').waitFor(LONG);
    await expect.poll(() => page.getByTestId('plan-audience-count').textContent(), LONG).toContain(`${smsCount} customers`);
    await page.getByTestId('add-plugin-condition').click();
    const dialog = page.getByTestId('plugin-condition-dialog');
    await dialog.getByTestId('plugin-condition-big-spenders').waitFor(LONG);
    expect(await dialog.getByTestId('plugin-condition-big-spenders').textContent()).toContain('Customers whose total spend reaches a minimum');
    // The only one is picked; its form starts at the plugin's default.
    expect(await field(page, 'plugin-condition-param-minSpend').inputValue()).toBe('100000');
    await setNumber(page, 'plugin-condition-param-minSpend', String(minSpend));
    await page.screenshot({ path: artifactPath('plugin-condition-dialog.png'), animations: 'disabled' });
    await dialog.getByTestId('plugin-condition-apply').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });

    // What the plugin expanded it to is in the rule, as an ordinary attribute condition.
    await page.getByTestId('condition-attribute').waitFor();
    await expect.poll(() => page.getByTestId('plan-audience-count').textContent(), LONG).toContain(`${bigCount} customers`);
    await page.screenshot({ path: artifactPath('plugin-condition-added.png'), animations: 'disabled', fullPage: true });
  });

  it('applies the plugin’s time mode in the timing step and shows what the resulting timing means', async () => {
    await page.getByTestId('plan-editor-next').click();
    await page.getByTestId('step-timing').waitFor();
    await page.getByTestId('time-mode-open').click();
    const dialog = page.getByTestId('time-mode-dialog');
    await dialog.getByTestId('time-mode-last-friday').waitFor(LONG);
    expect(await dialog.textContent()).toContain('Last Friday of the month');
    await setNumber(page, 'time-mode-param-hour', '9');
    await dialog.getByTestId('time-mode-apply').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });

    await page.getByTestId('time-mode-applied').getByText('Timing set by the time mode “Last Friday of the month”').waitFor(LONG);
    const meaning = await http.query('period/inspect-expression', { expression: '0 0 9 * * 5L', timeZone: zone, count: 1 });
    if (!meaning.ok) throw new Error(meaning.error.message);
    await expect.poll(() => page.getByTestId('period-description').first().textContent(), LONG).toBe(meaning.description.en);
    await page.screenshot({ path: artifactPath('plugin-time-mode.png'), animations: 'disabled', fullPage: true });

    // Saved with the plan: the rule with the expanded condition, the periodic timing.
    await page.getByTestId('plan-editor-next').click();
    await page.getByTestId('step-actions').waitFor();
    await page.getByTestId('plan-editor-next').click();
    await page.getByTestId('step-limits').waitFor();
    await page.getByTestId('plan-editor-next').click();
    await page.getByTestId('step-review').waitFor();
    await field(page, 'plan-name').fill('Big spenders, last Friday');
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-saved-note').waitFor(LONG);
    const plan = (await http.query('plans/list-plans', { text: 'Big spenders, last Friday' }))[0];
    expect(plan?.time.execution.mode).toBe('periodic');
    expect(plan?.time.execution.mode === 'periodic' ? plan.time.execution.expression : '').toMatch(/^0 0 9 \* \* 5L/);
    const audience = await http.query('audiences/get-audience', { id: plan?.audienceId ?? '' });
    expect(audience.rule.root).toEqual(bigSpenders());
  });

  it('creates a right of the plugin’s right type in Rights', async () => {
    await page.getByTestId('nav-rights').click();
    await page.getByTestId('right-new').click();
    const editor = page.getByTestId('right-editor');
    await editor.waitFor();
    await editor.getByTestId('right-kind').click();
    await page.getByRole('option', { name: 'VIP lounge card (plugin)' }).click();
    await editor.getByTestId('right-plugin-type').getByText('“VIP lounge card” (com.example.contributions)').waitFor(LONG);
    expect(await field(page, 'right-name').inputValue()).toBe('VIP lounge card');
    // The type's fields, with their defaults.
    expect(await field(page, 'field-params.values.visits').inputValue()).toBe('3');
    await setNumber(page, 'field-params.values.visits', '5');
    await editor.getByTestId('field-params.values.lounge').click();
    await page.getByRole('option', { name: 'south' }).click();
    await page.screenshot({ path: artifactPath('plugin-right-type.png'), animations: 'disabled' });
    await editor.getByTestId('right-save').click();
    await editor.waitFor({ state: 'hidden', timeout: 20_000 });

    await expect.poll(() => page.getByTestId('right-kind-VIP lounge card').textContent(), LONG).toBe('Custom · VIP lounge card');
    const right = (await http.query('rights/list-rights')).find((r) => r.name === 'VIP lounge card');
    expect(right).toMatchObject({ kind: 'custom', params: { schema: { title: 'VIP lounge card', required: ['lounge', 'visits'] }, values: { lounge: 'south', visits: 5 }, redeemable: true } });
  });

  it('configures the plugin channel in Settings › Engine; its API key is shown hidden and kept when saved unchanged', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('open-engine-settings').click();
    await page.getByTestId('engine-settings').waitFor();
    await expect.poll(() => page.getByTestId('nav-settings').getAttribute('class'), LONG).toContain('is-active');

    await page.getByTestId('channel-new').click();
    const dialog = page.getByTestId('channel-dialog');
    await dialog.getByTestId('channel-kind').click();
    await page.getByRole('option', { name: 'Plugin channel' }).click();
    await field(page, 'channel-id').fill('loop');
    await dialog.getByTestId('channel-provider').click();
    await page.getByRole('option', { name: 'Loopback SMS · com.example.contributions' }).click();
    await dialog.getByTestId('channel-provider-carries').getByText('Carries: SMS').waitFor();
    await field(page, 'channel-setting-endpoint').fill(endpoint);
    await field(page, 'channel-setting-apiKey').fill(API_KEY);
    expect(await field(page, 'channel-setting-apiKey').getAttribute('type')).toBe('password');
    await page.screenshot({ path: artifactPath('plugin-channel-new.png'), animations: 'disabled' });
    await dialog.getByTestId('channel-save').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });

    await page.getByTestId('channel-loop').waitFor(LONG);
    expect(await page.getByTestId('channel-table').textContent()).toContain('Loopback SMS · com.example.contributions');
    const view = (await http.query('engine/list-channels')).find((c) => c.id === 'loop');
    expect(view).toMatchObject({ kind: 'plugin', pluginId: PLUGIN, provider: 'loop-sms', settings: { endpoint, apiKey: '••••' } });

    // Opened again: the key is hidden; saved as it is, the stored key stays (the sends below use it).
    await page.getByTestId('channel-edit-loop').click();
    await dialog.waitFor();
    expect(await field(page, 'channel-setting-apiKey').inputValue()).toBe('••••');
    await dialog.getByTestId('channel-save').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });
    await page.screenshot({ path: artifactPath('plugin-channel.png'), animations: 'disabled', fullPage: true });
  });

  it('runs a plan through the plugin channel: the loopback gateway receives its messages, with the stored key', async () => {
    const audienceId = (await http.mutate('audiences/save-audience', { name: 'Big spenders by SMS', rule: { version: 1, root: bigSpenders() } })).id;
    const plan = await http.mutate('plans/create-plan', {
      name: 'Via the plugin channel',
      audienceId,
      time: { timeZone: zone, effective: {}, execution: { mode: 'immediate' } },
      actions: [{ id: 'sms', type: 'message', channel: 'sms', via: 'loop', template: { 'zh-CN': { body: '{{name|您好}}，贵宾专享' }, en: { body: 'Hi {{name|there}}, VIP offer' } } }],
    });
    await http.mutate('plans/activate-plan', { id: plan.id });
    let runId = '';
    await expect
      .poll(async () => {
        runId = (await http.query('runs/list-runs', { planId: plan.id }))[0]?.id ?? '';
        return runId;
      }, LONG)
      .not.toBe('');
    await expect.poll(async () => (await http.query('runs/get-run', { id: runId })).run.state, LONG).toBe('done');
    const run = (await http.query('runs/get-run', { id: runId })).run;
    expect(run.counts.failed).toBe(0);
    expect(run.counts.sent).toBeGreaterThan(0);
    expect(received).toHaveLength(run.counts.sent);
    expect(received.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(received.every((r) => r.body.to !== '' && r.body.body.length > 0)).toBe(true);
    expect(new Set(received.map((r) => r.body.id)).size).toBe(received.length);
  });

  it('speaks Chinese too', async () => {
    await page.getByTestId('lang-select').click();
    await page.getByRole('option', { name: '中文' }).click();
    await page.getByTestId('channel-table').getByText('插件通道').waitFor(LONG);
    expect(await page.getByTestId('channel-table').textContent()).toContain('回环短信 · com.example.contributions');
    await page.getByTestId('nav-plans').click();
    await page.getByTestId('plan-new').click();
    await page.getByTestId('type-card-precise-audience').click();
    await page.getByTestId('plan-editor-next').click();
    await page.getByTestId('step-audience').waitFor(LONG);
    await page.getByTestId('add-plugin-condition').click();
    const dialog = page.getByTestId('plugin-condition-dialog');
    await dialog.getByText('添加插件条件').waitFor(LONG);
    await dialog.getByText('累计消费达到下限的顾客').waitFor(LONG);
    await page.screenshot({ path: artifactPath('plugin-contributions-zh-CN.png'), animations: 'disabled' });
  });
});
