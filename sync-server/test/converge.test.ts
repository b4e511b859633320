// Two stores and HQ as real app databases (RxDB on our SQLite storage, main/db/open-database.ts)
// replicating plans and grants with the sync server through main/sync/replicate-collection.ts:
// offline edits on every side converge after reconnecting, by the per-collection rules.
import type { RxCollection, RxDocument } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { collectionDefinitions } from '../../main/db/collections.ts';
import { openDatabaseWith, type AppDatabase } from '../../main/db/open-database.ts';
import type { GrantDoc } from '../../main/db/schemas/grants.ts';
import type { PlanDoc } from '../../main/db/schemas/plans.ts';
import { replicateCollection } from '../../main/sync/replicate-collection.ts';
import type { PublishTargets, SyncCheckpoint, SyncHttpClient } from '../../main/sync/sync-http-client.ts';
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { createSyncServer, type SyncServer } from '../src/index.ts';
import { planDoc } from './fixtures.ts';
import { startHarness, type Harness } from './harness.ts';
import { waitFor } from './helpers.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0, 0);
const dir = makeTempDir('campaign-desk-converge-');
const database = `sqlite:${dir.path}/sync.sqlite`;
let harness: Harness;
let server: SyncServer;
let port: number;

// RxDB's open-source build allows 16 open collections per process: each site opens the two it replicates.
const replicated = { plans: collectionDefinitions.plans, grants: collectionDefinitions.grants };

interface Site {
  name: string;
  app: AppDatabase<{ plans: RxCollection; grants: RxCollection }>;
  client: SyncHttpClient;
  targets?: PublishTargets;
  replications: RxReplicationState<unknown, SyncCheckpoint>[];
}
const sites: Site[] = [];
const refusals: string[] = [];

function grantDoc(id: string, over: Partial<GrantDoc> = {}): GrantDoc {
  return {
    id,
    key: JSON.stringify(['P-s1', '2026-03-10', 'C1', 'a1']),
    bundleId: `B-${id}`,
    index: 0,
    customerId: 'C1',
    planId: 'P-s1',
    runId: null,
    occurrence: '2026-03-10',
    actionId: 'a1',
    kind: 'coupon',
    params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } },
    rightId: 'R1',
    rightVersion: 1,
    rightName: '满100减10',
    packageId: null,
    packageVersion: null,
    rightStockId: null,
    packageStockId: null,
    state: 'granted',
    code: `CODE${id}`,
    zone: 'Asia/Shanghai',
    validFrom: T0,
    expiresAt: T0 + 30 * 86_400_000,
    reservedAt: T0,
    grantedAt: T0,
    usedAt: null,
    restoredAt: null,
    closedAt: null,
    seq: 2,
    updatedAt: T0,
    planKey: 'P-s1',
    expiryKey: T0 + 30 * 86_400_000,
    codeKey: `CODE${id}`,
    ...over,
  } as GrantDoc;
}

const used = (g: GrantDoc): GrantDoc => ({ ...g, state: 'used', seq: g.seq + 1, usedAt: T0 + 1000, updatedAt: T0 + 1000 });
const expired = (g: GrantDoc): GrantDoc => ({ ...g, state: 'expired', seq: g.seq + 1, closedAt: T0 + 2000, updatedAt: T0 + 2000 });

function connect(site: Site): void {
  const options = { client: site.client, live: true, retryTime: 100, reconnectMs: { min: 50, max: 300 } };
  // Fixed identifiers: a restarted server (same data) continues the same replications.
  site.replications = [
    replicateCollection(site.app.collections.plans as unknown as RxCollection<PlanDoc>, { ...options, replicationIdentifier: `${site.name}-plans`, push: { targets: site.targets } }),
    replicateCollection(site.app.collections.grants as unknown as RxCollection<GrantDoc>, { ...options, replicationIdentifier: `${site.name}-grants` }),
  ] as RxReplicationState<unknown, SyncCheckpoint>[];
  // Failures other than "server unreachable" (while it is down) are refusals: none expected.
  for (const r of site.replications) {
    r.error$.subscribe((e) => {
      const codes = ((e as { parameters?: { errors?: { code?: string }[] } }).parameters?.errors ?? []).map((x) => x.code ?? 'unknown');
      for (const code of codes) if (code !== 'SY_NETWORK') refusals.push(`${site.name}: ${code}`);
    });
  }
}

