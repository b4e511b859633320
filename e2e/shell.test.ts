import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

const sections = ['plans', 'audiences', 'customers', 'rights', 'records', 'runs', 'plugins', 'sync'] as const;
const english: Record<string, string> = {
  plans: 'Plans',
  audiences: 'Audiences',
  customers: 'Customers',
  rights: 'Rights',
  records: 'Records',
  runs: 'Runs',
  plugins: 'Plugins',
  sync: 'Sync',
};

// A real browser against a real server: generous timeouts for loaded CI machines.
describe('app shell in Chromium', { timeout: 120_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    app = await startBrowserMode({ dataDir: dir.path, port: 0, version: '1.2.3', mode: 'browser' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('opens the printed URL and shows the dashboard in Chinese', async () => {
    await page.goto(app.server.url);
    // The token was traded for a cookie and removed from the address bar.
    expect(page.url()).not.toContain('token=');
    await page.getByTestId('dashboard').getByRole('heading', { name: '概览' }).waitFor();
    await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('1.2.3');
    // First start in an empty data dir loads a small demo chain and says so.
    await page.getByTestId('demo-notice').waitFor();
    await expect.poll(() => page.getByTestId('collection-counts').textContent()).toContain('300');
    expect(await page.getByTestId('data-dir').textContent()).toBe(dir.path);
    await page.screenshot({ path: artifactPath('dashboard-zh-CN.png'), animations: 'disabled' });
  });

  it('switches to English', async () => {
    await page.getByTestId('lang-select').click();
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByTestId('dashboard').getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect.poll(() => app.services.settings.get().locale).toBe('en');
    await page.screenshot({ path: artifactPath('dashboard-en.png'), animations: 'disabled' });
  });

  it('navigates every section', async () => {
    for (const section of sections) {
      await page.getByTestId(`nav-${section}`).click();
      await expect.poll(() => page.locator('main h1').first().textContent()).toBe(english[section]);
      await page.waitForURL(new RegExp(`#/${section}$`));
    }
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings').getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard').waitFor();
  });

  it('says in the header that sync is not set up, and opens the setup from there', async () => {
    expect(await page.getByTestId('sync-indicator').textContent()).toContain('Sync: Not set up');
    await page.getByTestId('sync-indicator').click();
    await page.getByTestId('sync-setup').waitFor();
    expect(await page.getByTestId('sync-view').locator('table').count()).toBe(0);
    await page.getByTestId('nav-dashboard').click();
  });

  it('stays in English after a reload', async () => {
    await page.reload();
    await page.getByTestId('dashboard').getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.getByTestId('nav-plans').textContent()).toContain('Plans');
  });

  it('clears the demo data from the dashboard', async () => {
    await page.getByTestId('clear-demo').click();
    await page.getByTestId('demo-notice').waitFor({ state: 'detached' });
    await expect.poll(async () => (await app.services.database.counts()).customers).toBe(0);
  });

  it('switches to the dark theme from Settings', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByText('Dark', { exact: true }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    expect(app.services.settings.get().theme).toBe('dark');
  });
});
