import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { customerSchema } from '../main/core/customers/customer.ts';
import { toCustomerDoc } from '../main/db/schemas/customers.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createServiceClient, type ServiceClient } from '../renderer/api/service-client.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** Types a number into an Element Plus number input (it commits on blur). */
async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId).locator('input');
  await input.fill(value);
  await input.press('Tab');
}

describe('rights in the UI: catalog, package, grant by API, redeem, restore, records', () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let http: ServiceClient;
  let code = '';

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'test' });
    app.services.settings.update({ locale: 'en' });
    const url = new URL(app.server.url);
    // The API as a till or script would call it: HTTP with the launch secret as a bearer token.
    http = createServiceClient([httpBatchLink({ url: `${url.origin}/api/trpc`, headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } })]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('creates a coupon from the form generated from its schema', async () => {
    await page.getByTestId('nav-rights').click();
    await page.getByTestId('right-new').click();
    await page.getByTestId('right-name').fill('满100减10');
    await setNumber(page, 'field-params.benefit.amountOff', '10');
    await setNumber(page, 'field-params.minSpend', '100');
    await setNumber(page, 'field-params.validity.days', '30');
    await page.screenshot({ path: artifactPath('rights-new-coupon.png'), animations: 'disabled' });
    await page.getByTestId('right-save').click();
    await page.getByTestId('right-table').getByText('满100减10').waitFor();
    const [right] = await app.services.rights.catalog.listRights();
    expect(right).toMatchObject({ kind: 'coupon', version: 1, params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } } });
  });

  it('creates a package of that coupon and sets its stock', async () => {
    await page.getByRole('tab', { name: 'Packages' }).click();
    await page.getByTestId('package-new').click();
    await page.getByTestId('package-name').fill('New member pack');
    await page.getByTestId('package-item-right-0').click();
    await page.getByRole('option', { name: '满100减10 (Coupon)' }).click();
    await page.getByTestId('package-save').click();
    await page.getByTestId('package-table').getByText('New member pack').waitFor();

    await page.getByRole('tab', { name: 'Inventory' }).click();
    await page.getByTestId('stock-new').click();
    await page.getByTestId('stock-owner').click();
    await page.getByRole('option', { name: 'Right · 满100减10' }).click();
    await setNumber(page, 'stock-total', '50');
    await page.getByTestId('stock-save').click();
    await page.getByTestId('stock-table').getByText('This store').waitFor();
  });

  it('grants the package to a customer through the HTTP API', async () => {
    const [pkg] = await http.query('rights/list-packages');
    const results = await http.mutate('rights/grant-rights', { requestId: 'e2e-welcome-1', subject: { type: 'package', id: pkg!.id }, customerIds: ['C100'] });
    const first = results[0];
    if (!first?.ok) throw new Error('grant failed');
    expect(first.grants).toHaveLength(1);
    code = first.grants[0]!.code!;
    await page.getByTestId('stock-table').getByRole('cell', { name: '49', exact: true }).waitFor();
  });

  it('uses the code and restores it at the redemption tab', async () => {
    await page.getByRole('tab', { name: 'Redeem' }).click();
    await page.getByTestId('redeem-code').fill(code.toLowerCase().replace(/(.{4})(?!$)/g, '$1-'));
    await page.getByTestId('redeem-find').click();
    await expect.poll(() => page.getByTestId('redeem-state').textContent()).toBe('Granted');
    await page.getByTestId('redeem-use').click();
    await expect.poll(() => page.getByTestId('redeem-state').textContent()).toBe('Used');
    // A second use is refused with the typed, translated error.
    await page.getByTestId('redeem-use').click();
    await expect.poll(() => page.getByTestId('redeem-error').textContent()).toContain('was already used at');
    await page.getByTestId('redeem-restore').click();
    await expect.poll(() => page.getByTestId('redeem-error').textContent()).toContain('Say why');
    await page.getByTestId('redeem-reason').fill('order 1001 refunded');
    await setNumber(page, 'redeem-days', '7');
    await page.getByTestId('redeem-restore').click();
    await expect.poll(() => page.getByTestId('redeem-state').textContent()).toBe('Restored');
    await page.screenshot({ path: artifactPath('rights-redeem.png'), animations: 'disabled' });
  });

  it('shows all four records in the customer timeline and exports them', async () => {
    await page.getByTestId('nav-records').click();
    await page.getByTestId('records-customer').fill('C100');
    await page.getByTestId('records-search').click();
    const timeline = page.getByTestId('customer-timeline-C100');
    for (const type of ['right-reserved', 'right-granted', 'right-used', 'right-restored']) await timeline.getByTestId(`timeline-${type}`).waitFor();
    expect(await timeline.locator('.el-timeline-item').count()).toBe(4);
    expect(await timeline.getByTestId('timeline-right-restored').textContent()).toContain('order 1001 refunded');
    await expect.poll(() => page.getByTestId('records-count').textContent()).toBe('4 records');
    await page.screenshot({ path: artifactPath('rights-records.png'), animations: 'disabled' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('records-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('Right restored');
    expect(lines[4]).toContain('Right reserved');
  });

  it('shows the same timeline in the customer detail', async () => {
    const member = customerSchema.parse({ externalId: 'C100', storeId: 'S01', level: 2, registeredAt: '2025-01-01T00:00:00Z', name: '王小明' });
    await app.services.database.collections.customers.insert(toCustomerDoc(member));
    await page.getByTestId('nav-customers').click();
    await page.getByText('王小明').click();
    const timeline = page.getByTestId('customer-timeline-C100');
    await timeline.getByTestId('timeline-right-restored').waitFor();
    expect(await timeline.locator('.el-timeline-item').count()).toBe(4);
    await page.screenshot({ path: artifactPath('rights-customer-detail.png'), animations: 'disabled' });
  });
});
