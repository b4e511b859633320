import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { EventBus } from './event-bus.ts';
import type { AppInfo, AppServices } from './services.ts';
import { SettingsStore } from './settings-store.ts';

export interface CreateAppServicesOptions {
  dataDir: string;
  version: string;
  mode: AppInfo['mode'];
  clock: Clock;
}

function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new CampaignError('SYS_DATA_DIR', { path: dir, reason: (error as Error).message });
  }
  return dir;
}

/** The composition root: opens the data dir and wires the services the API uses. */
export async function createAppServices(options: CreateAppServicesOptions): Promise<AppServices> {
  const dataDir = prepareDataDir(options.dataDir);
  const bus = new EventBus();
  const settings = new SettingsStore(dataDir, bus);
  let closed = false;
  return {
    info: { version: options.version, dataDir, startedAt: options.clock.now(), mode: options.mode },
    clock: options.clock,
    bus,
    settings,
    async close() {
      if (closed) return;
      closed = true;
    },
  };
}
