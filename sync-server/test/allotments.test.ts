// Offline inventory shares (allotments) on a real server and SQLite file: leases, reports,
// returns, expiry and reclaiming, with HQ's totals checked after every step.
import { CampaignError } from '../../main/core/errors/campaign-error.ts';
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import type { ChainStockInfo, LeaseInfo } from '../src/db/allotment-store.ts';
import { startHarness, type Harness, type TestStore } from './harness.ts';
import { waitFor } from './helpers.ts';

const dir = makeTempDir('campaign-desk-allot-');
const T0 = Date.UTC(2026, 2, 10, 2, 0, 0);
const HOUR = 3_600_000;
let clock = T0;
let hq: Harness;
const stores: TestStore[] = [];

beforeAll(async () => {
  hq = await startHarness({ database: `sqlite:${dir.path}/sync.sqlite`, rateLimit: false, now: () => clock, reclaimEveryMs: false });
  for (const id of ['S01', 'S02', 'S03', 'S04']) stores.push(await hq.createStore(id));
});
afterAll(async () => {
  await hq?.close();
  dir.remove();
});

async function refusal(promise: Promise<unknown>): Promise<CampaignError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const createStock = (id: string, total: number, extra: Record<string, unknown> = {}) =>
  hq.admin.request<{ stock: ChainStockInfo }>('POST', '/hq/allotments', { id, ownerType: 'right', ownerId: `R-${id}`, total, leaseMs: 24 * HOUR, graceMs: 2 * HOUR, ...extra });
const lease = (store: TestStore, stock: string, units: number, requestId: string, minUnits?: number) =>
  store.client.request<{ lease: LeaseInfo }>('POST', `/allotments/${stock}/leases`, { requestId, units, ...(minUnits ? { minUnits } : {}) }).then((r) => r.lease);
const report = (store: TestStore, leaseId: string, consumed: number, close = false) =>
  store.client.request<{ lease: LeaseInfo }>('POST', `/allotments/leases/${leaseId}/${close ? 'return' : 'report'}`, { consumed }).then((r) => r.lease);

/** HQ's view of one stock, checked against its leases: total = granted + leased + remaining. */
async function totals(stockId: string): Promise<ChainStockInfo> {
  const { stocks, leases } = await hq.admin.request<{ stocks: ChainStockInfo[]; leases: LeaseInfo[] }>('GET', `/hq/allotments?stockId=${stockId}`);
  const stock = stocks.find((s) => s.id === stockId)!;
  expect(stock.granted + stock.leased + stock.remaining).toBe(stock.total);
  expect(stock.leased).toBe(leases.filter((l) => l.state === 'active').reduce((n, l) => n + l.units - l.consumed, 0));
  expect(stock.granted).toBe(leases.reduce((n, l) => n + l.consumed + l.writtenOff, 0));
  return stock;
}

