// The Electron main process: thin glue around the same services and API as browser mode.
import { app, BrowserWindow, Notification, shell } from 'electron';
import { createIPCHandler } from 'trpc-electron/main';
import { join } from 'node:path';
import { createApiRouter } from '../api/router.ts';
import { methods } from '../api/methods.ts';
import type { ApiContext } from '../api/context.ts';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { systemClock } from '../app/system-clock.ts';
import { APP_URL, registerAppScheme, serveRenderer } from './app-protocol.ts';
import { createTray } from './tray.ts';
import { loadWindowState, trackWindowState } from './window-state.ts';

declare const __APP_VERSION__: string;

const root = join(__dirname, '..', '..');
const rendererDir = join(root, 'dist', 'renderer');
const iconDir = join(root, 'resources', 'icons');

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

let win: BrowserWindow | undefined;
let quitting = false;

function createWindow(services: AppServices, ipc: ReturnType<typeof createIPCHandler>): BrowserWindow {
  const state = loadWindowState(services.info.dataDir);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    icon: join(iconDir, 'icon.png'),
    title: 'Campaign Desk',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (state.maximized) window.maximize();
  trackWindowState(window, services.info.dataDir);
  ipc.attachWindow(window);
  // Only our own pages load in the window; links open in the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith('app://campaign-desk/')) event.preventDefault();
  });
  window.on('close', (event) => {
    if (!quitting && services.settings.get().keepRunningInBackground) {
      event.preventDefault();
      window.hide();
    }
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_URL);
  return window;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  await app.whenReady();
  serveRenderer(rendererDir);

  const services = await createAppServices({
    dataDir: argValue('--data-dir') ?? app.getPath('userData'),
    version: __APP_VERSION__,
    mode: 'desktop',
    clock: systemClock,
    seedDemoOnFirstRun: true,
    startEngine: true,
    // Built by `npm run build:electron` into dist/plugins (main.cjs runs from dist/electron).
    builtinPluginsDir: join(__dirname, '..', 'plugins'),
  });
  const router = createApiRouter(methods, { onBug: (error, method) => console.error(`[api] ${method ?? '?'} failed:`, error) });
  const ipc = createIPCHandler({ router, createContext: async (): Promise<ApiContext> => ({ services, transport: 'ipc' }) });

  const applyLoginItem = () => app.setLoginItemSettings({ openAtLogin: services.settings.get().openAtLogin });
  applyLoginItem();
  services.bus.on('settings-changed', applyLoginItem);
  services.bus.on('notify', ({ title, body }) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  });

  const show = () => {
    if (!win || win.isDestroyed()) win = createWindow(services, ipc);
    win.show();
    win.focus();
  };
  app.on('second-instance', show);
  app.on('activate', show);
  createTray(join(iconDir, 'tray.png'), services.settings.get().locale, {
    show,
    quit: () => {
      quitting = true;
      app.quit();
    },
  });
  app.on('before-quit', () => (quitting = true));
  app.on('window-all-closed', () => {
    // The scheduler keeps running in the tray unless the user turned that off.
    if (!services.settings.get().keepRunningInBackground) app.quit();
  });
  app.on('will-quit', () => void services.close());
  show();
}

start().catch((error: unknown) => {
  console.error(error);
  app.exit(1);
});
