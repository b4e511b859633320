import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

// A real browser against a real server: generous timeouts for loaded CI machines.
describe('import customers and build an audience in the UI', { timeout: 120_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const csv = join(dir.path, 'members.csv');

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    writeFileSync(csv, ['会员编号,姓名,会员等级,生日', 'A001,张一,1,1990-01-01', 'A002,张二,2,1991-02-02', 'A003,张三,3,1992-03-03', 'A004,张四,4,1993-04-04', 'A005,张五,金卡,1994-05-05'].join('\n'));
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'test' });
    app.services.settings.update({ locale: 'en' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('imports a CSV with the dialog and reports the refused row', async () => {
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-file').setInputFiles(csv);
    await page.getByTestId('import-preview').getByText('张三').waitFor();
    await page.getByTestId('start-import').click();
    await expect.poll(() => page.getByTestId('import-summary').textContent(), { timeout: 20_000 }).toContain('4 imported, 1 refused');
    await page.getByTestId('download-errors').waitFor();
    await page.screenshot({ path: artifactPath('import-dialog.png'), animations: 'disabled' });
    await page.getByTestId('close-import').click();
    await expect.poll(() => page.getByTestId('customer-total').textContent(), { timeout: 20_000 }).toBe('4 customers');
  });

  it('builds an audience and sees the live count', async () => {
    await page.getByTestId('nav-audiences').click();
    // The default rule: member level at least 1.
    await expect.poll(() => page.getByTestId('audience-count').textContent(), { timeout: 20_000 }).toContain('4 customers');
    const value = page.getByTestId('attr-value').locator('input');
    await value.fill('3');
    await value.press('Tab');
    await expect.poll(() => page.getByTestId('audience-count').textContent(), { timeout: 20_000 }).toContain('2 customers');
    await page.getByTestId('sample-members').click();
    await page.getByTestId('sample-table').getByText('A004').waitFor();
    // el-input puts its attributes on the native input.
    await page.getByTestId('audience-name').fill('Level 3+');
    await page.getByTestId('save-audience').click();
    await page.getByTestId('saved-audience').getByText('Level 3+').waitFor();
    await page.getByTestId('snapshot-audience').click();
    await page.getByTestId('saved-audience').getByText('Snapshot: 2 customers').waitFor();
    const stored = await app.services.audiences.list();
    expect(stored.map((a) => [a.name, a.mode, a.lastSize])).toEqual([['Level 3+', 'snapshot', 2]]);
    await page.screenshot({ path: artifactPath('audience-builder.png'), animations: 'disabled' });
  });
});
