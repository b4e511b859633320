// Allotments end to end: two stores (rights ledger on real SQLite files) lease shares of one
// chain stock from a real sync server, grant against them offline, and settle when back.
import { ManualClock } from '../core/clock.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { collectionDefinitions } from '../db/collections.ts';
import { openDatabaseWith } from '../db/open-database.ts';
import type { StockDoc } from '../db/schemas/allotments.ts';
import type { RightsCollections } from '../engine/rights/rights-collections.ts';
import type { GrantRequest } from '../engine/rights/rights-ledger.ts';
import { RightsService } from '../engine/rights/rights-service.ts';
import { coupon, DAY, staff, T0, ZONE } from '../engine/rights/test-rights.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { startHarness, type Harness } from '../../sync-server/test/harness.ts';
import { AllotmentClient, AllotmentSync } from './allotment-client.ts';
import { settlementOf } from './allotment-stock.ts';
import { ChainShares, type ShareUse, type ShareUseOf } from './chain-shares.ts';

const dir = makeTempDir('campaign-desk-allotment-client-');
const clock = new ManualClock(T0);
// Only the rights platform's collections: RxDB's open-source build allows 16 per process.
const rightsDefinitions = {
  rights: collectionDefinitions.rights,
  rightsPackages: collectionDefinitions.rightsPackages,
  grants: collectionDefinitions.grants,
  operationRecords: collectionDefinitions.operationRecords,
  allotments: collectionDefinitions.allotments,
};

interface Store {
  rights: RightsService;
  collections: RightsCollections;
  sync: AllotmentSync;
  shares(use: ShareUseOf): ChainShares;
  close(): Promise<void>;
}

let hq: Harness;
let hqAllotments: AllotmentClient;

async function openStore(id: string): Promise<Store> {
  const database = await openDatabaseWith({ dataDir: `${dir.path}/${id}` }, rightsDefinitions);
  const collections = database.collections as unknown as RightsCollections;
  const { service } = await RightsService.open({ collections, clock, zone: () => ZONE });
  const { client } = await hq.createStore(id);
  const inventory = { list: () => service.inventory.list(), addAllotment: service.inventory.addAllotment.bind(service.inventory), returnAllotment: service.inventory.returnAllotment.bind(service.inventory) };
  return {
    rights: service,
    collections,
    sync: new AllotmentSync(new AllotmentClient(client), inventory, () => clock.now()),
    shares: (use) => new ChainShares(client, { kind: 'store', storeId: id, credentialId: 'test' }, inventory, () => clock.now(), use),
    async close() {
      await service.close();
      await database.close();
    },
  };
}

let customer = 0;
/** Grants the right to one new customer; answers whether the store had stock for it. */
async function grantOne(store: Store, rightId: string): Promise<boolean> {
  const request: GrantRequest = { key: { planId: 'p1', occurrence: 'o1', customerId: `c${++customer}`, actionId: 'a1' }, subject: { type: 'right', id: rightId } };
  const [outcome] = await store.rights.ledger.grant([request], staff);
  if (outcome?.ok) return true;
  expect(outcome?.error.code).toBe('RT_OUT_OF_STOCK');
  return false;
}

async function grantAll(store: Store, rightId: string): Promise<number> {
  let n = 0;
  while (await grantOne(store, rightId)) n++;
  return n;
}

const stocks = async (store: Store): Promise<StockDoc[]> => (await store.rights.inventory.list()).filter((s) => s.source.type === 'allotment');

async function chain(stockId: string) {
  const { stocks: all } = await hqAllotments.hqView({ stockId });
  const stock = all.find((s) => s.id === stockId)!;
  expect(stock.granted + stock.leased + stock.remaining).toBe(stock.total);
  return stock;
}

beforeAll(async () => {
  hq = await startHarness({ database: `sqlite:${dir.path}/sync.sqlite`, rateLimit: false, now: () => clock.now() });
  hqAllotments = new AllotmentClient(hq.admin);
}, 30_000);
afterAll(async () => {
  await hq?.close();
  dir.remove();
});

