import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../db/open-database.ts';
import { AudienceStore } from '../engine/audience/audience-store.ts';
import { Engine } from '../engine/engine.ts';
import { ImportJobs } from '../engine/import/import-jobs.ts';
import { RightsService } from '../engine/rights/rights-service.ts';
import { MarketingTypes } from '../plugins/marketing-types.ts';
import { pluginChannelFactory } from '../plugins/plugin-channel.ts';
import { PluginManager, type PluginLimits } from '../plugins/plugin-manager.ts';
import { SyncService } from '../sync/sync-service.ts';
import { seedDemo } from './demo.ts';
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
  /** Seed a small demo chain when the data dir has no database yet (first start). */
  seedDemoOnFirstRun?: boolean;
  /** Run the scheduler and executor loops (the app does; tests and CLI commands drive them). */
  startEngine?: boolean;
  zone?: string;
  /** Another folder of built-in plugins (tests). */
  builtinPluginsDir?: string;
  /** Time and memory limits of plugin workers (tests shorten them). */
  pluginLimits?: PluginLimits;
}

/** How often grants past their expiry are marked expired (uses check expiry themselves). */
const EXPIRY_SWEEP_MS = 60_000;

/** How long change notifications are gathered before the UI is told (imports write a lot). */
const CHANGE_NOTIFY_MS = 300;

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
  const firstRun = !existsSync(join(dataDir, 'db'));
  const database = await openDatabase({ dataDir });
  if (firstRun && options.seedDemoOnFirstRun) {
    await seedDemo(database, { stores: 3, customers: 300, now: options.clock.now() });
    settings.update({ demoLoaded: true });
  }
  const zone = options.zone ?? 'Asia/Shanghai';
  const { service: rights, repair } = await RightsService.open({
    collections: database.collections,
    clock: options.clock,
    zone: () => zone,
    journalFile: join(dataDir, 'db', 'rights-step.flag'),
  });
  if (repair.interrupted) console.warn(`Rights ledger repaired after an interrupted run: ${JSON.stringify(repair)}`);
  const stopSweep = rights.startExpirySweep(EXPIRY_SWEEP_MS, (error) => console.error('Rights expiry sweep failed:', error));
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const subscription = database.db.$.subscribe((change) => {
    if (change.collectionName) pending.add(change.collectionName);
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const collection of pending) bus.emit('data-changed', { collection });
      pending.clear();
    }, CHANGE_NOTIFY_MS);
  });
  const audiences = new AudienceStore(database.collections.audiences, database.collections, randomUUID);
  const engineRef: { current?: Engine } = {};
  const plugins = await PluginManager.open({
    database,
    dataDir,
    clock: options.clock,
    ...(options.builtinPluginsDir ? { builtinDir: options.builtinPluginsDir } : {}),
    ...(options.pluginLimits ? { limits: options.pluginLimits } : {}),
    onChange: () => bus.emit('data-changed', { collection: 'plugins' }),
    // Runs of its marketing types wait (paused, saying why) until it works again.
    onPluginFailed: (pluginId, error) => {
      console.error(`Plugin ${pluginId} failed: ${error.message}`);
      void engineRef.current?.executor.pausePluginRuns(pluginId, error).catch((e: unknown) => console.error('Pausing runs failed:', e));
    },
  });
  const marketingTypes = new MarketingTypes(plugins, options.clock, zone, options.pluginLimits?.callTimeoutMs);
  const syncRef: { current: SyncService | null } = { current: null };
  const engine = await Engine.open({
    database,
    eligibility: marketingTypes.eligibility,
    channelKinds: new Map([['plugin', pluginChannelFactory(plugins)]]),
    rights,
    audiences,
    clock: options.clock,
    zone,
    dataDir,
    onChange: (what) => bus.emit('data-changed', { collection: what === 'plans' ? 'plans' : 'planRuns' }),
    onError: (error) => console.error('Engine:', error),
    // Who runs which plan follows the sync setup (made just below, before anything runs).
    role: () => syncRef.current?.siteRole() ?? { kind: 'standalone' },
  });
  engineRef.current = engine;
  const sync = new SyncService({
    database,
    dataDir,
    clock: options.clock,
    allotments: { list: () => rights.inventory.list(), addAllotment: (input) => rights.inventory.addAllotment(input), returnAllotment: (id) => rights.inventory.returnAllotment(id) },
    onStatus: (status) => bus.emit('sync-status', status),
    shareUse: (ownerType, ownerId) => engine.shareUse(ownerType, ownerId),
  });
  syncRef.current = sync;
  if (options.startEngine) {
    // Replication runs beside the engine; failures show on the Sync screen, never stop the app.
    void sync.start().catch((error: unknown) => console.error('Sync:', error));
    engine.start();
    // Started in the background so the window opens at once; failures show in Plugins.
    void plugins.startAll();
  }
  let closed = false;
  return {
    info: { version: options.version, dataDir, startedAt: options.clock.now(), mode: options.mode },
    clock: options.clock,
    bus,
    settings,
    database,
    audiences,
    engine,
    plugins,
    marketingTypes,
    rights,
    sync,
    imports: new ImportJobs(dataDir, database.collections, zone, () => options.clock.now()),
    zone,
    async close() {
      if (closed) return;
      closed = true;
      stopSweep();
      await sync.close();
      await engine.close();
      await plugins.close();
      await rights.close();
      subscription.unsubscribe();
      clearTimeout(timer);
      await database.close();
    },
  };
}
