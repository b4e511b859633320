// Who fires which plan under sync: a store runs its own plans and HQ's (on a schedule of its
// own, with its overrides), HQ runs none. A real database file and a manual clock.
import { ManualClock } from '../../core/clock.ts';
import type { Plan, PlanInput } from '../../core/plans/plan.ts';
import type { SiteRole } from '../../core/plans/plan-runner.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import { openDatabase } from '../../db/open-database.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { RunStore } from '../executor/run-store.ts';
import { PlanStore } from '../plans/plan-store.ts';
import { shareUse } from '../plans/share-use.ts';
import { LocalSchedules } from './local-schedules.ts';
import { Scheduler } from './scheduler.ts';

const staff: Actor = { type: 'user', id: 'test' };
/** 2026-03-10 08:00 in Shanghai (a Tuesday). */
const T0 = Date.UTC(2026, 2, 10, 0, 0);
const HOUR = 3_600_000;
const DAILY_10 = { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic' as const, expression: '0 0 10 * * ? * 1' } };

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return { name: 'Daily', audienceId: 'aud-1', time: DAILY_10, actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }], ...overrides };
}

async function site(role: SiteRole) {
  const dir = makeTempDir('campaign-desk-site-role-');
  const database = await openDatabase({ dataDir: dir.path });
  onTestFinished(async () => {
    await database.close();
    dir.remove();
  });
  const clock = new ManualClock(T0);
  const current = { role };
  let n = 0;
  const plans = new PlanStore(database.collections.plans, clock, () => `plan-${++n}`, () => current.role);
  const runs = new RunStore(database.collections, clock);
  const localSchedules = new LocalSchedules(database.db);
  const scheduler = new Scheduler({ plans: database.collections.plans, auditLog: database.collections.auditLog, runs, clock, role: () => current.role, localSchedules });
  /** Stores an HQ plan as sync delivers it: HQ's document, activated at HQ. */
  const receive = async (plan: Plan) => void (await database.collections.plans.upsert(plan));
  return { database, clock, plans, runs, scheduler, localSchedules, receive, current };
}

/** An HQ plan as HQ publishes it: activated at `activatedAt`, its document's schedule HQ's. */
function hqPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'P-hq', storeId: '', name: 'HQ daily', description: '', marketingType: 'precise-audience', pluginId: 'campaign-desk.precise-audience',
    status: 'scheduled', audienceId: 'aud-1', time: DAILY_10, misfire: 'fire-once', actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }],
    limits: { maxRate: 50 }, config: {}, holdoutPercent: 0, approval: null, nextFireAt: T0 + 2 * HOUR, activatedAt: T0, lastFiredAt: 0, version: 1,
    source: 'hq', createdAt: T0, updatedAt: T0, updatedBy: 'user:hq', overridable: ['maxRate', 'timeZone'], ...overrides,
  };
}

