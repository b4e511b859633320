// The app's sync against a real sync server on 127.0.0.1 (SQLite), with three real app
// databases: HQ and two stores.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../app/system-clock.ts';
import { type CampaignError } from '../core/errors/campaign-error.ts';
import { openDatabase, type AppDatabase } from '../db/open-database.ts';
import type { PlanDoc } from '../db/schemas/plans.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { planDoc, rightDoc } from '../../sync-server/test/fixtures.ts';
import { createSyncServer } from '../../sync-server/src/index.ts';
import { startHarness, type Harness } from '../../sync-server/test/harness.ts';
import { waitFor } from '../../sync-server/test/helpers.ts';
import { SYNC_CONFIG_FILE } from './sync-config.ts';
import { SyncService } from './sync-service.ts';
import { SYNC_COLLECTIONS } from './sync-scope.ts';
import type { SharesView } from './chain-shares.ts';
import type { SyncStatus } from './sync-status.ts';
import type { AuditLogDoc } from '../db/schemas/audit-log.ts';
import type { AuditPage } from '../engine/audit/audit-query.ts';
import type { AuditVerification } from '../engine/audit/verify-audit-log.ts';
import { startSyncSite, type SyncSite } from '../testing/sync-site.ts';


const serverDir = makeTempDir('campaign-desk-sync-app-');
let server: Harness;
let hqToken: string;
let storeTokens: Record<string, string>;

// One database in this process (RxDB's open-source edition allows 16 open collections per
// process); the HQ and store apps below run in processes of their own.
let local: { dir: ReturnType<typeof makeTempDir>; database: AppDatabase };

function plan(id: string, storeId: string, overrides: Partial<PlanDoc> = {}): PlanDoc {
  const { _deleted: _d, ...doc } = planDoc(id, storeId, { source: 'local', ...overrides });
  return doc;
}


beforeAll(async () => {
  server = await startHarness({ database: `sqlite:${serverDir.path}/sync.sqlite`, rateLimit: false, heartbeatMs: 1000 });
  const operator = await server.admin.request<{ token: string }>('POST', '/hq/users', { id: 'ops', name: 'HQ operations', role: 'operator' });
  hqToken = operator.token;
  storeTokens = {};
  for (const id of ['S01', 'S02']) storeTokens[id] = (await server.createStore(id)).token;
  const dir = makeTempDir('campaign-desk-site-');
  local = { dir, database: await openDatabase({ dataDir: dir.path }) };
});

afterAll(async () => {
  await local?.database.close();
  local?.dir.remove();
  await server?.close();
  serverDir.remove();
});

describe('setting up sync', () => {
  it('refuses a wrong credential or an unusable URL and saves nothing', async () => {
    const site = { dir: local.dir, sync: new SyncService({ database: local.database, dataDir: local.dir.path, clock: systemClock, timeoutMs: 5000 }) };
    const wrong = await site.sync.configure({ serverUrl: server.url, token: 'not-a-real-token-123' }).catch((e: unknown) => e);
    expect((wrong as CampaignError).code).toBe('SY_UNAUTHORIZED');
    const bad = await site.sync.configure({ serverUrl: 'ftp://example.com', token: storeTokens['S01']! }).catch((e: unknown) => e);
    expect((bad as CampaignError).code).toBe('SY_BAD_CONFIG');
    const down = await site.sync.configure({ serverUrl: 'http://127.0.0.1:9', token: storeTokens['S01']! }).catch((e: unknown) => e);
    expect((down as CampaignError).code).toBe('SY_NETWORK');
    expect(existsSync(join(site.dir.path, SYNC_CONFIG_FILE))).toBe(false);
    expect(site.sync.status().connection).toBe('not-configured');
    await site.sync.close();
  });

  it('reports a damaged setup file by name and leaves it as it was', async () => {
    const file = join(local.dir.path, SYNC_CONFIG_FILE);
    writeFileSync(file, '{"serverUrl": 42');
    const again = new SyncService({ database: local.database, dataDir: local.dir.path, clock: systemClock });
    const status = again.status();
    expect(status.error?.code).toBe('SY_BAD_CONFIG');
    expect(status.error?.message).toContain(file);
    await expect(again.syncNow()).rejects.toMatchObject({ code: 'SY_BAD_CONFIG' });
    expect(readFileSync(file, 'utf8')).toBe('{"serverUrl": 42');
    await again.close();
  });
});

