import { createApiRouter } from '../api/router.ts';
import type { Clock } from '../core/clock.ts';
import { methods } from '../api/methods.ts';
import { startBrowserServer, type BrowserServer } from '../host/browser-server.ts';
import { createAppServices } from './create-app-services.ts';
import { rendererDistDir } from './paths.ts';
import type { AppServices } from './services.ts';
import { systemClock } from './system-clock.ts';

export interface BrowserModeOptions {
  dataDir: string;
  port: number;
  version: string;
  secret?: string;
  mode?: 'browser' | 'test';
  /** The source of "now" (tests pass a ManualClock and move it instead of sleeping); default the system clock. */
  clock?: Clock;
}

export interface RunningApp {
  services: AppServices;
  server: BrowserServer;
  stop(): Promise<void>;
}

/** Starts everything browser mode needs: services, the API, the HTTP/WebSocket server. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<RunningApp> {
  const services = await createAppServices({
    dataDir: options.dataDir,
    version: options.version,
    mode: options.mode ?? 'browser',
    clock: options.clock ?? systemClock,
    seedDemoOnFirstRun: (options.mode ?? 'browser') === 'browser',
    startEngine: true,
  });
  try {
    const router = createApiRouter(methods, {
      onBug: (error, method) => console.error(`[api] ${method ?? '?'} failed:`, error),
    });
    const server = await startBrowserServer({
      services,
      router,
      port: options.port,
      staticDir: rendererDistDir,
      ...(options.secret ? { secret: options.secret } : {}),
    });
    return {
      services,
      server,
      async stop() {
        await server.close();
        await services.close();
      },
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}