describe('plans under sync', () => {
  it('a store fires an HQ plan on its own schedule with its overrides, never writing HQ’s document', async () => {
    const s = await site({ kind: 'store', storeId: 'S01' });
    await s.receive(hqPlan({ storeOverrides: { S01: { maxRate: 5 }, S02: { maxRate: 99 } } }));
    s.clock.set(T0 + 2 * HOUR);
    const first = await s.scheduler.tick();
    expect(first.map((d) => [d.kind, d.fireAt])).toEqual([['fired', T0 + 2 * HOUR]]);
    const [run] = await s.runs.list({ planId: 'P-hq' });
    // The run takes the store's rate, not HQ's 50 nor another store's.
    expect(run?.plan.limits).toEqual({ maxRate: 5 });
    expect(await s.localSchedules.get('P-hq')).toMatchObject({ nextFireAt: T0 + 26 * HOUR, lastFiredAt: T0 + 2 * HOUR });
    // HQ's document is as HQ published it (sync would otherwise undo the write, and fire again).
    expect(await s.plans.get('P-hq')).toMatchObject({ nextFireAt: T0 + 2 * HOUR, lastFiredAt: 0, status: 'scheduled', version: 1 });
    expect(await s.scheduler.tick()).toEqual([]);

    // The store moves its time zone (HQ allows it): the next fire is 10:00 in Urumqi (04:00Z).
    await s.plans.setStoreOverrides('P-hq', { maxRate: 5, timeZone: 'Asia/Urumqi' });
    s.clock.set(T0 + 20 * HOUR);
    expect(await s.scheduler.tick()).toEqual([]);
    expect((await s.localSchedules.get('P-hq'))?.nextFireAt).toBe(Date.UTC(2026, 2, 11, 4, 0));
    s.clock.set(Date.UTC(2026, 2, 11, 4, 0));
    expect((await s.scheduler.tick()).map((d) => d.kind)).toEqual(['fired']);

    // HQ pauses it: nothing fires at the store; HQ resumes it: the store continues from now.
    await s.receive({ ...(await s.plans.get('P-hq')), status: 'paused' });
    s.clock.set(Date.UTC(2026, 2, 12, 4, 0));
    expect(await s.scheduler.tick()).toEqual([]);
    await s.receive({ ...(await s.plans.get('P-hq')), status: 'active' });
    s.clock.set(Date.UTC(2026, 2, 12, 5, 0));
    expect(await s.scheduler.tick()).toEqual([]);
    expect((await s.localSchedules.get('P-hq'))?.nextFireAt).toBe(Date.UTC(2026, 2, 13, 4, 0));
  });

  it('an HQ plan arriving late is a misfire at the store, decided by its policy', async () => {
    const s = await site({ kind: 'store', storeId: 'S01' });
    s.clock.set(T0 + 3 * 24 * HOUR);
    await s.receive(hqPlan());
    const decisions = await s.scheduler.tick();
    expect(decisions.map((d) => [d.kind, d.missed])).toEqual([['misfire-fire-once', 3]]);
    expect(await s.runs.list({ planId: 'P-hq' })).toHaveLength(1);
  });

  it('at a store HQ’s plans are read-only except the overrides HQ allows, checked', async () => {
    const s = await site({ kind: 'store', storeId: 'S01' });
    await s.receive(hqPlan());
    await expect(s.plans.pause('P-hq', staff)).rejects.toMatchObject({ code: 'EN_HQ_PLAN_READ_ONLY' });
    await expect(s.plans.update('P-hq', 1, input(), staff)).rejects.toMatchObject({ code: 'EN_HQ_PLAN_READ_ONLY' });
    await expect(s.plans.setStoreOverrides('P-hq', { quietHours: null })).rejects.toMatchObject({ code: 'EN_OVERRIDE_NOT_ALLOWED', params: { field: 'quietHours' } });
    await expect(s.plans.setStoreOverrides('P-hq', { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'overrides.timeZone' } });
    await expect(s.plans.setStoreOverrides('P-hq', { maxRate: -1 })).rejects.toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'overrides.maxRate' } });
    expect((await s.plans.get('P-hq')).storeOverrides).toBeUndefined();
    const set = await s.plans.setStoreOverrides('P-hq', { maxRate: 8 });
    expect(set.storeOverrides).toEqual({ S01: { maxRate: 8 } });
    expect((await s.plans.setStoreOverrides('P-hq', {})).storeOverrides).toEqual({});
    // The store's own plans are its own.
    const own = await s.plans.create(input(), staff);
    await s.plans.activate(own.id, staff);
    s.clock.set(T0 + 2 * HOUR);
    expect((await s.scheduler.tick()).map((d) => d.planId).sort()).toEqual(['P-hq', own.id]);
  });

  it('HQ fires nothing itself', async () => {
    const hq = await site({ kind: 'hq' });
    const plan = await hq.plans.create(input(), staff);
    await hq.plans.activate(plan.id, staff);
    expect((await hq.plans.get(plan.id)).nextFireAt).toBe(T0 + 2 * HOUR);
    hq.clock.set(T0 + 2 * HOUR);
    expect(await hq.scheduler.tick()).toEqual([]);
    expect(await hq.runs.list({ planId: plan.id })).toEqual([]);
  });

  it('a store never fires another store’s plan', async () => {
    const store = await site({ kind: 'store', storeId: 'S01' });
    await store.receive({ ...hqPlan({ id: 'P-s2', storeId: 'S02', source: 'local' }), nextFireAt: T0 + 2 * HOUR });
    store.clock.set(T0 + 2 * HOUR);
    expect(await store.scheduler.tick()).toEqual([]);
    // Standalone again (sync forgotten): the plan is just a plan of this data dir.
    store.current.role = { kind: 'standalone' };
    expect((await store.scheduler.tick()).map((d) => d.planId)).toEqual(['P-s2']);
    expect((await store.plans.get('P-s2')).nextFireAt).not.toBe(NEVER);
  });

  it('says when a store’s plans granting a right have all ended, so its chain stock share goes back', async () => {
    const s = await site({ kind: 'store', storeId: 'S01' });
    const use = () => shareUse({ type: 'right', id: 'R-1' }, { plans: s.database.collections.plans, runs: s.runs, localSchedules: s.localSchedules, role: s.current.role });
    expect(await use()).toBe('none');
    // An HQ plan granting it, run once at this store: live until the store's schedule has nothing left.
    await s.receive(hqPlan({ time: { ...DAILY_10, execution: { mode: 'fixed', at: '2026-03-10T10:00' } } }));
    expect(await s.scheduler.tick()).toEqual([]);
    expect(await use()).toBe('live');
    s.clock.set(T0 + 2 * HOUR);
    expect((await s.scheduler.tick()).map((d) => d.kind)).toEqual(['fired', 'exhausted']);
    // Its run is not finished yet: still live.
    expect(await use()).toBe('live');
    const [run] = await s.runs.list({ planId: 'P-hq' });
    await s.runs.update(run!.id, (r) => ({ ...r, state: 'done' }));
    expect(await use()).toBe('ended');
    // A draft of the store's own granting it keeps the share.
    await s.plans.create(input(), staff);
    expect(await use()).toBe('live');
  });
});