async function disconnect(site: Site): Promise<void> {
  await Promise.all(site.replications.map((r) => r.cancel()));
  site.replications = [];
}

async function inSync(site: Site): Promise<void> {
  await Promise.all(site.replications.map((r) => r.awaitInSync()));
}

const plainOf = (doc: Pick<RxDocument, 'toJSON'> | null) => (doc === null ? null : (doc.toJSON(false) as Record<string, unknown>));
const plans = (site: Site) => site.app.collections.plans as unknown as RxCollection<PlanDoc>;
const grants = (site: Site) => site.app.collections.grants as unknown as RxCollection<GrantDoc>;
async function planAt(site: Site, id: string) {
  return plainOf(await plans(site).findOne(id).exec()) as PlanDoc | null;
}
async function grantAt(site: Site, id: string) {
  return plainOf(await grants(site).findOne(id).exec()) as GrantDoc | null;
}
async function edit<T>(collection: RxCollection<T>, id: string, change: (doc: T) => T): Promise<void> {
  const doc = await collection.findOne(id).exec();
  await doc!.incrementalModify((data) => change(data as T));
}

beforeAll(async () => {
  harness = await startHarness({ database, rateLimit: false });
  server = harness.server;
  port = Number(new URL(harness.url).port);
  const s1 = await harness.createStore('S01');
  const s2 = await harness.createStore('S02');
  for (const [name, client, targets] of [['HQ', harness.admin, ['S01']], ['S01', s1.client, undefined], ['S02', s2.client, undefined]] as const) {
    const app = (await openDatabaseWith({ dataDir: `${dir.path}/${name}` }, replicated)) as unknown as Site['app'];
    const site: Site = { name, app, client, targets: targets as PublishTargets | undefined, replications: [] };
    sites.push(site);
    connect(site);
  }
}, 60_000);
afterAll(async () => {
  for (const site of sites) {
    await disconnect(site);
    await site.app.close();
  }
  await server?.close();
  dir.remove();
});