describe('HQ and two stores, each app in its own process', () => {
  let hq: SyncSite;
  let s1: SyncSite;
  let s2: SyncSite;
  const status = (site: SyncSite) => site.call<SyncStatus>({ op: 'status' });
  const planIn = (site: SyncSite, id: string) => site.call<PlanDoc | null>({ op: 'get', collection: 'plans', id });
  const insertPlan = (site: SyncSite, doc: PlanDoc) => site.call({ op: 'insert', collection: 'plans', doc: { ...doc } });

  beforeAll(async () => {
    [hq, s1, s2] = await Promise.all([startSyncSite(), startSyncSite(), startSyncSite()]);
    await hq.call({ op: 'configure', serverUrl: server.url, token: hqToken });
    await s1.call({ op: 'configure', serverUrl: server.url, token: storeTokens['S01']! });
    await s2.call({ op: 'configure', serverUrl: server.url, token: storeTokens['S02']! });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([hq, s1, s2].filter(Boolean).map((site) => site.close()));
  });

  it('learns who it is from the server and keeps the token out of the status', async () => {
    expect((await status(s1)).identity).toMatchObject({ kind: 'store', storeId: 'S01' });
    expect((await status(hq)).identity).toMatchObject({ kind: 'hq', userId: 'ops', role: 'operator' });
    expect(JSON.stringify(await status(s1))).not.toContain(storeTokens['S01']);
    expect(readFileSync(join(s1.dataDir, SYNC_CONFIG_FILE), 'utf8')).toContain(storeTokens['S01']);
    const synced = await s1.call<SyncStatus>({ op: 'syncNow' });
    expect(synced.connection).toBe('online');
    expect(synced.lastSyncAt).not.toBeNull();
  });

  it('publishes an HQ plan to both stores, where it arrives as HQ’s', async () => {
    await insertPlan(hq, plan('hq-plan-1', ''));
    await hq.call({ op: 'syncNow' });
    const stores = await hq.call<{ id: string }[]>({ op: 'listStores' });
    expect(stores.map((s) => s.id)).toEqual(expect.arrayContaining(['S01', 'S02']));
    await hq.call({ op: 'publish', collection: 'plans', ids: ['hq-plan-1'], targets: 'all' });
    for (const store of [s1, s2]) {
      await waitFor(async () => (await planIn(store, 'hq-plan-1')) !== null, 5000, 'the published plan');
      expect(await planIn(store, 'hq-plan-1')).toMatchObject({ storeId: '', source: 'hq' });
    }
    await expect(s1.call({ op: 'listStores' })).rejects.toMatchObject({ code: 'SY_HQ_ONLY' });
  });

  it('sends a store’s own plan up as the store’s, and not to the other store', async () => {
    await insertPlan(s1, plan('s1-plan', ''));
    await s1.call({ op: 'syncNow' });
    await waitFor(async () => (await planIn(hq, 's1-plan'))?.storeId === 'S01', 5000, 'HQ to see the store plan');
    // The store's own copy takes the owner the server gave it.
    await waitFor(async () => (await planIn(s1, 's1-plan'))?.storeId === 'S01', 5000, 'the store copy to be the store’s');
    await s2.call({ op: 'syncNow' });
    expect(await planIn(s2, 's1-plan')).toBeNull();
  });

  it('keeps other stores’ documents local, and undoes a store’s edit of HQ’s locked fields', async () => {
    await insertPlan(s1, plan('s2-owned-here', 'S02'));
    await s1.call({ op: 'patch', collection: 'plans', id: 'hq-plan-1', patch: { name: 'Renamed at the store', updatedAt: Date.now() } });
    await waitFor(async () => (await planIn(s1, 'hq-plan-1'))?.name === 'Plan hq-plan-1', 5000, 'the edit to be undone');
    expect((await status(s1)).collections.find((c) => c.collection === 'plans')?.keptLocal).toBeGreaterThanOrEqual(1);
    await hq.call({ op: 'syncNow' });
    expect(await planIn(hq, 's2-owned-here')).toBeNull();
    expect((await planIn(hq, 'hq-plan-1'))?.name).toBe('Plan hq-plan-1');
  });

  it('sends each store’s audit log up, chained per device: HQ searches and verifies every store’s, stores see only their own', async () => {
    const mine = await s1.call<AuditLogDoc>({ op: 'audit', summary: 'changed at S01' });
    expect(mine.storeId).toBe('S01');
    await s1.call({ op: 'syncNow' });
    await hq.call({ op: 'audit', summary: 'changed at HQ' });
    await waitFor(async () => (await hq.call<AuditPage>({ op: 'searchAudit', filter: { storeId: 'S01' } })).entries.some((e) => e.id === mine.id), 5000, 'HQ to receive the store’s entry');
    const atHq = await hq.call<AuditPage>({ op: 'searchAudit', filter: { text: 'changed at' } });
    expect(atHq.entries.map((e) => [e.summary, e.storeId])).toEqual(expect.arrayContaining([['changed at S01', 'S01'], ['changed at HQ', '']]));
    expect(atHq.entries.find((e) => e.id === mine.id)).toEqual(mine);
    const verified = await hq.call<AuditVerification>({ op: 'verifyAudit' });
    expect(verified.ok).toBe(true);
    expect(verified.chains.find((c) => c.device === mine.device)).toMatchObject({ storeId: 'S01', lastSeq: mine.seq });
    expect(verified.chains.length).toBeGreaterThanOrEqual(2);
    // HQ's own entries chain on HQ's device only; S02 never receives S01's log.
    await s2.call({ op: 'syncNow' });
    expect((await s2.call<AuditPage>({ op: 'searchAudit', filter: { storeId: 'S01' } })).total).toBe(0);
  });

  it('lists a refused document with the reason, and the others still go up', async () => {
    const { _deleted: _d, ...right } = rightDoc('hq-right');
    await hq.call({ op: 'insert', collection: 'rights', doc: right });
    await hq.call({ op: 'publish', collection: 'rights', ids: ['hq-right'], targets: 'all' });
    await waitFor(async () => (await s1.call({ op: 'get', collection: 'rights', id: 'hq-right@1' })) !== null, 5000, 'the published right');
    await s1.call({ op: 'patch', collection: 'rights', id: 'hq-right@1', patch: { name: 'Changed at the store' } });
    const { _deleted: _e, ...own } = rightDoc('store-right');
    await s1.call({ op: 'insert', collection: 'rights', doc: own });
    await waitFor(async () => (await status(s1)).refusals.some((r) => r.id === 'hq-right@1'), 5000, 'the refusal');
    const refusal = (await status(s1)).refusals.find((r) => r.id === 'hq-right@1');
    expect(refusal).toMatchObject({ collection: 'rights', outcome: 'reverted', error: { code: 'SY_READ_ONLY_DOCUMENT' } });
    await waitFor(async () => (await s1.call<{ name: string }>({ op: 'get', collection: 'rights', id: 'hq-right@1' })).name === 'Right hq-right', 5000, 'the edit to be undone');
    await hq.call({ op: 'syncNow' });
    await waitFor(async () => (await hq.call({ op: 'get', collection: 'rights', id: 'store-right@1' })) !== null, 5000, 'the store’s own right at HQ');
  });

  it('keeps working while sync is off and sends what was done meanwhile when it is back on', async () => {
    expect((await s2.call<SyncStatus>({ op: 'setEnabled', enabled: false })).connection).toBe('disabled');
    await insertPlan(s2, plan('made-offline', ''));
    await insertPlan(hq, plan('hq-plan-2', ''));
    await hq.call({ op: 'publish', collection: 'plans', ids: ['hq-plan-2'], targets: ['S02'] });
    expect(await planIn(s2, 'hq-plan-2')).toBeNull();
    await s2.call({ op: 'setEnabled', enabled: true });
    await s2.call({ op: 'syncNow' });
    expect(await planIn(s2, 'hq-plan-2')).toMatchObject({ source: 'hq' });
    await waitFor(async () => (await planIn(hq, 'made-offline'))?.storeId === 'S02', 5000, 'HQ to get the offline work');
    expect((await status(s2)).collections.every((c) => c.pending === 0)).toBe(true);
    await s1.call({ op: 'syncNow' });
    expect(await planIn(s1, 'hq-plan-2')).toBeNull();
  });

  it('leases a share of HQ’s chain stock into a local allotment, and gives back what was not granted', async () => {
    const hqView = await hq.call<SharesView>({ op: 'createChainStock', input: { id: 'CS-autumn', ownerType: 'right', ownerId: 'hq-right', total: 100, leaseDays: 7 } });
    expect(hqView.stocks.find((s) => s.id === 'CS-autumn')).toMatchObject({ total: 100, remaining: 100 });
    await expect(hq.call({ op: 'requestShare', stockId: 'CS-autumn', units: 10 })).rejects.toMatchObject({ code: 'SY_FORBIDDEN' });
    await expect(s2.call({ op: 'createChainStock', input: { id: 'CS-x', ownerType: 'right', ownerId: 'hq-right', total: 1, leaseDays: 1 } })).rejects.toMatchObject({ code: 'SY_HQ_ONLY' });

    const storeView = await s2.call<SharesView>({ op: 'requestShare', stockId: 'CS-autumn', units: 30 });
    expect(storeView.leases).toHaveLength(1);
    expect(storeView.leases[0]).toMatchObject({ stockId: 'CS-autumn', storeId: 'S02', units: 30, state: 'active' });
    expect(storeView.available['CS-autumn']).toBe(30);
    const local = await s2.call<{ id: string; total: number; source: { type: string; from?: string } }[]>({ op: 'localStocks' });
    expect(local.find((s) => s.source.type === 'allotment')).toMatchObject({ total: 30, source: { type: 'allotment', from: 'CS-autumn' } });
    expect((await hq.call<SharesView>({ op: 'shares' })).stocks.find((s) => s.id === 'CS-autumn')).toMatchObject({ total: 100, leased: 30, remaining: 70 });

    const after = await s2.call<SharesView>({ op: 'returnShares', stockId: 'CS-autumn' });
    expect(after.available['CS-autumn']).toBe(0);
    expect((await hq.call<SharesView>({ op: 'shares' })).stocks.find((s) => s.id === 'CS-autumn')).toMatchObject({ total: 100, leased: 0, remaining: 100, granted: 0 });
    expect((await s2.call<SyncStatus>({ op: 'syncNow' })).shares.error).toBeNull();
  });

  it('goes offline when the server stops, keeps working, and catches up when it is back', async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    await waitFor(async () => (await status(s2)).connection === 'offline', 10_000, 'the store to see it offline');
    expect((await status(s2)).error?.code).toBe('SY_NETWORK');
    await insertPlan(s2, plan('while-down', ''));
    const again = await createSyncServer({ database: `sqlite:${serverDir.path}/sync.sqlite`, rateLimit: false });
    await again.listen({ port });
    server = { ...server, server: again, close: () => again.close() };
    await waitFor(async () => {
      const now = await status(s2);
      return now.connection === 'online' && now.collections.every((c) => c.lastError === null && c.pending === 0);
    }, 15_000, 'the store to be back online with nothing left to send');
    await waitFor(async () => (await planIn(hq, 'while-down'))?.storeId === 'S02', 10_000, 'HQ to get what was done while the server was down');
  });

  it('forgets the server on disconnect and keeps the local data', async () => {
    await s1.call({ op: 'disconnect' });
    expect((await status(s1)).connection).toBe('not-configured');
    expect(existsSync(join(s1.dataDir, SYNC_CONFIG_FILE))).toBe(false);
    expect(await planIn(s1, 'hq-plan-1')).not.toBeNull();
  });
});

