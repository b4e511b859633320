import { join } from 'node:path';
import { httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createServiceClient, type ServiceClient } from '../renderer/api/service-client.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };

const everyone = { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } };
const immediate = { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } };
const sms = { id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，您的券码 {{couponCode}}' } } } as const;

/** Types a number into an Element Plus number input (it commits on blur). */
async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId).locator('input');
  await input.fill(value);
  await input.press('Tab');
}

describe('runs in the UI: a plan runs to done, its detail, downstream rates, pause/resume/cancel, engine settings', { timeout: 120_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let http: ServiceClient;
  let audienceId = '';
  let rightId = '';
  let audienceSize = 0;
  let runId = '';

  /** Creates and activates an immediate plan for everyone; returns the id of its run once it exists. */
  async function activatePlan(name: string, actions: unknown[] = [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: rightId } }, sms]): Promise<string> {
    const plan = await http.mutate('plans/create-plan', { name, audienceId, time: immediate, actions });
    await http.mutate('plans/activate-plan', { id: plan.id });
    // The engine runs in browser mode: the immediate plan fires within a second or two.
    let id = '';
    await expect
      .poll(async () => {
        id = (await http.query('runs/list-runs', { planId: plan.id }))[0]?.id ?? '';
        return id;
      }, LONG)
      .not.toBe('');
    return id;
  }

  const stateOf = (id: string) => page.getByTestId(`run-state-${id}`).textContent();

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    // Browser mode proper: the demo chain is seeded on first start.
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser' });
    app.services.settings.update({ locale: 'en' });
    const url = new URL(app.server.url);
    http = createServiceClient([httpBatchLink({ url: `${url.origin}/api/trpc`, headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } })]);
    audienceSize = (await http.query('audiences/count-members', { rule: everyone })).count;
    expect(audienceSize).toBeGreaterThan(0);
    audienceId = (await http.mutate('audiences/save-audience', { name: 'Everyone', rule: everyone })).id;
    rightId = (await http.mutate('rights/create-right', { name: '满100减10', kind: 'coupon', params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } } })).id;
    // Not dependent on the time of day the test runs at.
    await http.mutate('engine/update-settings', { quietHours: null });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('says what to do while there are no runs', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-live').waitFor();
    await page.getByTestId('runs-table').getByText('No runs yet. Activate a plan to schedule it').waitFor();
    await page.getByTestId('decision-table').getByText('No scheduler decisions yet').waitFor();
  });

  it('shows the run of an activated plan reach done with everyone granted', async () => {
    runId = await activatePlan('Spring coupon');
    await page.getByTestId(`run-open-${runId}`).waitFor(LONG);
    expect(await page.getByTestId(`run-open-${runId}`).textContent()).toContain('Spring coupon');
    await expect.poll(() => stateOf(runId), LONG).toBe('Done');
    await expect.poll(() => page.getByTestId(`run-progress-${runId}`).textContent(), LONG).toContain(`${audienceSize} of ${audienceSize}`);
    await page.screenshot({ path: artifactPath('runs-done.png'), animations: 'disabled' });

    const run = (await http.query('runs/get-run', { id: runId })).run;
    expect(run.counts).toMatchObject({ total: audienceSize, granted: audienceSize, failed: 0 });
    expect(run.counts.sent).toBeGreaterThan(0);

    await page.getByTestId(`run-open-${runId}`).click();
    await expect.poll(() => page.getByTestId('detail-state').textContent(), LONG).toBe('Done');
    expect(await page.getByTestId('detail-total').textContent()).toBe(String(audienceSize));
    expect(await page.getByTestId('detail-granted').textContent()).toBe(String(audienceSize));
    expect(await page.getByTestId('detail-sent').textContent()).toBe(String(run.counts.sent));
    expect(await page.getByTestId('detail-failed').textContent()).toBe('0');
    await page.getByTestId('detail-failed-table').getByText('No failed items').waitFor();
    // About a fifth of the demo customers opted out of SMS: they got the coupon without the message.
    if ((run.skippedBy.consent ?? 0) > 0) {
      await page.getByTestId('detail-skipped-by').getByText('Opted out of the channel').waitFor();
    }
    await page.screenshot({ path: artifactPath('runs-detail.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-state').waitFor({ state: 'detached', timeout: 20_000 });

    // The scheduler's decision links to the run.
    const decisions = page.getByTestId('decision-table');
    await decisions.getByText('Fired on time').first().waitFor(LONG);
    await decisions.getByText('Spring coupon').first().waitFor();
    await page.getByTestId(`decision-run-${runId}`).first().click();
    await expect.poll(() => page.getByTestId('detail-granted').textContent(), LONG).toBe(String(audienceSize));
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-state').waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('changes the rate of the outbox downstream live and lists the adjustment', async () => {
    const downstreams = page.getByTestId('downstreams');
    await downstreams.getByText('channel:outbox').first().waitFor(LONG);
    const before = (await http.query('runs/list-throttles')).find((t) => t.name === 'channel:outbox');
    expect(before?.maxRate).toBe(10_000); // the outbox is a local file: high default budget
    await setNumber(page, 'throttle-max-channel:outbox', '4');
    await page.getByTestId('throttle-apply-channel:outbox').click();
    await expect.poll(() => page.getByTestId('throttle-rate-channel:outbox').textContent(), LONG).toMatch(/\/ 4$/);
    const adjustments = page.getByTestId('adjustment-table');
    await adjustments.getByText('Changed by a person').waitFor(LONG);
    await adjustments.getByText(/→ 4$/).first().waitFor();
    expect((await http.query('runs/list-throttles')).find((t) => t.name === 'channel:outbox')?.maxRate).toBe(4);
    await page.screenshot({ path: artifactPath('runs-downstreams.png'), animations: 'disabled' });
  });

  it('pauses, resumes and cancels (after confirming) a run held back by the lower rate', async () => {
    const slow = await activatePlan('Slow plan');
    // At 4 messages a second the run takes over a minute: plenty of time to act on it.
    await expect.poll(() => stateOf(slow), LONG).toMatch(/^(Pending|Splitting|Running)$/);
    await page.getByTestId(`run-pause-${slow}`).click();
    await expect.poll(() => stateOf(slow), LONG).toBe('Paused');
    await page.getByTestId(`run-resume-${slow}`).click();
    await expect.poll(() => stateOf(slow), LONG).toMatch(/^(Pending|Splitting|Running)$/);
    await expect.poll(() => page.getByTestId(`run-rate-${slow}`).textContent(), LONG).toMatch(/of 4 per second$/);
    await page.screenshot({ path: artifactPath('runs-live.png'), animations: 'disabled' });

    await page.getByTestId(`run-cancel-${slow}`).click();
    const confirm = page.locator('.el-message-box');
    await confirm.getByText('Cancel the run of “Slow plan”?').waitFor();
    // Keeping it changes nothing.
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await stateOf(slow)).not.toBe('Cancelled');
    await page.getByTestId(`run-cancel-${slow}`).click();
    await confirm.getByRole('button', { name: 'Cancel the run' }).click();
    await expect.poll(() => stateOf(slow), LONG).toBe('Cancelled');
    expect((await http.query('runs/get-run', { id: slow })).run.state).toBe('cancelled');
    // The first run is untouched.
    expect(await stateOf(runId)).toBe('Done');
  });

  it('shows the engine settings and the built-in outbox channel, and saves a change', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('open-engine-settings').click();
    const channels = page.getByTestId('channel-table');
    await channels.getByTestId('channel-outbox').waitFor(LONG);
    await channels.getByText('Outbox file').waitFor();
    await channels.getByText('channel:outbox').waitFor();
    // The outbox cannot be removed.
    expect(await page.getByTestId('channel-remove-outbox').count()).toBe(0);
    // Quiet hours were turned off through the API.
    await page.getByTestId('quiet-on').waitFor();
    expect(await page.getByTestId('quiet-on').getAttribute('class')).not.toContain('is-checked');

    await setNumber(page, 'chunk-size', '250');
    await page.getByTestId('engine-settings-save').click();
    await page.getByText('Engine settings saved').waitFor(LONG);
    expect(await http.query('engine/get-settings')).toMatchObject({ chunkSize: 250, quietHours: null });

    // A webhook channel: saved, listed with its downstream, its secret never shown again.
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-id').fill('sms-gw');
    await page.getByTestId('channel-url').fill('https://sms.example.com/send');
    await page.getByTestId('channel-secret').fill('short');
    await page.getByTestId('channel-save').click();
    await expect.poll(() => page.getByTestId('channel-error').textContent(), LONG).toContain('sms-gw');
    await page.getByTestId('channel-secret').fill('a-very-secret-key-1');
    await page.getByTestId('channel-save').click();
    await channels.getByTestId('channel-sms-gw').waitFor(LONG);
    await channels.getByText('channel:sms-gw').waitFor();
    const saved = (await http.query('engine/list-channels')).find((c) => c.id === 'sms-gw');
    expect(saved).toMatchObject({ kind: 'webhook', url: 'https://sms.example.com/send', secret: '••••' });
    await page.screenshot({ path: artifactPath('engine-settings.png'), animations: 'disabled', fullPage: true });

    await page.getByTestId('channel-remove-sms-gw').click();
    await page.locator('.el-message-box').getByRole('button', { name: 'Remove' }).click();
    await channels.getByTestId('channel-sms-gw').waitFor({ state: 'detached', timeout: 20_000 });
    expect((await http.query('engine/list-channels')).map((c) => c.id)).toEqual(['outbox']);
  });

  it('lists the failed items of a run and retries one, then all, once their channel exists', async () => {
    // Customers already got messages from the runs above: no cap for this one.
    await http.mutate('engine/update-settings', { frequencyCap: null });
    const id = await activatePlan('Late gateway', [{ id: 'sms', type: 'message', channel: 'sms', via: 'late-gw', template: { 'zh-CN': { body: '{{name}}，周末见' } } }]);
    await page.getByTestId('nav-runs').click();
    await expect.poll(() => stateOf(id), LONG).toBe('Done');
    const first = await http.query('runs/get-run', { id });
    const failed = first.run.counts.failed;
    expect(failed).toBeGreaterThan(1);
    expect(first.run.counts.sent).toBe(0);
    await expect.poll(() => page.getByTestId(`run-retry-${id}`).textContent(), LONG).toContain(`(${failed})`);

    await page.getByTestId(`run-open-${id}`).click();
    await expect.poll(() => page.getByTestId('detail-failed').textContent(), LONG).toBe(String(failed));
    const table = page.getByTestId('detail-failed-table');
    await table.getByText('Message could not be sent').first().waitFor(LONG);
    await table.getByText('No delivery channel "late-gw" is configured').first().waitFor();
    await page.screenshot({ path: artifactPath('runs-failed-items.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-state').waitFor({ state: 'detached', timeout: 20_000 });

    // Add the channel the plan names, with the dialog: an outbox of its own.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('open-engine-settings').click();
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-kind').click();
    await page.getByRole('option', { name: 'Outbox file' }).click();
    await page.getByTestId('channel-id').fill('late-gw');
    await page.getByTestId('channel-dir').fill('outbox-late');
    await page.getByTestId('channel-save').click();
    await page.getByTestId('channel-table').getByTestId('channel-late-gw').waitFor(LONG);

    await page.getByTestId('nav-runs').click();
    await page.getByTestId(`run-open-${id}`).click();
    const one = first.failed[0]?.customerId ?? '';
    await page.getByTestId(`detail-retry-${one}`).click();
    await expect.poll(() => page.getByTestId('detail-failed').textContent(), LONG).toBe(String(failed - 1));
    await expect.poll(() => page.getByTestId('detail-sent').textContent(), LONG).toBe('1');
    await page.getByTestId('detail-retry-all').click();
    await expect.poll(() => page.getByTestId('detail-failed').textContent(), LONG).toBe('0');
    await expect.poll(() => page.getByTestId('detail-sent').textContent(), LONG).toBe(String(failed));
    await expect.poll(() => page.getByTestId('detail-state').textContent(), LONG).toBe('Done');
    await page.getByTestId('detail-failed-table').getByText('No failed items').waitFor(LONG);
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-state').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByTestId(`run-retry-${id}`).count()).toBe(0);
  });

  it('speaks Chinese too', async () => {
    await page.getByTestId('lang-select').click();
    await page.getByRole('option', { name: '中文' }).click();
    await page.getByTestId('nav-runs').click();
    await expect.poll(() => stateOf(runId), LONG).toBe('已完成');
    await page.getByTestId('downstreams').getByText('下游通道').waitFor();
    await page.getByTestId('decision-table').getByText('按时触发').first().waitFor();
    await page.screenshot({ path: artifactPath('runs-zh-CN.png'), animations: 'disabled', fullPage: true });
  });
});