describe('offline edits at two stores and HQ', () => {
  it('converge after the server was down, by the collection rules', async () => {
    const [hq, s1, s2] = sites as [Site, Site, Site];
    // HQ's plan published to S01 (HQ lets stores set quiet hours and time zone); each store's own plan; a grant.
    const { _deleted: _a, ...hqPlan } = planDoc('P-hq', '', { status: 'active', limits: { maxAttempts: 3 }, overridable: ['quietHours', 'timeZone'] });
    const { _deleted: _b, ...s1Plan } = planDoc('P-s1', 'S01');
    const { _deleted: _c, ...s2Plan } = planDoc('P-s2', 'S02');
    await plans(hq).insert(hqPlan);
    await plans(s1).insert(s1Plan);
    await plans(s2).insert(s2Plan);
    await grants(s1).insert(grantDoc('G1'));
    await waitFor(async () => (await planAt(s1, 'P-hq')) !== null && (await grantAt(hq, 'G1')) !== null && (await planAt(hq, 'P-s2')) !== null, 10_000, 'the first sync');
    for (const site of sites) await inSync(site);

    // The server goes down; everybody keeps working.
    await server.close();
    await edit(plans(hq), 'P-hq', (p) => ({ ...p, name: 'Member day (HQ)', version: p.version + 1 }));
    await edit(plans(s1), 'P-hq', (p) => ({ ...p, name: 'renamed at S01', storeOverrides: { S01: { quietHours: { start: '21:00', end: '09:00' }, timeZone: 'Asia/Urumqi' } } }));
    await edit(plans(s1), 'P-s1', (p) => ({ ...p, description: 'edited offline at S01' }));
    await edit(plans(s2), 'P-s2', (p) => ({ ...p, status: 'active' as const }));
    await edit(plans(hq), 'P-s2', (p) => ({ ...p, description: 'HQ note' }));
    await edit(grants(s1), 'G1', used);
    await edit(grants(hq), 'G1', expired);
    await plans(s2).insert(planDoc('P-s2-new', 'S02'));

    server = await createSyncServer({ database, rateLimit: false });
    await server.listen({ port });
    const converged = async () => {
      const views = await Promise.all(sites.map(async (site) => ({ hq: await planAt(site, 'P-hq'), g: await grantAt(site, 'G1'), s2: await planAt(site, 'P-s2'), s2new: await planAt(site, 'P-s2-new') })));
      const [h, a, b] = views as [(typeof views)[0], (typeof views)[0], (typeof views)[0]];
      return (
        JSON.stringify(h.hq) === JSON.stringify(a.hq) &&
        h.g?.state === 'used' && a.g?.state === 'used' &&
        JSON.stringify(h.s2) === JSON.stringify(b.s2) &&
        h.s2new !== null
      );
    };
    await waitFor(converged, 15_000, 'all sites to converge');
    for (const site of sites) await inSync(site);

    // HQ's locked edit won, S01's overrides stayed, S01's edit of a locked field was dropped.
    const final = (await planAt(hq, 'P-hq'))!;
    expect(final).toMatchObject({ name: 'Member day (HQ)', version: 2, limits: { maxAttempts: 3 }, storeOverrides: { S01: { quietHours: { start: '21:00', end: '09:00' }, timeZone: 'Asia/Urumqi' } } });
    expect(final.time.timeZone).toBe('Asia/Shanghai');
    expect(await planAt(s1, 'P-hq')).toEqual(final);
    expect(await planAt(s2, 'P-hq')).toBeNull();
    // The grant used at S01 and expired at HQ is used everywhere, on the server too.
    expect(await grantAt(s1, 'G1')).toEqual(await grantAt(hq, 'G1'));
    expect((await server.documents.list('grants')).find((g) => g.id === 'G1')).toMatchObject({ state: 'used', seq: 3 });
    // A store plan edited at both ends: one version everywhere (master-wins), S02's own new plan reached HQ.
    expect(await planAt(s2, 'P-s2')).toEqual(await planAt(hq, 'P-s2'));
    expect((await planAt(s1, 'P-s1'))?.description).toBe('edited offline at S01');
    expect(await planAt(hq, 'P-s1')).toEqual(await planAt(s1, 'P-s1'));
    expect(refusals).toEqual([]);
  }, 60_000);

  it('a grant used at one side and expired at the other ends used, whichever side reconnects first', async () => {
    const [hq, s1] = sites as [Site, Site];
    await grants(s1).bulkInsert([grantDoc('G2'), grantDoc('G3')]);
    await waitFor(async () => (await grantAt(hq, 'G2')) !== null && (await grantAt(hq, 'G3')) !== null, 10_000, 'HQ to get the grants');
    for (const site of sites) await inSync(site);
    await disconnect(hq);
    await disconnect(s1);
    await edit(grants(s1), 'G2', used);
    await edit(grants(hq), 'G2', expired);
    await edit(grants(s1), 'G3', used);
    await edit(grants(hq), 'G3', expired);

    // HQ first: its expiries reach the server; S01's uses then conflict and win.
    connect(hq);
    await inSync(hq);
    expect((await server.documents.list('grants')).filter((g) => g.id === 'G2' || g.id === 'G3').map((g) => g.state)).toEqual(['expired', 'expired']);
    connect(s1);
    await inSync(s1);
    await waitFor(async () => (await grantAt(hq, 'G2'))?.state === 'used' && (await grantAt(hq, 'G3'))?.state === 'used', 10_000, 'HQ to learn the grants were used');
    for (const id of ['G2', 'G3']) {
      expect((await grantAt(s1, id))?.state).toBe('used');
      expect(await grantAt(s1, id)).toEqual(await grantAt(hq, id));
    }

    // The other order: the store's use first, HQ's sweep after gets the used grant back.
    await grants(s1).insert(grantDoc('G4'));
    await waitFor(async () => (await grantAt(hq, 'G4')) !== null, 10_000, 'HQ to get G4');
    await inSync(hq);
    await inSync(s1);
    await disconnect(hq);
    await disconnect(s1);
    await edit(grants(s1), 'G4', used);
    await edit(grants(hq), 'G4', expired);
    connect(s1);
    await inSync(s1);
    connect(hq);
    await inSync(hq);
    await waitFor(async () => (await grantAt(hq, 'G4'))?.state === 'used', 10_000, 'HQ’s expiry to yield to the use');
    expect(await grantAt(hq, 'G4')).toEqual(await grantAt(s1, 'G4'));
    expect((await server.documents.list('grants')).find((g) => g.id === 'G4')).toMatchObject({ state: 'used' });
    expect(refusals).toEqual([]);
  }, 60_000);
});
