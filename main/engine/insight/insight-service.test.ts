import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { computePlanResults } from '../../core/insight/results.ts';
import { DAY_MS } from '../../core/insight/attribution.ts';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { grantDoc, messageDoc, orderDoc, planDoc, runDoc, taskDoc } from './insight-fixtures.ts';
import { InsightService } from './insight-service.ts';
import { readPlanFactsNaive } from './naive-plan-facts.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0, 0); // 2026-03-10 10:00 in Shanghai
const H = 3_600_000;
// A customer id with a space and characters outside the BMP: the key ranges must still find it.
const C3 = 'c 3😀';

/**
 * Hand-made data with overlapping plans (window 7 days):
 * - plan-a, run a1 at T0: grants c1, c2, C3 (1 coupon each, 10 yuan off); c4, c5 are its holdout.
 * - plan-b, run b1 at T0 + 2 d: grants c2 (overlap) and c6.
 * - plan-c, run c1 at T0 (the same instant as plan-a): grants C3 — a tie.
 */
async function seed(database: AppDatabase): Promise<void> {
  const c = database.collections;
  await c.plans.bulkInsert([planDoc('plan-a', 'Plan A', 'S1', T0), planDoc('plan-b', 'Plan B', 'S2', T0), planDoc('plan-c', 'Plan C', 'S1', T0)]);
  await c.planRuns.bulkInsert([
    runDoc('a1', 'plan-a', T0, { total: 5, done: 3, granted: 3, sent: 2, skipped: 2, failed: 1 }, { holdout: 2, 'no-consent': 1 }),
    runDoc('b1', 'plan-b', T0 + 2 * DAY_MS, { total: 2, done: 2, granted: 2 }),
    runDoc('c1', 'plan-c', T0, { total: 1, done: 1, granted: 1 }),
  ]);
  await c.tasks.bulkInsert([
    taskDoc('a1', 'plan-a', 0, [
      { customerId: 'c1', item: { s: 'done', a: 1, g: 1, m: 1 } },
      { customerId: 'c4', item: { s: 'skipped', r: 'holdout', a: 0 } },
      { customerId: 'c2', item: { s: 'done', a: 1, g: 1, m: 1 } },
      { customerId: C3, item: { s: 'done', r: 'no-consent', a: 1, g: 1 } },
      { customerId: 'c5', item: { s: 'skipped', r: 'holdout', a: 0 } },
    ], T0),
  ]);
  await c.grants.bulkInsert([
    grantDoc({ planId: 'plan-a', runId: 'a1', customerId: 'c1', grantedAt: T0, usedAt: T0 + DAY_MS }),
    grantDoc({ planId: 'plan-a', runId: 'a1', customerId: 'c2', grantedAt: T0 }),
    grantDoc({ planId: 'plan-a', runId: 'a1', customerId: C3, grantedAt: T0 }),
    grantDoc({ planId: 'plan-b', runId: 'b1', customerId: 'c2', grantedAt: T0 + 2 * DAY_MS }),
    grantDoc({ planId: 'plan-b', runId: 'b1', customerId: 'c6', grantedAt: T0 + 2 * DAY_MS, kind: 'points', params: { amount: 500 }, rightId: 'R-2' }),
    grantDoc({ planId: 'plan-c', runId: 'c1', customerId: C3, grantedAt: T0 }),
  ]);
  await c.events.bulkInsert([
    orderDoc('o1', 'c1', T0 + DAY_MS, 5000, 'S1'), //           plan-a
    orderDoc('o2', 'c1', T0 + 8 * DAY_MS, 7000, 'S1'), //       after the window: nobody
    orderDoc('o3', 'c2', T0 + DAY_MS, 3000, 'S2'), //           plan-a
    orderDoc('o4', 'c2', T0 + 3 * DAY_MS, 4000, 'S2'), //       plan-b (last touch)
    orderDoc('o5', C3, T0 - H, 9000, 'S1'), //                  before the grant: nobody
    orderDoc('o6', 'c6', T0 + 2 * DAY_MS + H, 2500, 'S2'), //   plan-b
    orderDoc('o7', 'c4', T0 + 2 * DAY_MS, 6000, 'S1'), //       control of plan-a: nobody, but converts
    orderDoc('o8', C3, T0 + 7 * DAY_MS, 1100, 'S1'), //         exactly at the window's end: excluded
    orderDoc('o9', C3, T0 + 5 * H, 2000, 'S1'), //              tie plan-a / plan-c at T0: plan-a (smaller id)
    orderDoc('r1', 'c1', T0 + 2 * DAY_MS, 5000, 'S1', 'refund'), // refunds are not orders
    orderDoc('b1', 'c1', T0 + 2 * DAY_MS, 0, 'S1', 'browse'),
    orderDoc('o10', 'c9', T0 + DAY_MS, 8000, 'S3'), //          never touched
  ]);
  await c.messages.bulkInsert([
    messageDoc('m1', 'plan-a', 'a1', 'c1', 'sent', T0),
    messageDoc('m2', 'plan-a', 'a1', 'c2', 'sent', T0),
    messageDoc('m3', 'plan-a', 'a1', C3, 'failed', T0),
  ]);
}