describe('allotment sync', () => {
  it('maps a lease to local stock and decides each settlement step', () => {
    const lease = { state: 'active' as const, consumed: 2 };
    const stock = { state: 'active' as const, granted: 3, reserved: 0, expiresAt: T0 + DAY };
    expect(settlementOf(stock, lease, T0)).toEqual({ action: 'report', consumed: 3 });
    expect(settlementOf({ ...stock, granted: 2 }, lease, T0)).toEqual({ action: 'none' });
    expect(settlementOf(stock, lease, T0 + DAY)).toEqual({ action: 'return-locally' });
    expect(settlementOf(stock, { ...lease, state: 'reclaimed' }, T0)).toEqual({ action: 'return-locally' });
    expect(settlementOf({ ...stock, state: 'returned' }, lease, T0)).toEqual({ action: 'return', consumed: 3 });
    expect(settlementOf({ ...stock, state: 'returned' }, { ...lease, state: 'reclaimed' }, T0)).toEqual({ action: 'report', consumed: 3 });
    expect(settlementOf({ ...stock, state: 'returning', reserved: 1 }, { ...lease, consumed: 3 }, T0)).toEqual({ action: 'none' });
    expect(settlementOf({ ...stock, state: 'returned' }, { ...lease, state: 'returned' }, T0)).toEqual({ action: 'none' });
  });

  it('two stores granting offline against their shares never exceed the chain stock; shares flow back', async () => {
    const a = await openStore('S01');
    const b = await openStore('S02');
    onTestFinished(async () => {
      await a.close();
      await b.close();
    });
    const right = await a.rights.catalog.createRight(coupon, staff);
    // The right reaches S02 as HQ's publishing would bring it (the same document).
    const docs = await a.collections.rights.find({ selector: { id: right.id } }).exec();
    await b.collections.rights.bulkInsert(docs.map((d) => d.toMutableJSON(false)));
    expect((await b.rights.catalog.getRight(right.id)).name).toBe(coupon.name);
    await hqAllotments.createStock({ id: 'chain', ownerType: 'right', ownerId: right.id, total: 10, leaseMs: 2 * DAY, graceMs: DAY });

    const la = await a.sync.lease('chain', 6);
    const lb = await b.sync.lease('chain', 6);
    expect([la.lease.units, lb.lease.units]).toEqual([6, 4]);
    expect(la.stock).toMatchObject({ id: `A-${la.lease.id}`, source: { type: 'allotment', allotmentId: la.lease.id, from: 'chain' }, total: 6, expiresAt: T0 + 2 * DAY });

    // Offline: each store grants until its share is gone.
    expect(await grantAll(a, right.id)).toBe(6);
    expect(await grantAll(b, right.id)).toBe(4);
    // Back online: reports bring HQ's totals in step.
    expect((await a.sync.settle()).reported).toEqual([la.lease.id]);
    await b.sync.settle();
    expect(await chain('chain')).toMatchObject({ total: 10, granted: 10, leased: 0, remaining: 0 });

    // Low: asking for more finds nothing until HQ adds units.
    await expect(a.sync.topUp('chain', 1, 5)).rejects.toMatchObject({ code: 'SY_ALLOTMENT_EXHAUSTED' });
    await hqAllotments.addUnits('chain', 5);
    const more = await a.sync.topUp('chain', 1, 5);
    expect(more?.units).toBe(5);
    expect(await a.sync.topUp('chain', 1, 5)).toBeNull();
    expect(await grantOne(a, right.id)).toBe(true);
    expect(await grantOne(a, right.id)).toBe(true);

    // The lease expires: the store stops granting from it, and settling returns the rest.
    clock.set(T0 + 2 * DAY);
    expect(await grantOne(a, right.id)).toBe(false);
    const settled = await a.sync.settle();
    expect(settled.closedLocally).toContain(more!.id);
    expect(settled.returned).toContain(more!.id);
    expect(await chain('chain')).toMatchObject({ total: 15, granted: 12, leased: 0, remaining: 3 });
    expect((await stocks(a)).find((s) => s.id === `A-${more!.id}`)).toMatchObject({ state: 'returned', total: 2, granted: 2 });
  });

  it('adopts a lease it did not record (lost answer), and returns everything when the plan ends', async () => {
    const c = await openStore('S03');
    onTestFinished(() => c.close());
    const right = await c.rights.catalog.createRight(coupon, staff);
    await hqAllotments.createStock({ id: 'plan-end', ownerType: 'right', ownerId: right.id, total: 8, leaseMs: 10 * DAY });
    // A lease the store never wrote down (it crashed before recording it).
    const spare = await hq.admin.request<{ token: string }>('POST', '/hq/stores/S03/credentials', {});
    const orphan = await new AllotmentClient(hq.clientWith(spare.token)).requestLease('plan-end', { requestId: 'lost', units: 3 });
    expect((await c.sync.settle()).adopted).toEqual([orphan.id]);
    expect(await c.sync.available('plan-end')).toBe(3);
    expect(await grantOne(c, right.id)).toBe(true);
    // A lease of a right this store does not have yet cannot be recorded: reported, the rest goes on.
    await hqAllotments.createStock({ id: 'unknown-right', ownerType: 'right', ownerId: 'R-not-here', total: 4 });
    const stray = await new AllotmentClient(hq.clientWith(spare.token)).requestLease('unknown-right', { requestId: 'stray', units: 1 });
    const report = await c.sync.returnAll('plan-end');
    expect(report.returned).toEqual([orphan.id]);
    expect(report.failed.map((f) => [f.leaseId, f.error.code])).toEqual([[stray.id, 'SYS_NOT_FOUND']]);
    expect(await chain('plan-end')).toMatchObject({ total: 8, granted: 1, leased: 0, remaining: 7 });
    const refused = await c.sync.lease('plan-end', 100, { minUnits: 50 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CampaignError);
    expect((refused as CampaignError).message).toBe('Chain stock plan-end has 7 units left; 100 were asked for (at least 50).');
  });

  it('gives a share back by itself once every plan granting its right has ended here, and keeps it before', async () => {
    const d = await openStore('S04');
    onTestFinished(() => d.close());
    const right = await d.rights.catalog.createRight(coupon, staff);
    await hqAllotments.createStock({ id: 'seasonal', ownerType: 'right', ownerId: right.id, total: 10, leaseMs: 10 * DAY });
    let use: ShareUse = 'none';
    const asked: string[] = [];
    const shares = d.shares((ownerType, ownerId) => {
      asked.push(`${ownerType}:${ownerId}`);
      return Promise.resolve(use);
    });
    const lease = await shares.request('seasonal', 4);
    expect(await grantOne(d, right.id)).toBe(true);
    // Leased ahead of its plan (no plan grants it yet), then while its plan runs: kept.
    for (const now of ['none', 'live'] as const) {
      use = now;
      expect((await shares.tick())?.returned).toEqual([]);
      expect(await chain('seasonal')).toMatchObject({ granted: 1, leased: 3, remaining: 6 });
    }
    expect(asked.at(-1)).toBe(`right:${right.id}`);
    // Its plans ended: the next round gives back what was not granted, and asks for no more.
    use = 'ended';
    expect((await shares.tick())?.returned).toEqual([lease.id]);
    expect(await chain('seasonal')).toMatchObject({ total: 10, granted: 1, leased: 0, remaining: 9 });
    expect((await stocks(d)).find((s) => s.id === `A-${lease.id}`)).toMatchObject({ state: 'returned', granted: 1 });
    expect(await grantOne(d, right.id)).toBe(false);
  });
});
