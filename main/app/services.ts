import type { Clock } from '../core/clock.ts';
import type { AppDatabase } from '../db/open-database.ts';
import type { AudienceStore } from '../engine/audience/audience-store.ts';
import type { Engine } from '../engine/engine.ts';
import type { ImportJobs } from '../engine/import/import-jobs.ts';
import type { RightsService } from '../engine/rights/rights-service.ts';
import type { MarketingTypes } from '../plugins/marketing-types.ts';
import type { PluginManager } from '../plugins/plugin-manager.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { EventBus } from './event-bus.ts';
import type { SettingsStore } from './settings-store.ts';

export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly mode: 'desktop' | 'browser' | 'test';
}

/** Everything the API handlers may use. Built once per process by `createAppServices`. */
export interface AppServices {
  readonly info: AppInfo;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  readonly database: AppDatabase;
  readonly audiences: AudienceStore;
  readonly imports: ImportJobs;
  /** The rights platform: catalog, inventory, grant ledger, operation records. */
  readonly rights: RightsService;
  /** Plans, scheduler, executor, channels and throttles. */
  readonly engine: Engine;
  /** The plugin host: installed plugins, their isolated workers, trusted publisher keys. */
  readonly plugins: PluginManager;
  /** Marketing types from the plugins: templates, descriptions, and the executor's hooks. */
  readonly marketingTypes: MarketingTypes;
  /** Replication with the sync server (HQ publishing, stores sending their work up). */
  readonly sync: SyncService;
  /** The IANA zone of the stores (one per data dir for now). */
  readonly zone: string;
  /** Releases files and timers; idempotent. */
  close(): Promise<void>;
}
