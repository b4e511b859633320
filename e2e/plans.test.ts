import { join } from 'node:path';
import { httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { ManualClock } from '../main/core/clock.ts';
import { customersDue } from '../main/core/time/execution-time.ts';
import { formatLocalDate, localDayOf, parseInstant } from '../main/core/time/instant.ts';
import type { PlanTimeSpec } from '../main/core/time/types.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createServiceClient, type ServiceClient } from '../renderer/api/service-client.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };
const DAY_MS = 86_400_000;

/** The text field of an Element Plus input, textarea or picker (the test id is on the field or around it). */
function field(page: Page, testId: string) {
  const id = `[data-testid="${testId}"]`;
  return page.locator(`input${id}, textarea${id}, ${id} input, ${id} textarea`).first();
}

describe('plans in the UI: a birthday plan is created, scheduled and its first run completes', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  // The app's "now": moved by the test past the plan's fire time, so nothing sleeps for the schedule.
  const clock = new ManualClock(Date.now());
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let http: ServiceClient;
  let zone = '';
  /** The day the plan runs on: some demo customers have their birthday then. */
  let runDay = '';
  /** Customers due that day in the plan's audience (SMS consent), and those with a phone. */
  let due: string[] = [];
  let reachable: string[] = [];
  let planId = '';

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    // Browser mode proper (the demo chain is seeded on first start), on the test's clock.
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser', clock });
    app.services.settings.update({ locale: 'en' });
    zone = app.services.zone;
    const url = new URL(app.server.url);
    http = createServiceClient([httpBatchLink({ url: `${url.origin}/api/trpc`, headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } })]);

    // The first day from tomorrow on when a demo customer with SMS consent and a phone has a birthday.
    const customers = (await app.services.database.collections.customers.find().exec()).map((d) => d.toJSON());
    const spec: PlanTimeSpec = { timeZone: zone, effective: {}, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00' } };
    const smsOk = customers.filter((c) => c.consent.sms === true);
    const today = localDayOf(clock.now(), zone);
    for (let day = today + 1; day < today + 366 && reachable.length === 0; day++) {
      runDay = formatLocalDate(day);
      due = customersDue(spec, runDay, smsOk.map((c) => ({ id: c.externalId, birthday: c.birthday ?? null })));
      reachable = due.filter((id) => (smsOk.find((c) => c.externalId === id)?.phone ?? '') !== '');
    }
    expect(reachable.length).toBeGreaterThan(0);
    // The plan is written on the morning of that day, store time; it fires at 10:00.
    clock.set(parseInstant(`${runDay}T08:30`, zone));

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('lists no plans yet and opens the editor with the marketing types', async () => {
    await page.getByTestId('nav-plans').click();
    await page.getByTestId('plans-table').getByText('No plans yet').waitFor(LONG);
    await page.getByTestId('plan-new').click();
    await page.getByTestId('plan-editor').waitFor();
    // The six built-in marketing types, each a card with its name.
    await page.getByTestId('type-card-birthday').waitFor(LONG);
    await expect.poll(() => page.locator('[data-testid^="type-card-"]').count(), LONG).toBeGreaterThanOrEqual(3);
    await page.getByTestId('type-card-birthday').getByText('Birthday care').waitFor();
  });

  it('creates a birthday plan: the template fills audience, timing and message; saving shows the dry run', async () => {
    await page.getByTestId('type-card-birthday').click();
    // Its config form, from the type's schema, with the defaults: on the day, at 10:00.
    await page.getByTestId('type-config-scope').waitFor();
    expect(await page.getByTestId('type-config-scope').textContent()).toContain('On the birthday');
    await page.getByTestId('plan-editor-next').click();

    // Audience: the template's rule (SMS consent) in the rule builder, with its live count.
    await page.getByTestId('step-audience').waitFor(LONG);
    expect(await field(page, 'plan-audience-name').inputValue()).toBe('Customers reachable by SMS');
    const smsCount = (await http.query('audiences/count-members', { rule: { version: 1, root: { kind: 'consent', channel: 'sms' } } })).count;
    await expect.poll(() => page.getByTestId('plan-audience-count').textContent(), LONG).toContain(`${smsCount} customers`);
    await page.getByTestId('plan-editor-next').click();

    // Timing: birthday, on the day, at 10:00 store time, with the next daily checks.
    await page.getByTestId('step-timing').waitFor();
    expect(await page.getByTestId('timing-description').textContent()).toBe("On each customer's birthday at 10:00");
    await expect.poll(() => page.getByTestId('timing-next-checks').locator('li').first().textContent(), LONG).toContain(`${runDay} 10:00`);
    expect(await field(page, 'timing-effective-start').inputValue()).toBe(runDay);
    await page.getByTestId('plan-editor-next').click();

    // Actions: replace the template's greeting with our own message through the outbox.
    await page.getByTestId('step-actions').waitFor();
    await page.getByTestId('action-greeting').waitFor();
    await page.getByTestId('action-greeting-remove').click();
    await page.getByTestId('action-add-message').click();
    await page.getByTestId('action-message-1').waitFor();
    expect(await page.getByTestId('action-message-1-via').textContent()).toContain('outbox');
    // A coupon code without a grant: the service refuses it at save, and says so at this step.
    await field(page, 'action-message-1-body-zh-CN').fill('{{name|亲爱的顾客}}，生日快乐！券码 {{couponCode}}');
    await field(page, 'action-message-1-body-en').fill('Happy birthday, {{name|dear customer}}!');
    await page.getByTestId('action-message-1-preview').click();
    await expect.poll(() => page.getByTestId('action-message-1-preview-result').textContent(), LONG).toContain('生日快乐');
    await page.getByTestId('plan-editor-next').click();

    // Limits: the app settings.
    await page.getByTestId('step-limits').waitFor();
    await page.getByTestId('limit-quiet-app').waitFor();
    await page.getByTestId('plan-editor-next').click();

    // Review: name it and save.
    await page.getByTestId('step-review').waitFor();
    expect(await field(page, 'plan-name').inputValue()).toBe('Birthday care');
    await field(page, 'plan-name').fill('Birthday e2e');
    await page.getByTestId('plan-save').click();
    // Sent back to the actions step with the reason.
    await page.getByTestId('plan-error-actions').waitFor(LONG);
    expect(await page.getByTestId('plan-error-actions').textContent()).toContain('needs a grant action');
    await field(page, 'action-message-1-body-zh-CN').fill('{{name|亲爱的顾客}}，生日快乐！');
    await page.getByTestId('plan-step-review').click();
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-saved-note').waitFor(LONG);

    // The dry run of its next occurrence: the customers due on the day.
    await page.getByTestId('plan-dry-run').waitFor(LONG);
    expect(await page.getByTestId('dry-run-items').textContent()).toBe(String(due.length));
    const plans = await http.query('plans/list-plans', { text: 'Birthday e2e' });
    expect(plans).toHaveLength(1);
    planId = plans[0]?.id ?? '';
    expect(plans[0]).toMatchObject({
      status: 'draft',
      marketingType: 'birthday',
      time: { timeZone: zone, effective: { start: runDay }, execution: { mode: 'birthday', scope: 'day', time: '10:00' } },
      actions: [{ id: 'message-1', type: 'message', channel: 'sms', via: 'outbox' }],
    });
    await page.screenshot({ path: artifactPath('plan-editor-review.png'), animations: 'disabled', fullPage: true });
  });

  it('activates the plan: scheduled for 10:00 on the day', async () => {
    await page.getByTestId('plan-activate').click();
    await page.getByTestId('plan-detail').waitFor(LONG);
    await expect.poll(() => page.getByTestId('plan-detail-status').textContent(), LONG).toBe('Scheduled');
    const plan = (await http.query('plans/get-plan', { id: planId })).plan;
    expect(plan.nextFireAt).toBe(parseInstant(`${runDay}T10:00`, zone));
    await page.getByTestId('plan-describe').getByText("On each customer's birthday at 10:00").waitFor(LONG);
    expect(await page.getByTestId('plan-runs').textContent()).toContain('No runs yet');
  });

  it('runs at 10:00: the first run completes and shows in the plan detail with its results', async () => {
    // The clock passes the fire time; the scheduler is woken at once instead of at its next timer.
    clock.set(parseInstant(`${runDay}T10:00:30`, zone));
    const decisions = await app.services.engine.scheduler.tick();
    expect(decisions.map((d) => d.kind)).toContain('fired');
    const runId = decisions.find((d) => d.kind === 'fired')?.runId ?? '';
    expect(runId).not.toBe('');

    await page.getByTestId(`plan-run-open-${runId}`).waitFor(LONG);
    await expect.poll(() => page.getByTestId(`plan-run-state-${runId}`).textContent(), LONG).toBe('Done');
    const run = (await http.query('runs/get-run', { id: runId })).run;
    expect(run.occurrence).toBe(runDay);
    expect(run.counts).toMatchObject({ total: due.length, sent: reachable.length, failed: 0 });
    await expect.poll(() => page.getByTestId(`plan-run-sent-${runId}`).textContent(), LONG).toBe(String(reachable.length));
    expect(await page.getByTestId(`plan-run-total-${runId}`).textContent()).toBe(String(due.length));
    expect(await page.getByTestId(`plan-run-failed-${runId}`).textContent()).toBe('0');
    await expect.poll(() => page.getByTestId('plan-detail-status').textContent(), LONG).toBe('Active');
    // Next: tomorrow's check.
    await expect.poll(async () => (await http.query('plans/get-plan', { id: planId })).plan.nextFireAt, LONG).toBe(parseInstant(`${runDay}T10:00`, zone) + DAY_MS);
    await page.screenshot({ path: artifactPath('plan-detail-run.png'), animations: 'disabled', fullPage: true });

    // The run opens the Runs screen's run detail.
    await page.getByTestId(`plan-run-open-${runId}`).click();
    await expect.poll(() => page.getByTestId('detail-state').textContent(), LONG).toBe('Done');
    expect(await page.getByTestId('detail-sent').textContent()).toBe(String(reachable.length));
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-state').waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('lists the plan with its status and next run, filters, pauses and resumes it', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('plan-detail').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => page.getByTestId(`plan-status-${planId}`).textContent(), LONG).toBe('Active');
    expect(await page.getByTestId(`plan-next-${planId}`).textContent()).not.toBe('—');
    await field(page, 'plan-filter-text').fill('no such plan');
    await page.getByTestId(`plan-status-${planId}`).waitFor({ state: 'detached', timeout: 20_000 });
    await field(page, 'plan-filter-text').fill('e2e');
    await page.getByTestId(`plan-status-${planId}`).waitFor(LONG);

    await page.getByTestId(`plan-pause-${planId}`).click();
    await expect.poll(() => page.getByTestId(`plan-status-${planId}`).textContent(), LONG).toBe('Paused');
    // It has fired before: resumed, it is active again.
    await page.getByTestId(`plan-resume-${planId}`).click();
    await expect.poll(() => page.getByTestId(`plan-status-${planId}`).textContent(), LONG).toBe('Active');
  });

  it('edits a copy and says clearly when someone else saved it meanwhile', async () => {
    await page.getByTestId(`plan-duplicate-${planId}`).click();
    await page.getByTestId('plan-detail').waitFor(LONG);
    const copy = (await http.query('plans/list-plans', { text: 'Birthday e2e (copy)' }))[0];
    expect(copy?.status).toBe('draft');
    const copyId = copy?.id ?? '';
    await page.getByTestId('plan-detail-edit').click();
    await page.getByTestId('plan-editor').waitFor();
    await page.getByTestId('plan-step-review').click();
    // The saved plan is loaded before it is edited.
    await expect.poll(() => field(page, 'plan-name').inputValue(), LONG).toBe('Birthday e2e (copy)');
    await field(page, 'plan-name').fill('Birthday e2e, edited');

    // Someone else saves the plan first.
    const current = (await http.query('plans/get-plan', { id: copyId })).plan;
    const { description, storeId, marketingType, pluginId, audienceId, time, misfire, actions, limits, config } = current;
    await http.mutate('plans/update-plan', { id: copyId, expectedVersion: current.version, plan: { name: 'Changed elsewhere', description, storeId, marketingType, pluginId, audienceId, time, misfire, actions, limits, config } });

    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-conflict').waitFor(LONG);
    expect(await page.getByTestId('plan-error-review').textContent()).toContain('was changed by someone else');
    await page.getByTestId('plan-conflict-reload').click();
    await expect.poll(() => field(page, 'plan-name').inputValue(), LONG).toBe('Changed elsewhere');
    // Now the change saves over the version just loaded.
    await field(page, 'plan-name').fill('Birthday e2e, edited');
    await page.getByTestId('plan-save').click();
    await expect.poll(async () => (await http.query('plans/get-plan', { id: copyId })).plan.name, LONG).toBe('Birthday e2e, edited');
  });

  it('speaks Chinese too', async () => {
    await page.getByTestId('lang-select').click();
    await page.getByRole('option', { name: '中文' }).click();
    await page.getByTestId('nav-plans').click();
    await expect.poll(() => page.getByTestId(`plan-status-${planId}`).textContent(), LONG).toBe('进行中');
    await page.getByTestId('plan-new').getByText('新建计划').waitFor();
    await page.screenshot({ path: artifactPath('plans-zh-CN.png'), animations: 'disabled', fullPage: true });
  });
});