describe('campaign results on a real database', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let database: AppDatabase;
  let insight: InsightService;
  beforeEach(async () => {
    dir = makeTempDir('campaign-desk-insight-');
    database = await openDatabase({ dataDir: dir.path });
    await seed(database);
    insight = new InsightService(database.file, new ManualClock(T0 + 10 * DAY_MS), () => 'Asia/Shanghai');
  });
  afterEach(async () => {
    await database.close();
    dir.remove();
  });

  it('attributes each order once, to the last touch within the window (ties to the smaller plan id)', () => {
    const a = insight.planResults('plan-a');
    expect(a.totals.orders).toBe(3); // o1, o3, o9
    expect(a.totals.revenue).toBe(5000 + 3000 + 2000);
    expect(a.totals.buyers).toBe(3);
    const b = insight.planResults('plan-b');
    expect(b.totals.orders).toBe(2); // o4, o6
    expect(b.totals.revenue).toBe(4000 + 2500);
    const cPlan = insight.planResults('plan-c');
    expect(cPlan.totals.orders).toBe(0);
    expect(a.stores).toEqual([
      { storeId: 'S1', orders: 2, revenue: 7000 },
      { storeId: 'S2', orders: 1, revenue: 3000 },
    ]);
    expect(a.daily.map((d) => [d.date, d.orders, d.revenue])).toEqual([
      ['2026-03-10', 1, 2000],
      ['2026-03-11', 2, 8000],
    ]);
  });

  it('a longer window moves orders: o2 (day 8) now goes to plan-a, o8 too', () => {
    const a = insight.planResults('plan-a', { windowDays: 9 });
    expect(a.totals.orders).toBe(5);
    expect(a.totals.revenue).toBe(5000 + 7000 + 3000 + 2000 + 1100);
  });

  it('counts, rights, cost and redemption', () => {
    const a = insight.planResults('plan-a');
    expect(a.totals).toMatchObject({ audience: 5, granted: 3, grants: 3, used: 1, sent: 2, failed: 1, skipped: 2, holdout: 2, costGrantedCents: 3000, costUsedCents: 1000 });
    expect(a.totals.redemptionRate).toBeCloseTo(1 / 3);
    expect(a.skippedBy).toEqual({ holdout: 2, 'no-consent': 1 });
    expect(a.rights).toEqual([{ rightId: 'R-1', rightName: '满100减10', kind: 'coupon', unitCostCents: 1000, granted: 3, used: 1, costGrantedCents: 3000, costUsedCents: 1000 }]);
    expect(a.channels).toEqual([{ channel: 'sms', sent: 2, failed: 1, other: 0 }]);
    expect(a.daily.find((d) => d.date === '2026-03-10')).toMatchObject({ granted: 3, used: 0, cumulativeRedemptionRate: 0 });
    expect(a.daily.find((d) => d.date === '2026-03-11')).toMatchObject({ used: 1 });
    expect(a.daily.find((d) => d.date === '2026-03-11')!.cumulativeRedemptionRate).toBeCloseTo(1 / 3);
    const b = insight.planResults('plan-b');
    expect(b.totals.costGrantedCents).toBe(1000 + 500); // a coupon and 500 points at 1 fen each
    expect(b.totals.redemptionRate).toBe(0); // only the coupon is redeemable
    expect(b.lift).toBeNull();
  });

  it('lift against the holdout with its 95% interval', () => {
    const { lift, liftRuns } = insight.planResults('plan-a');
    expect(liftRuns).toBe(1);
    // Treatment c1, c2, C3 all ordered in their window; control c4 did (o7), c5 did not.
    expect(lift).not.toBeNull();
    expect(lift!.treatment).toMatchObject({ size: 3, converted: 3, rate: 1, revenue: 5000 + 3000 + 4000 + 2000 });
    expect(lift!.control).toMatchObject({ size: 2, converted: 1, rate: 0.5, revenue: 6000 });
    expect(lift!.difference).toBeCloseTo(0.5);
    const se = Math.sqrt(0.25 / 2);
    expect(lift!.ciLow).toBeCloseTo(0.5 - 1.959964 * se, 5);
    expect(lift!.ciHigh).toBeCloseTo(0.5 + 1.959964 * se, 5);
    expect(lift!.significant).toBe(false);
    expect(lift!.reliable).toBe(false);
  });

  it('one run only; unknown plan or run is SYS_NOT_FOUND', () => {
    expect(insight.planResults('plan-a', { runId: 'a1' }).totals.orders).toBe(3);
    expect(() => insight.planResults('plan-a', { runId: 'b1' })).toThrow(expect.objectContaining({ code: 'SYS_NOT_FOUND' }));
    expect(() => insight.planResults('nope')).toThrow(expect.objectContaining({ code: 'SYS_NOT_FOUND' }));
  });

  it('the SQL reader gives the same results as the naive full scan', async () => {
    for (const planId of ['plan-a', 'plan-b', 'plan-c']) {
      for (const windowDays of [1, 7, 9, 30]) {
        const naive = computePlanResults(await readPlanFactsNaive(database.collections, planId, windowDays * DAY_MS), { windowDays, zone: 'Asia/Shanghai' });
        expect(insight.planResults(planId, { windowDays })).toEqual(naive);
      }
    }
  });

  it('dashboard: recent plans, totals per store and per day', () => {
    const d = insight.dashboard({ days: 30 });
    expect(d.plans.map((p) => p.planId)).toEqual(['plan-b', 'plan-a', 'plan-c']);
    expect(d.totals).toMatchObject({ plans: 3, orders: 5, revenue: 10_000 + 6500 });
    const s1 = d.stores.find((s) => s.storeId === 'S1')!;
    // Orders of S1 in the period (o1, o2, o5, o7, o8, o9); attributed o1, o9; plans a and c own S1.
    expect(s1).toMatchObject({ orders: 6, revenue: 5000 + 7000 + 9000 + 6000 + 1100 + 2000, attributedOrders: 2, attributedRevenue: 7000, plans: 2, costGrantedCents: 4000 });
    expect(d.stores.find((s) => s.storeId === 'S3')).toMatchObject({ orders: 1, revenue: 8000, attributedOrders: 0 });
    expect(d.daily.find((x) => x.date === '2026-03-11')).toMatchObject({ orders: 3, revenue: 16_000, attributedRevenue: 8000 });
  });
});

