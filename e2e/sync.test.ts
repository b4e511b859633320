import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { planDoc } from '../sync-server/test/fixtures.ts';
import { startHarness, type Harness, type TestStore } from '../sync-server/test/harness.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };

function field(page: Page, testId: string) {
  const id = `[data-testid="${testId}"]`;
  return page.locator(`input${id}, ${id} input`).first();
}

describe('the Sync screen: a store connects, receives HQ’s plan, pauses; an HQ credential shows the HQ view and publishes', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  let server: Harness;
  let store: TestStore;
  let hqToken = '';
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    server = await startHarness({ database: `sqlite:${join(dir.path, 'sync.sqlite')}`, rateLimit: false });
    store = await server.createStore('S01');
    await server.createStore('S02');
    hqToken = (await server.admin.request<{ token: string }>('POST', '/hq/users', { id: 'ops', name: 'HQ operations', role: 'operator' })).token;
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser' });
    app.services.settings.update({ locale: 'en' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.close();
    dir.remove();
  });

  it('refuses a wrong credential with the server’s reason and stays not set up', async () => {
    await page.getByTestId('nav-sync').click();
    await page.getByTestId('sync-setup').waitFor();
    await field(page, 'sync-server-url').fill(server.url);
    await field(page, 'sync-token').fill('this-is-not-a-token');
    await page.getByTestId('sync-connect').click();
    await page.locator('.el-message--error').getByText('valid credential').waitFor(LONG);
    expect(await page.getByTestId('sync-indicator').textContent()).toContain('Not set up');
  });

  it('connects as store S01: online, its own customers sent up, other stores’ kept local', async () => {
    await field(page, 'sync-token').fill(store.token);
    await page.getByTestId('sync-connect').click();
    await expect.poll(() => page.getByTestId('sync-identity').textContent(), LONG).toBe('store S01');
    await expect.poll(() => page.getByTestId('sync-connection').textContent(), LONG).toBe('Online');
    await expect.poll(() => page.getByTestId('sync-indicator').textContent(), LONG).toContain('Sync: Online');
    // The demo chain's S01 customers reach the server; S02's and S03's stay here.
    await expect.poll(async () => (await store.client.pull<{ storeId: string }>('customers', null, 1000)).documents.length, LONG).toBeGreaterThan(0);
    const pulled = await store.client.pull<{ storeId: string }>('customers', null, 1000);
    expect(new Set(pulled.documents.map((d) => d.storeId))).toEqual(new Set(['S01']));
    const customers = page.getByTestId('sync-collections').locator('tr', { hasText: 'Customers' });
    await expect.poll(async () => Number((await customers.locator('td').nth(5).textContent()) ?? 0), LONG).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath('sync-store.png'), animations: 'disabled', fullPage: true });
  });

  it('receives a plan HQ publishes, live', async () => {
    const { _deleted: _d, ...plan } = planDoc('hq-autumn', '', { name: 'Autumn member day' });
    await server.admin.push('plans', [{ newDocumentState: { ...plan, _deleted: false } }], { targets: 'all' });
    await expect.poll(async () => (await app.services.database.collections.plans.findOne('hq-autumn').exec())?.source, LONG).toBe('hq');
  });

  it('pauses and resumes', async () => {
    await page.getByTestId('sync-pause').click();
    await expect.poll(() => page.getByTestId('sync-connection').textContent(), LONG).toBe('Paused');
    expect(await page.getByTestId('sync-indicator').textContent()).toContain('Paused');
    await page.getByTestId('sync-resume').click();
    await expect.poll(() => page.getByTestId('sync-connection').textContent(), LONG).toBe('Online');
  });

  it('with an HQ credential shows the stores and publishes a plan made here to one store', async () => {
    await page.getByTestId('sync-change').click();
    await field(page, 'sync-token').fill(hqToken);
    await page.getByTestId('sync-connect').click();
    await expect.poll(() => page.getByTestId('sync-identity').textContent(), LONG).toBe('HQ user ops (operator)');
    // Made at HQ (a store's new chain-wide plan would become the store's own).
    const { _deleted: _d, ...winter } = planDoc('hq-winter', '', { name: 'Winter warm-up', source: 'local' });
    await app.services.database.collections.plans.insert(winter);
    const hq = page.getByTestId('sync-hq');
    await hq.getByTestId('sync-stores').getByText('Store S02').waitFor(LONG);

    await hq.getByTestId('sync-publish-items').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'Winter warm-up' }).click();
    await page.keyboard.press('Escape');
    await hq.getByTestId('sync-publish-targets').getByText('Chosen stores').click();
    await hq.getByTestId('sync-publish-stores').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'S02 · Store S02' }).click();
    await page.keyboard.press('Escape');
    await hq.getByTestId('sync-publish-send').click();
    await page.locator('.el-message--success').getByText('1 published').waitFor(LONG);

    const s02 = server.clientWith((await server.admin.request<{ token: string }>('POST', '/hq/stores/S02/credentials', {})).token);
    const seen = await s02.pull<{ id: string; source: string }>('plans', null, 100);
    expect(seen.documents.find((d) => d.id === 'hq-winter')).toMatchObject({ source: 'hq' });
    const other = await store.client.pull<{ id: string }>('plans', null, 100);
    expect(other.documents.map((d) => d.id)).not.toContain('hq-winter');
    // The demo chain's S03 is not registered on the server: its customers stay here, listed.
    await page.getByTestId('sync-refusals').getByText('No store "S03" is registered').first().waitFor(LONG);
    await page.screenshot({ path: artifactPath('sync-hq.png'), animations: 'disabled', fullPage: true });
  });

  it('creates a chain stock of a right at HQ, which stores can lease shares of', async () => {
    const right = await app.services.rights.catalog.createRight({ name: 'Autumn points', kind: 'points', params: { amount: 100 } }, { type: 'user', id: 'hq' });
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('nav-sync').click();
    const panel = page.getByTestId('sync-shares');
    await field(page, 'new-stock-id').fill('CS-autumn');
    await panel.getByTestId('new-stock-owner').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'Autumn points' }).click();
    await panel.getByTestId('new-stock-create').click();
    await page.locator('.el-message--success').getByText('Chain stock created').waitFor(LONG);
    await panel.getByTestId('sync-stocks').getByText('CS-autumn').waitFor(LONG);
    const lease = await store.client.request<{ lease: { units: number; ownerId: string } }>('POST', '/allotments/CS-autumn/leases', { requestId: 'r1', units: 30 });
    expect(lease.lease).toMatchObject({ units: 30, ownerId: right.id });
    await page.getByTestId('sync-hq-refresh').click();
    await panel.getByRole('button', { name: 'Refresh' }).click();
    await panel.getByTestId('sync-leases').getByText('S01').waitFor(LONG);
  });
});
