import { createAppServices } from '../app/create-app-services.ts';
import { defaultDataDir } from '../app/paths.ts';
import type { AppServices } from '../app/services.ts';
import { systemClock } from '../app/system-clock.ts';

/** The app's services on a data dir for one command, without the engine's own loops (the command drives what it needs). */
export async function withServices<T>(options: { dataDir?: string; zone?: string }, fn: (services: AppServices) => Promise<T>): Promise<T> {
  const services = await createAppServices({ dataDir: defaultDataDir(options.dataDir), version: 'cli', mode: 'test', clock: systemClock, ...(options.zone ? { zone: options.zone } : {}) });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}
