import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../main/app/build-ui.ts';
import { startBrowserMode, type RunningApp } from '../main/app/start-browser-mode.ts';
import { writeArchive } from '../main/plugins/package/archive.ts';
import { buildPlugin } from '../main/plugins/package/build.ts';
import { readPackage } from '../main/plugins/package/read-package.ts';
import { scaffoldPlugin } from '../main/plugins/package/scaffold.ts';
import { generateKeyPair, signedFiles, signPackage } from '../main/plugins/package/signature.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createServiceClient, type ServiceClient } from '../renderer/api/service-client.ts';
import { artifactPath, launchChromium } from './support/browser.ts';

/** The machine running this may be loaded: wait for states, never for fixed times. */
const LONG = { timeout: 60_000, interval: 250 };
const EXAMPLE = 'com.example.win-back';

/** The text field of an Element Plus input or textarea (the test id is on the field or around it). */
function field(page: Page, testId: string) {
  const id = `[data-testid="${testId}"]`;
  return page.locator(`input${id}, textarea${id}, ${id} input, ${id} textarea`).first();
}

describe('plugins in the UI: built-ins listed and switched, a package installed (unsigned, then signed by a trusted key), uninstalled', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let http: ServiceClient;
  let builtIns: string[] = [];
  let unsignedFile = '';
  let signedFile = '';
  const keys = generateKeyPair();

  beforeAll(async () => {
    await ensureRendererBuilt(() => undefined);
    // A third-party package as its author makes it: scaffold, build, pack (0.1.0, unsigned) …
    const source = scaffoldPlugin(join(dir.path, 'src'), 'win-back');
    await buildPlugin(source);
    unsignedFile = join(dir.path, `${EXAMPLE}-0.1.0.cdplugin`);
    await writeArchive((await readPackage(source)).files, unsignedFile);
    // … then 0.2.0, which may call one host, signed with the publisher's key.
    const manifestFile = join(source, 'plugin.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, version: '0.2.0', permissions: { network: ['api.example.com'] } }, null, 2));
    await buildPlugin(source);
    const next = await readPackage(source);
    signedFile = join(dir.path, `${EXAMPLE}-0.2.0.cdplugin`);
    await writeArchive(signedFiles(next, signPackage(next, keys.privateKeyPem, 'Example')), signedFile);

    app = await startBrowserMode({ dataDir: join(dir.path, 'data'), port: 0, version: 'e2e', mode: 'browser' });
    app.services.settings.update({ locale: 'en' });
    const url = new URL(app.server.url);
    http = createServiceClient([httpBatchLink({ url: `${url.origin}/api/trpc`, headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } })]);
    builtIns = (await http.query('plugins/list-plugins')).filter((p) => p.builtIn).map((p) => p.id);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(app.server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    dir.remove();
  });

  it('lists the six built-in plugins as enabled and built in; they cannot be uninstalled', async () => {
    // They start in the background when the app starts.
    await expect.poll(async () => (await http.query('plugins/list-plugins')).filter((p) => p.builtIn && p.state === 'enabled').length, LONG).toBe(6);
    await page.getByTestId('nav-plugins').click();
    await page.getByTestId('plugins-table').waitFor();
    expect(builtIns).toHaveLength(6);
    expect(builtIns).toContain('campaign-desk.birthday');
    for (const id of builtIns) {
      await expect.poll(() => page.getByTestId(`plugin-state-${id}`).textContent(), LONG).toBe('Enabled');
      expect(await page.getByTestId(`plugin-trust-${id}`).textContent()).toBe('Built in');
      expect(await page.getByTestId(`plugin-uninstall-${id}`).isDisabled()).toBe(true);
    }
    await page.getByTestId('plugin-campaign-desk.birthday').getByText('Birthday care').waitFor();
    await page.screenshot({ path: artifactPath('plugins.png'), animations: 'disabled', fullPage: true });
  });

  it('disables a plugin (its marketing type is gone) and enables it again', async () => {
    const id = 'campaign-desk.birthday';
    await page.getByTestId(`plugin-disable-${id}`).click();
    await expect.poll(() => page.getByTestId(`plugin-state-${id}`).textContent(), LONG).toBe('Disabled');
    expect((await http.query('plugins/get-plugin', { id })).enabled).toBe(false);
    expect((await http.query('plugins/list-marketing-types')).map((t) => t.id)).not.toContain('birthday');

    await page.getByTestId(`plugin-enable-${id}`).click();
    await expect.poll(() => page.getByTestId(`plugin-state-${id}`).textContent(), LONG).toBe('Enabled');
    expect((await http.query('plugins/list-marketing-types')).map((t) => t.id)).toContain('birthday');
  });

  it('installs an unsigned package only after "install anyway"', async () => {
    await page.getByTestId('plugin-file-input').setInputFiles(unsignedFile);
    const dialog = page.getByTestId('install-dialog');
    await dialog.getByTestId('install-name').waitFor(LONG);
    expect(await dialog.getByTestId('install-name').textContent()).toBe('Win back');
    expect(await dialog.getByTestId('install-version').textContent()).toBe('0.1.0');
    expect(await dialog.getByTestId('install-trust').textContent()).toBe('Not signed');
    expect(await dialog.getByTestId('install-network').textContent()).toContain('None');
    await dialog.getByTestId('install-warning').getByText('This package is not signed').waitFor();
    expect(await dialog.getByTestId('install-confirm').isDisabled()).toBe(true);
    await page.screenshot({ path: artifactPath('plugins-install-unsigned.png'), animations: 'disabled' });

    await dialog.getByTestId('install-anyway').click();
    expect(await dialog.getByTestId('install-confirm').isDisabled()).toBe(false);
    await dialog.getByTestId('install-confirm').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });

    await expect.poll(() => page.getByTestId(`plugin-state-${EXAMPLE}`).textContent(), LONG).toBe('Enabled');
    expect(await page.getByTestId(`plugin-trust-${EXAMPLE}`).textContent()).toBe('Unsigned');
    expect(await page.getByTestId(`plugin-version-${EXAMPLE}`).textContent()).toBe('0.1.0');
    expect(await page.getByTestId(`plugin-uninstall-${EXAMPLE}`).isDisabled()).toBe(false);
    expect((await http.query('plugins/list-marketing-types')).map((t) => `${t.pluginId}/${t.id}`)).toContain(`${EXAMPLE}/win-back`);
  });

  it('trusts a publisher key, then updates the plugin with a package signed by it', async () => {
    const panel = page.getByTestId('trusted-keys');
    await panel.getByText('No trusted keys.').waitFor();
    await field(page, 'key-publisher').fill('Example');
    await field(page, 'key-public').fill(keys.publicKeyPem);
    await page.getByTestId('key-add').click();
    await panel.getByTestId(`key-${keys.keyId}`).waitFor(LONG);

    // "Update" on the installed plugin's row: the dialog says what it replaces and that it is trusted.
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId(`plugin-update-${EXAMPLE}`).click();
    await (await chooser).setFiles(signedFile);
    const dialog = page.getByTestId('install-dialog');
    await dialog.getByTestId('install-version').waitFor(LONG);
    expect(await dialog.getByTestId('install-version').textContent()).toBe('0.2.0');
    expect(await dialog.textContent()).toContain('replaces the installed 0.1.0');
    expect(await dialog.getByTestId('install-trust').textContent()).toBe('Signed by a trusted publisher');
    expect(await dialog.getByTestId('install-network').textContent()).toContain('api.example.com');
    expect(await dialog.getByTestId('install-anyway').count()).toBe(0);
    await page.screenshot({ path: artifactPath('plugins-update-signed.png'), animations: 'disabled' });
    await dialog.getByTestId('install-confirm').click();
    await dialog.waitFor({ state: 'hidden', timeout: 20_000 });

    await expect.poll(() => page.getByTestId(`plugin-version-${EXAMPLE}`).textContent(), LONG).toBe('0.2.0');
    expect(await page.getByTestId(`plugin-trust-${EXAMPLE}`).textContent()).toBe('Trusted');
    await expect.poll(() => page.getByTestId(`plugin-state-${EXAMPLE}`).textContent(), LONG).toBe('Enabled');
  });

  it('uninstalls the package after a confirmation, and removes the key', async () => {
    await page.getByTestId(`plugin-uninstall-${EXAMPLE}`).click();
    const confirm = page.locator('.el-message-box');
    await confirm.getByText('Uninstall Win back 0.2.0?').waitFor();
    await confirm.getByRole('button', { name: 'Uninstall' }).click();
    await page.getByTestId(`plugin-state-${EXAMPLE}`).waitFor({ state: 'detached', timeout: 20_000 });
    expect((await http.query('plugins/list-plugins')).map((p) => p.id)).not.toContain(EXAMPLE);

    await page.getByTestId(`key-remove-${keys.keyId}`).click();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId(`key-${keys.keyId}`).waitFor({ state: 'detached', timeout: 20_000 });
    expect(await http.query('plugins/list-trusted-keys')).toEqual([]);
  });

  it('speaks Chinese too', async () => {
    await page.getByTestId('lang-select').click();
    await page.getByRole('option', { name: '中文' }).click();
    await expect.poll(() => page.getByTestId('plugin-state-campaign-desk.birthday').textContent(), LONG).toBe('已启用');
    expect(await page.getByTestId('plugin-trust-campaign-desk.birthday').textContent()).toBe('内置');
    await page.getByTestId('plugin-campaign-desk.birthday').getByText('生日关怀').waitFor();
    await page.getByTestId('trusted-keys').getByText('受信任的发布者密钥').waitFor();
    await page.screenshot({ path: artifactPath('plugins-zh-CN.png'), animations: 'disabled', fullPage: true });
  });
});