describe('changes to send, across a restart', () => {
  const siteDir = makeTempDir('campaign-desk-site-');
  const ownServerDir = makeTempDir('campaign-desk-sync-restart-');
  let own: Harness;
  let site: SyncSite | undefined;
  const status = () => site!.call<SyncStatus>({ op: 'status' });
  const pendingIn = (s: SyncStatus, collection: string) => s.collections.find((c) => c.collection === collection)?.pending;

  beforeAll(async () => {
    own = await startHarness({ database: `sqlite:${ownServerDir.path}/sync.sqlite`, rateLimit: false, heartbeatMs: 1000 });
  });
  afterAll(async () => {
    await site?.close();
    await own?.close();
    siteDir.remove();
    ownServerDir.remove();
  });

  it('counts what was changed offline before the app restarted, and nothing once it is sent', async () => {
    const { token } = await own.createStore('S07');
    site = await startSyncSite(siteDir.path);
    await site.call({ op: 'configure', serverUrl: own.url, token });
    await site.call({ op: 'insert', collection: 'plans', doc: { ...plan('sent-before', '') } });
    const synced = await site.call<SyncStatus>({ op: 'syncNow' });
    expect(synced.collections.map((c) => [c.collection, c.pending])).toEqual(SYNC_COLLECTIONS.map((c) => [c, 0]));

    const port = Number(new URL(own.url).port);
    await own.close();
    await waitFor(async () => (await status()).connection === 'offline', 10_000, 'the store to see it offline');
    await site.call({ op: 'insert', collection: 'plans', doc: { ...plan('offline-1', '') } });
    await site.call({ op: 'insert', collection: 'plans', doc: { ...plan('offline-2', '') } });
    await site.call({ op: 'patch', collection: 'plans', id: 'sent-before', patch: { name: 'Renamed offline', updatedAt: Date.now() } });
    await waitFor(async () => pendingIn(await status(), 'plans') === 3, 5000, 'three changes to send');

    // The app restarts while the server is still down: the three are still counted.
    await site.close();
    site = await startSyncSite(siteDir.path);
    await waitFor(async () => {
      const now = await status();
      return now.connection === 'offline' && pendingIn(now, 'plans') === 3;
    }, 10_000, 'three changes to send after the restart');
    expect((await status()).collections.filter((c) => c.collection !== 'plans').every((c) => c.pending === 0)).toBe(true);

    // Paused, and restarted paused: what waits still counts, and so does a change made meanwhile.
    expect(pendingIn(await site.call<SyncStatus>({ op: 'setEnabled', enabled: false }), 'plans')).toBe(3);
    await site.close();
    site = await startSyncSite(siteDir.path);
    expect(await status()).toMatchObject({ connection: 'disabled' });
    expect(pendingIn(await status(), 'plans')).toBe(3);
    await site.call({ op: 'insert', collection: 'plans', doc: { ...plan('while-paused', '') } });
    await waitFor(async () => pendingIn(await status(), 'plans') === 4, 5000, 'four changes to send while paused');

    const again = await createSyncServer({ database: `sqlite:${ownServerDir.path}/sync.sqlite`, rateLimit: false });
    await again.listen({ port });
    own = { ...own, server: again, close: () => again.close() };
    await site.call({ op: 'setEnabled', enabled: true });
    const after = await site.call<SyncStatus>({ op: 'syncNow' });
    expect(after.collections.map((c) => [c.collection, c.pending])).toEqual(SYNC_COLLECTIONS.map((c) => [c, 0]));
    const atServer = await own.admin.pull<PlanDoc>('plans', undefined, 100);
    expect(atServer.documents.filter((d) => d.storeId === 'S07').map((d) => [d.id, d.name]).sort()).toEqual([
      ['offline-1', 'Plan offline-1'],
      ['offline-2', 'Plan offline-2'],
      ['sent-before', 'Renamed offline'],
      ['while-paused', 'Plan while-paused'],
    ]);

    // Another store's document found here never goes up: kept local, not waiting.
    await site.call({ op: 'insert', collection: 'plans', doc: { ...plan('other-store', 'S02') } });
    await waitFor(async () => {
      const plans = (await status()).collections.find((c) => c.collection === 'plans');
      return plans?.keptLocal === 1 && plans.pending === 0;
    }, 5000, 'the other store’s plan to be kept local');
  });
});