describe('allotments', () => {
  it('leases no more than remains, whoever asks, and answers a retried request with the same lease', async () => {
    await createStock('coupons', 100);
    const [s1, s2, s3] = stores as [TestStore, TestStore, TestStore];
    const a = await lease(s1, 'coupons', 60, 'r1');
    expect(a).toMatchObject({ units: 60, state: 'active', expiresAt: T0 + 24 * HOUR, reclaimableAt: T0 + 26 * HOUR, ownerId: 'R-coupons' });
    expect(await lease(s1, 'coupons', 60, 'r1')).toEqual(a);
    const b = await lease(s2, 'coupons', 60, 'r1');
    expect(b.units).toBe(40);
    const none = await refusal(lease(s3, 'coupons', 5, 'r1'));
    expect(none.code).toBe('SY_ALLOTMENT_EXHAUSTED');
    expect(none.params).toMatchObject({ remaining: 0, requested: 5 });
    expect(await totals('coupons')).toMatchObject({ total: 100, leased: 100, remaining: 0, granted: 0 });

    // Partial: only when the store accepts fewer (minUnits).
    await createStock('gifts', 10);
    await lease(s3, 'gifts', 8, 'g1');
    expect((await refusal(lease(s1, 'gifts', 5, 'g1', 5))).code).toBe('SY_ALLOTMENT_EXHAUSTED');
    expect((await lease(s1, 'gifts', 5, 'g2', 2)).units).toBe(2);
    await totals('gifts');
  });

  it('two stores granting offline against their shares never exceed the chain stock', async () => {
    await createStock('cards', 50);
    const [s1, s2] = stores as [TestStore, TestStore];
    const l1 = await lease(s1, 'cards', 30, 'c1');
    const l2 = await lease(s2, 'cards', 30, 'c1');
    expect(l1.units + l2.units).toBe(50);
    // Offline, each store grants what its share holds and no more (its local stock stops it;
    // the server refuses a report beyond the lease).
    const over = await refusal(report(s2, l2.id, l2.units + 1));
    expect(over.code).toBe('SY_LEASE_OVERDRAWN');
    await report(s1, l1.id, 30);
    await report(s2, l2.id, 20);
    expect(await totals('cards')).toMatchObject({ granted: 50, leased: 0, remaining: 0 });
    // Reports are running totals: repeating one changes nothing; going back is refused.
    await report(s1, l1.id, 30);
    expect((await refusal(report(s1, l1.id, 10))).code).toBe('SY_LEASE_OVERDRAWN');
    await totals('cards');
  });

  it('returns unused units when a store closes its lease; asks for more when low', async () => {
    await createStock('points', 20);
    const [s1, s2] = stores as [TestStore, TestStore];
    const l1 = await lease(s1, 'points', 15, 'p1');
    await report(s1, l1.id, 12);
    const more = await lease(s1, 'points', 10, 'p2', 1);
    expect(more.units).toBe(5);
    expect(await totals('points')).toMatchObject({ granted: 12, leased: 8, remaining: 0 });
    const closed = await report(s1, l1.id, 13, true);
    expect(closed).toMatchObject({ state: 'returned', consumed: 13, returned: 2 });
    expect(await report(s1, l1.id, 13, true)).toEqual(closed);
    expect((await refusal(report(s1, l1.id, 14))).code).toBe('SY_LEASE_CLOSED');
    expect(await totals('points')).toMatchObject({ granted: 13, leased: 5, remaining: 2 });
    expect((await lease(s2, 'points', 2, 'p1')).units).toBe(2);
    await totals('points');
  });

  it('reclaims an unreturned lease only after expiry + grace, as written off, and takes the late report', async () => {
    await createStock('vouchers', 40, { leaseMs: 10 * HOUR, graceMs: HOUR });
    const [s1, s2, s3] = stores as [TestStore, TestStore, TestStore];
    const l1 = await lease(s1, 'vouchers', 25, 'v1');
    const l2 = await lease(s2, 'vouchers', 15, 'v1');
    await report(s2, l2.id, 5);
    clock = T0 + 10 * HOUR + 30 * 60_000; // expired, not yet past the grace
    expect((await hq.admin.request<{ reclaimed: LeaseInfo[] }>('POST', '/hq/allotments/reclaim?stockId=vouchers', {})).reclaimed).toEqual([]);
    clock = T0 + 11 * HOUR;
    const { reclaimed } = await hq.admin.request<{ reclaimed: LeaseInfo[] }>('POST', '/hq/allotments/reclaim?stockId=vouchers', {});
    expect(reclaimed.map((l) => [l.storeId, l.writtenOff]).sort()).toEqual([['S01', 25], ['S02', 10]]);
    // Nothing went back to remaining: S01 may have granted all 25 while offline.
    expect(await totals('vouchers')).toMatchObject({ granted: 40, leased: 0, remaining: 0 });
    expect((await refusal(lease(s3, 'vouchers', 1, 'v1'))).code).toBe('SY_ALLOTMENT_EXHAUSTED');
    // S01 comes back: it granted 18; the 7 it did not grant return to remaining.
    expect(await report(s1, l1.id, 18)).toMatchObject({ state: 'returned', consumed: 18, returned: 7, writtenOff: 0 });
    expect((await refusal(report(s2, l2.id, 16))).code).toBe('SY_LEASE_OVERDRAWN');
    expect(await totals('vouchers')).toMatchObject({ granted: 33, leased: 0, remaining: 7 });
    expect((await lease(s3, 'vouchers', 7, 'v1')).units).toBe(7);
    await totals('vouchers');
    clock = T0;
  });

  it('reclaims overdue leases on its own, on a timer', async () => {
    const timed = await startHarness({ database: `sqlite:${dir.path}/timer.sqlite`, rateLimit: false, now: () => clock, reclaimEveryMs: 50 });
    onTestFinished(() => timed.close());
    const store = await timed.createStore('S01');
    await timed.admin.request('POST', '/hq/allotments', { id: 'timed', ownerType: 'right', ownerId: 'R', total: 5, leaseMs: HOUR, graceMs: HOUR });
    const l = await lease(store, 'timed', 3, 't1');
    clock = T0 + 2 * HOUR;
    const reclaimed = async () => (await timed.admin.request<{ leases: LeaseInfo[] }>('GET', '/hq/allotments')).leases.find((x) => x.id === l.id)?.state === 'reclaimed';
    await waitFor(reclaimed, 2000, 'the timer to reclaim the lease');
    const { stocks } = await timed.admin.request<{ stocks: ChainStockInfo[] }>('GET', '/hq/allotments');
    expect(stocks[0]).toMatchObject({ granted: 3, leased: 0, remaining: 2 });
    clock = T0;
  });

  it('keeps leases to stores and stocks to HQ', async () => {
    const [s1, s2] = stores as [TestStore, TestStore];
    await createStock('secret', 5);
    const own = await lease(s1, 'secret', 2, 's1');
    expect((await refusal(report(s2, own.id, 1))).code).toBe('SY_FOREIGN_STORE');
    expect((await refusal(s1.client.request('POST', '/hq/allotments', { id: 'mine', ownerType: 'right', ownerId: 'R', total: 5 }))).code).toBe('SY_FORBIDDEN');
    expect((await refusal(s1.client.request('GET', '/hq/allotments'))).code).toBe('SY_FORBIDDEN');
    expect((await refusal(hq.admin.request('POST', '/allotments/secret/leases', { requestId: 'x', units: 1 }))).code).toBe('SY_FORBIDDEN');
    expect((await refusal(createStock('secret', 5))).code).toBe('SY_ALREADY_EXISTS');
    expect((await refusal(lease(s1, 'nothing', 1, 'n'))).code).toBe('SY_NOT_FOUND');
    expect((await refusal(lease(s1, 'secret', 0, 'zero'))).code).toBe('SY_BAD_REQUEST');
    const view = await s2.client.request<{ stocks: ChainStockInfo[]; leases: LeaseInfo[] }>('GET', '/allotments');
    expect(view.leases.every((l) => l.storeId === 'S02')).toBe(true);
    expect(view.stocks.some((s) => s.id === 'secret')).toBe(true);
    await createStock('ending', 5, { endsAt: T0 - 1 });
    expect((await refusal(lease(s1, 'ending', 1, 'e'))).code).toBe('SY_ALLOTMENT_CLOSED');
    // HQ adds units, or takes unleased ones away (never below what remains).
    expect((await hq.admin.request<{ stock: ChainStockInfo }>('POST', '/hq/allotments/secret/units', { units: 10 })).stock).toMatchObject({ total: 15, remaining: 13 });
    expect((await refusal(hq.admin.request('POST', '/hq/allotments/secret/units', { units: -14 }))).code).toBe('SY_ALLOTMENT_EXHAUSTED');
    await totals('secret');
  });

  it('never grants more than the stock across random leases, reports, returns and reclaims', async () => {
    const total = 200;
    await createStock('random', total, { leaseMs: 5 * HOUR, graceMs: HOUR });
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    // What each store really granted offline (never more than the leases it held, before expiry).
    const granted = new Map<string, number>();
    const leases: { store: TestStore; lease: LeaseInfo }[] = [];
    for (let step = 0; step < 120; step++) {
      const store = stores[rand(stores.length)]!;
      const action = rand(4);
      if (action === 0) {
        const got = await lease(store, 'random', 1 + rand(40), `x${step}`).catch((e: CampaignError) => (e.code === 'SY_ALLOTMENT_EXHAUSTED' ? null : Promise.reject(e)));
        if (got) leases.push({ store, lease: got });
      } else if (leases.length > 0) {
        const pick = leases[rand(leases.length)]!;
        const used = granted.get(pick.lease.id) ?? 0;
        const open = pick.lease.state === 'active' && clock < pick.lease.expiresAt;
        const next = open ? Math.min(pick.lease.units, used + rand(10)) : used;
        granted.set(pick.lease.id, next);
        if (action === 3) clock += HOUR;
        const settled = await report(pick.store, pick.lease.id, next, action === 2).catch((e: CampaignError) => (e.code === 'SY_LEASE_CLOSED' ? pick.lease : Promise.reject(e)));
        pick.lease = settled;
      }
      if (step % 10 === 0) await hq.admin.request('POST', '/hq/allotments/reclaim', {});
      const stock = await totals('random');
      expect([...granted.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(stock.total);
      expect(stock.remaining).toBeGreaterThanOrEqual(0);
    }
    clock = T0;
  });
});
