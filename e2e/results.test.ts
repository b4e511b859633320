import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { ManualClock } from '../main/core/clock.ts';
import { localDateOf } from '../main/core/rights/local-date.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { grantDoc, messageDoc, orderDoc, planDoc, runDoc, taskDoc } from '../main/engine/insight/insight-fixtures.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };
const DAY_MS = 86_400_000;

/**
 * A finished plan with a holdout: its run 10 days ago granted a coupon to 6 customers (2 more
 * were its control group), 4 of them ordered within the 7-day window (one order of the
 * window's end does not count) and one control member ordered too.
 */
describe('campaign results in the UI: a finished plan\'s charts, table view and CSV export', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  const now = Date.UTC(2026, 4, 20, 4, 0, 0);
  const clock = new ManualClock(now);
  const T0 = now - 10 * DAY_MS;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let zone = '';

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser', clock });
    app.services.settings.update({ locale: 'en' });
    zone = app.services.zone;
    const c = app.services.database.collections;
    const granted = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'];
    await c.plans.bulkInsert([planDoc('plan-e2e', 'Spring coupon', 'S01', T0)]);
    await c.planRuns.bulkInsert([runDoc('run-e2e', 'plan-e2e', T0, { total: 8, done: 6, granted: 6, sent: 6, skipped: 2 }, { holdout: 2 })]);
    await c.tasks.bulkInsert([
      taskDoc('run-e2e', 'plan-e2e', 0, [...granted.map((customerId) => ({ customerId, item: { s: 'done' as const, a: 1, g: 1 as const, m: 1 as const } })), { customerId: 'R7', item: { s: 'skipped', r: 'holdout', a: 0 } }, { customerId: 'R8', item: { s: 'skipped', r: 'holdout', a: 0 } }], T0),
    ]);
    await c.grants.bulkInsert(granted.map((customerId, i) => grantDoc({ id: `G-e2e-${i}`, planId: 'plan-e2e', runId: 'run-e2e', customerId, grantedAt: T0, usedAt: i < 3 ? T0 + DAY_MS : null })));
    await c.messages.bulkInsert(granted.map((customerId, i) => messageDoc(`M-e2e-${i}`, 'plan-e2e', 'run-e2e', customerId, 'sent', T0)));
    await c.events.bulkInsert([
      orderDoc('E-e2e-1', 'R1', T0 + DAY_MS, 12_000, 'S01'),
      orderDoc('E-e2e-2', 'R2', T0 + DAY_MS + 3_600_000, 8_000, 'S02'),
      orderDoc('E-e2e-3', 'R3', T0 + 2 * DAY_MS, 5_000, 'S01'),
      orderDoc('E-e2e-4', 'R4', T0 + 3 * DAY_MS, 9_900, 'S01'),
      orderDoc('E-e2e-5', 'R5', T0 + 7 * DAY_MS, 4_000, 'S01'), // the window's end: not counted
      orderDoc('E-e2e-6', 'R7', T0 + DAY_MS, 3_000, 'S01'), // control member
    ]);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('opens the plan and sees its results with charts drawn', async () => {
    await page.getByTestId('nav-plans').click();
    await page.getByTestId('plan-open-plan-e2e').click(LONG);
    await page.getByTestId('plan-results').waitFor(LONG);
    await expect.poll(() => page.getByTestId('results-kpi-orders').textContent(), LONG).toBe('4');
    expect(await page.getByTestId('results-kpi-revenue').textContent()).toBe('349.00');
    expect(await page.getByTestId('results-kpi-granted').textContent()).toBe('6');
    expect(await page.getByTestId('results-kpi-redemptionRate').textContent()).toBe('50.0%');
    expect(await page.getByTestId('results-kpi-costGranted').textContent()).toBe('60.00');
    // Lift: treatment 4/6, control 1/2.
    expect(await page.getByTestId('results-lift-diff').textContent()).toContain('+16.7 points');
    // ECharts draws on a canvas.
    const chart = page.getByTestId('results-orders-canvas');
    await chart.locator('canvas').first().waitFor(LONG);
    const box = await chart.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(100);
    expect(await page.getByTestId('results-redemption-canvas').locator('canvas').count()).toBeGreaterThan(0);
    await page.getByTestId('plan-results').screenshot({ path: artifactPath('results-plan.png'), animations: 'disabled' });
  });

  it('switches a chart to its table and exports it as CSV', async () => {
    await page.getByTestId('results-orders-table-button').click();
    const table = page.getByTestId('results-orders-table');
    await table.waitFor(LONG);
    const day1 = localDateOf(T0 + DAY_MS, zone);
    await table.getByText(day1).waitFor(LONG);
    expect(await page.getByTestId('results-orders-canvas').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('results-orders-csv').click()]);
    expect(download.suggestedFilename()).toBe('plan-plan-e2e-orders.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Date,Orders,Revenue (yuan)');
    // Day 1 has R1's and R2's orders (unless R2's falls on the next local day), then R3, R4.
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(4);
    expect(rows.reduce((n, r) => n + Number(r[2]), 0)).toBeCloseTo(349, 2);
    expect(rows[0]![0]).toBe(day1);
    // Back to the chart.
    await page.getByTestId('results-orders-chart-button').click();
    await page.getByTestId('results-orders-canvas').locator('canvas').first().waitFor(LONG);
  });

  it('shows the results on the dashboard, per plan and per store', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard-results').waitFor(LONG);
    await page.getByTestId('dashboard-plans').locator('canvas').first().waitFor(LONG);
    await page.getByTestId('dashboard-stores-table-button').click();
    const stores = page.getByTestId('dashboard-stores-table');
    await stores.getByText('S02').waitFor(LONG);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dashboard-stores-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    expect(csv.split('\r\n')[0]).toBe('Store,Orders,Revenue (yuan),Attributed orders,Attributed revenue (yuan),Plans,Cost granted (yuan)');
    // Besides the demo chain's orders: S02 has R2's attributed order and no plan of its own;
    // S01 the three others and the plan (its cost: 6 coupons of 10 yuan).
    const row = (store: string) => csv.split('\r\n').find((l) => l.startsWith(`${store},`))!.split(',');
    expect(row('S02').slice(3)).toEqual(['1', '80.00', '0', '0.00']);
    expect(row('S01').slice(3)).toEqual(['3', '269.00', '1', '60.00']);
    await page.getByTestId('dashboard-results').screenshot({ path: artifactPath('results-dashboard.png'), animations: 'disabled' });
  });
});