describe('campaign results of a plan with two runs and two rights (real database)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let database: AppDatabase;
  beforeEach(async () => {
    dir = makeTempDir('campaign-desk-insight-');
    database = await openDatabase({ dataDir: dir.path });
    const c = database.collections;
    await c.plans.bulkInsert([planDoc('plan-m', 'Plan M', 'S1', T0), planDoc('plan-x', 'Plan X', 'S1', T0)]);
    await c.planRuns.bulkInsert([
      runDoc('m1', 'plan-m', T0, { total: 3, done: 2, granted: 2, skipped: 1 }, { holdout: 1 }),
      runDoc('m2', 'plan-m', T0 + 3 * DAY_MS, { total: 2, done: 1, granted: 1, skipped: 1 }, { holdout: 1 }),
      runDoc('x1', 'plan-x', T0 + DAY_MS, { total: 1, done: 1, granted: 1 }),
    ]);
    await c.tasks.bulkInsert([
      taskDoc('m1', 'plan-m', 0, [
        { customerId: 'c1', item: { s: 'done', a: 1, g: 1 } },
        { customerId: 'c8', item: { s: 'skipped', r: 'holdout', a: 0 } },
        { customerId: 'c2', item: { s: 'done', a: 1, g: 1 } },
      ], T0),
      taskDoc('m2', 'plan-m', 0, [
        { customerId: 'c1', item: { s: 'done', a: 1, g: 1 } },
        { customerId: 'c9', item: { s: 'skipped', r: 'holdout', a: 0 } },
      ], T0 + 3 * DAY_MS),
    ]);
    await c.grants.bulkInsert([
      // c1 gets two rights in m1, two hours apart: the touch is the first.
      grantDoc({ planId: 'plan-m', runId: 'm1', customerId: 'c1', grantedAt: T0, usedAt: T0 + 2 * DAY_MS }),
      grantDoc({ planId: 'plan-m', runId: 'm1', customerId: 'c1', grantedAt: T0 + 2 * H, kind: 'points', params: { amount: 100 }, rightId: 'R-2' }),
      grantDoc({ planId: 'plan-m', runId: 'm1', customerId: 'c2', grantedAt: T0 }),
      grantDoc({ planId: 'plan-m', runId: 'm2', customerId: 'c1', grantedAt: T0 + 3 * DAY_MS, usedAt: T0 + 3 * DAY_MS + H }),
      grantDoc({ planId: 'plan-x', runId: 'x1', customerId: 'c2', grantedAt: T0 + DAY_MS }),
    ]);
    await c.events.bulkInsert([
      orderDoc('p1', 'c1', T0 + H, 1000), //            m1 (before the second right: the first touch holds it)
      orderDoc('p2', 'c1', T0 + DAY_MS, 2000), //       m1
      orderDoc('p3', 'c1', T0 + 4 * DAY_MS, 3000), //   m1 and m2 hold it: m2 (the last touch)
      orderDoc('p4', 'c2', T0 + 2 * DAY_MS, 4000), //   plan-x touched c2 after m1
      orderDoc('p5', 'c8', T0 + DAY_MS, 5000), //       control of m1
    ]);
  });
  afterEach(async () => {
    await database.close();
    dir.remove();
  });

  it('counts an order two runs hold once, for the later run, and in both treatment groups; same as the naive full scan', async () => {
    const insight = new InsightService(database.file, new ManualClock(T0 + 10 * DAY_MS), () => 'Asia/Shanghai');
    const m = insight.planResults('plan-m');
    expect(m.totals).toMatchObject({ orders: 3, revenue: 6000, buyers: 1, grants: 4, used: 2 });
    expect(m.runs.map((r) => [r.id, r.orders, r.revenue])).toEqual([
      ['m1', 2, 3000],
      ['m2', 1, 3000],
    ]);
    expect(m.rights.map((r) => [r.rightId, r.granted, r.used])).toEqual([
      ['R-1', 3, 2],
      ['R-2', 1, 0],
    ]);
    // Treatment: m1 c1 (p1, p2, p3) and c2 (p4); m2 c1 (p3). Control: c8 (p5), c9.
    expect(m.lift!.treatment).toMatchObject({ size: 3, converted: 3, revenue: 1000 + 2000 + 3000 + 4000 + 3000 });
    expect(m.lift!.control).toMatchObject({ size: 2, converted: 1, revenue: 5000 });
    for (const planId of ['plan-m', 'plan-x']) {
      for (const windowDays of [1, 3, 5, 7, 30]) {
        const naive = computePlanResults(await readPlanFactsNaive(database.collections, planId, windowDays * DAY_MS), { windowDays, zone: 'Asia/Shanghai' });
        expect(insight.planResults(planId, { windowDays })).toEqual(naive);
      }
    }
  });
});
