import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

// A real browser against a real server: generous timeouts for loaded CI machines.
describe('timing editor on Settings > Time expressions', { timeout: 120_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  /** The native input of an Element Plus control, wherever it put the test id. */
  const input = (testId: string): Locator => page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first();
  const text = (testId: string) => page.getByTestId(testId).textContent();

  async function typeTime(testId: string, value: string): Promise<void> {
    const field = input(testId);
    await field.click();
    await field.fill(value);
    await field.press('Enter');
    await page.keyboard.press('Escape');
  }

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'test' });
    app.services.settings.update({ locale: 'en' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('opens the playground from Settings', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('open-time-expressions').click();
    await page.getByTestId('time-expressions').waitFor();
    // The starting value: every day at 09:00, with five runs in Shanghai.
    await expect.poll(() => text('period-expression'), { timeout: 20_000 }).toBe('0 0 9 * * ? * 1');
    await expect.poll(() => page.getByTestId('period-next').locator('li').count(), { timeout: 20_000 }).toBe(5);
    expect(await text('period-next')).toContain('+08:00');
  });

  it('builds the weekly example with checkboxes', async () => {
    await page.getByTestId('mode-weekly').click();
    await page.getByTestId('weekday-1').click();
    await page.getByTestId('weekday-3').click();
    await expect.poll(() => text('period-expression'), { timeout: 20_000 }).toBe('* * * * * 1,3 * 32');
    await expect.poll(() => text('period-description'), { timeout: 20_000 }).toBe('every Monday and Wednesday');
    await expect.poll(() => page.getByTestId('period-next').locator('li').count(), { timeout: 20_000 }).toBe(5);
    expect(await text('period-next')).toMatch(/00:00:00\+08:00 → .*00:00:00\+08:00/);
    await page.screenshot({ path: artifactPath('period-editor-weekly.png'), animations: 'disabled' });
  });

  it('shows the error of an invalid raw expression inline, naming the field', async () => {
    await page.getByTestId('mode-expression').click();
    expect(await input('period-raw').inputValue()).toBe('* * * * * 1,3 * 32');
    await input('period-raw').fill('0 0 25 * * *');
    await expect.poll(() => text('period-error'), { timeout: 20_000 }).toContain('field 3 (hour): 25 is out of range 0-23 (column 5)');
    await page.screenshot({ path: artifactPath('period-editor-error.png'), animations: 'disabled' });
    await input('period-raw').fill('0 30 2 * * *');
    await expect.poll(() => text('period-description'), { timeout: 20_000 }).toContain('02:30');
  });

  it('edits a daily window with time pickers and follows the time zone', async () => {
    await page.getByTestId('mode-daily').click();
    await typeTime('time-from', '08:20');
    await typeTime('time-to', '20:30');
    await expect.poll(() => text('period-expression'), { timeout: 20_000 }).toBe('* 20-30 8-20 * * ? * 31');
    await expect.poll(() => text('period-description'), { timeout: 20_000 }).toBe('every day, 08:20–20:30');
    expect(await text('period-next')).toMatch(/08:20:00\+08:00 → .*20:31:00\+08:00/);

    const zone = input('time-zone');
    await zone.click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'America/New_York' }).click();
    await expect.poll(() => text('period-next'), { timeout: 20_000 }).toMatch(/08:20:00-0[45]:00/);
    await page.screenshot({ path: artifactPath('period-editor-daily.png'), animations: 'disabled' });
  });
});
