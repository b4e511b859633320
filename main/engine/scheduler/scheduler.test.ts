import { NEVER } from '../../db/schemas/schema-fields.ts';
import { openEngineTest, planInput, staff } from '../executor/test-engine.ts';

const HOUR = 3_600_000;

async function setup(start: number) {
  const t = await openEngineTest({ now: start });
  onTestFinished(() => t.dispose());
  return t;
}

/** Steps the clock to each fire time and ticks, until `until`; returns the runs' occurrences. */
async function runUntil(t: Awaited<ReturnType<typeof setup>>, planId: string, until: number): Promise<number[]> {
  const fired: number[] = [];
  for (;;) {
    const plan = await t.plans.get(planId);
    if (plan.nextFireAt === NEVER || plan.nextFireAt > until) return fired;
    t.clock.set(plan.nextFireAt);
    const decisions = await t.scheduler.tick();
    for (const d of decisions) if (d.kind === 'fired' && d.planId === planId) fired.push(d.fireAt);
  }
}

describe('Scheduler', () => {
  it('fires a daily 02:30 plan in New York once every day of 2026, DST days included', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const t = await setup(start);
    const plan = await t.plans.create(planInput({ time: { timeZone: 'America/New_York', effective: { start: '2026-01-01', end: '2026-12-31' }, execution: { mode: 'periodic', expression: '0 30 2 * * ? * 1' } } }), staff);
    await t.plans.activate(plan.id, staff);
    const fired = await runUntil(t, plan.id, Date.UTC(2027, 0, 2));
    expect(fired).toHaveLength(365);
    const days = new Set(fired.map((f) => new Date(f - 5 * HOUR).toISOString().slice(0, 10)));
    expect(days.size).toBe(365);
    // Spring forward (2026-03-08): 02:30 does not exist, it runs at 03:00 EDT = 07:00Z, once.
    expect(fired).toContain(Date.UTC(2026, 2, 8, 7, 0));
    // Fall back (2026-11-01): 02:30 EST = 07:30Z, once.
    expect(fired.filter((f) => f >= Date.UTC(2026, 10, 1) && f < Date.UTC(2026, 10, 2))).toEqual([Date.UTC(2026, 10, 1, 7, 30)]);
    expect((await t.runs.list({ planId: plan.id, limit: 1000 })).length).toBe(365);
    const after = await t.plans.get(plan.id);
    expect(after).toMatchObject({ status: 'completed', nextFireAt: NEVER });
  }, 120_000);

  it('sweeps a birthday plan once every local day of 2026 in New York, DST days included', async () => {
    const t = await setup(Date.UTC(2026, 0, 1, 0, 0));
    const plan = await t.plans.create(planInput({ time: { timeZone: 'America/New_York', effective: { start: '2026-01-01', end: '2026-12-31' }, execution: { mode: 'birthday', scope: 'week', offsetDays: -1, time: '09:00' } } }), staff);
    await t.plans.activate(plan.id, staff);
    const fired = await runUntil(t, plan.id, Date.UTC(2027, 0, 2));
    expect(fired).toHaveLength(365);
    const runs = await t.runs.list({ planId: plan.id, limit: 1000 });
    expect(new Set(runs.map((r) => r.occurrence)).size).toBe(365);
    // 09:00 local: 14:00Z in winter, 13:00Z in summer, on the DST days too.
    expect(fired).toContain(Date.UTC(2026, 2, 8, 13, 0));
    expect(fired).toContain(Date.UTC(2026, 10, 1, 14, 0));
    expect(runs.every((r) => r.plan.dueDates?.length === 1 && r.plan.dueDates[0] === r.occurrence)).toBe(true);
  }, 120_000);

  it('runs a birthday plan as a daily sweep whose runs name the day served', async () => {
    const start = Date.UTC(2026, 1, 27, 0, 0); // 08:00 in Shanghai
    const t = await setup(start);
    const plan = await t.plans.create(planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'birthday', scope: 'day', time: '09:00' } } }), staff);
    await t.plans.activate(plan.id, staff);
    await runUntil(t, plan.id, Date.UTC(2026, 2, 2, 12, 0));
    const runs = (await t.runs.list({ planId: plan.id })).sort((a, b) => a.scheduledAt - b.scheduledAt);
    expect(runs.map((r) => [r.occurrence, r.plan.dueDates])).toEqual([
      ['2026-02-27', ['2026-02-27']],
      ['2026-02-28', ['2026-02-28']],
      ['2026-03-01', ['2026-03-01']],
      ['2026-03-02', ['2026-03-02']],
    ]);
    expect(runs[0]?.scheduledAt).toBe(Date.UTC(2026, 1, 27, 1, 0));
  });

  it('fires fixed, immediate and delayed plans once, then completes them', async () => {
    const start = Date.UTC(2026, 2, 7, 12, 0);
    const t = await setup(start);
    const fixed = await t.plans.create(planInput({ time: { timeZone: 'America/New_York', effective: {}, execution: { mode: 'fixed', at: '2026-03-09T09:00' } } }), staff);
    const immediate = await t.plans.create(planInput(), staff);
    // Two calendar days later at the same wall time, across the spring-forward night.
    const delayed = await t.plans.create(planInput({ time: { timeZone: 'America/New_York', effective: {}, execution: { mode: 'delayed', delay: { amount: 2, unit: 'days' } } } }), staff);
    for (const p of [fixed, immediate, delayed]) await t.plans.activate(p.id, staff);

    expect((await t.scheduler.tick()).map((d) => [d.planId, d.kind])).toEqual([
      [immediate.id, 'fired'],
      [immediate.id, 'exhausted'],
    ]);
    expect((await t.plans.get(delayed.id)).nextFireAt).toBe(Date.UTC(2026, 2, 9, 11, 0));
    expect(await runUntil(t, delayed.id, Date.UTC(2027, 0, 1))).toEqual([Date.UTC(2026, 2, 9, 11, 0)]);
    expect(await runUntil(t, fixed.id, Date.UTC(2027, 0, 1))).toEqual([Date.UTC(2026, 2, 9, 13, 0)]);
    for (const p of [fixed, immediate, delayed]) expect(await t.plans.get(p.id)).toMatchObject({ status: 'completed', nextFireAt: NEVER });
    expect(await t.scheduler.tick()).toEqual([]);
  });

  it('after a 3-day shutdown, a fire-once plan runs the latest missed occurrence once and logs it', async () => {
    const start = Date.UTC(2026, 4, 1, 0, 0);
    const t = await setup(start);
    const daily = { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic' as const, expression: '0 0 10 * * ? * 1' } };
    const once = await t.plans.create(planInput({ name: 'Catch up', time: daily, misfire: 'fire-once' }), staff);
    const skip = await t.plans.create(planInput({ name: 'Skip', time: daily, misfire: 'skip' }), staff);
    await t.plans.activate(once.id, staff);
    await t.plans.activate(skip.id, staff);
    expect(await runUntil(t, once.id, Date.UTC(2026, 4, 1, 3, 0))).toHaveLength(1);
    await t.scheduler.tick();

    // Closed from May 1 after 10:00 until May 4 at 15:00 (Shanghai): May 2, 3 and 4 missed.
    t.clock.set(Date.UTC(2026, 4, 4, 7, 0));
    const decisions = await t.scheduler.tick();
    expect(decisions.map((d) => [d.planName, d.kind, d.missed])).toEqual([
      ['Catch up', 'misfire-fire-once', 3],
      ['Skip', 'misfire-skip', 3],
    ]);
    const catchUp = decisions[0];
    expect(catchUp?.fireAt).toBe(Date.UTC(2026, 4, 4, 2, 0));
    const onceRuns = await t.runs.list({ planId: once.id });
    expect(onceRuns.map((r) => r.trigger).sort()).toEqual(['catch-up', 'schedule']);
    expect(await t.runs.list({ planId: skip.id })).toHaveLength(1);
    // Both continue with tomorrow's fire.
    for (const p of [once, skip]) expect((await t.plans.get(p.id)).nextFireAt).toBe(Date.UTC(2026, 4, 5, 2, 0));
    // The decisions are in the log, newest first.
    const logged = await t.scheduler.decisions(10);
    expect(logged.slice(0, 2).map((d) => [d.kind, d.missed]).sort()).toEqual([
      ['misfire-fire-once', 3],
      ['misfire-skip', 3],
    ]);
  });

  it('a birthday catch-up run serves every missed day', async () => {
    const t = await setup(Date.UTC(2026, 5, 1, 0, 0));
    const plan = await t.plans.create(planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'birthday', scope: 'day', time: '09:00' } } }), staff);
    await t.plans.activate(plan.id, staff);
    t.clock.set(Date.UTC(2026, 5, 3, 6, 0));
    const [decision] = await t.scheduler.tick();
    expect(decision).toMatchObject({ kind: 'misfire-fire-once', missed: 3 });
    const run = await t.runs.get(decision?.runId ?? '');
    expect(run.plan.dueDates).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);
    expect(run.occurrence).toBe('2026-06-03');
  });

  it('does not fire a paused plan; resuming continues from now without catching up', async () => {
    const t = await setup(Date.UTC(2026, 4, 1, 0, 0));
    const plan = await t.plans.create(planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * ? * 1' } } }), staff);
    await t.plans.activate(plan.id, staff);
    await t.plans.pause(plan.id, staff);
    t.clock.set(Date.UTC(2026, 4, 3, 0, 0));
    expect(await t.scheduler.tick()).toEqual([]);
    const resumed = await t.plans.resume(plan.id, staff);
    expect(resumed).toMatchObject({ status: 'scheduled', nextFireAt: Date.UTC(2026, 4, 3, 2, 0) });
    expect(await t.runs.list({ planId: plan.id })).toEqual([]);
  });

  it('reschedules an edited plan, and refuses an edit of an outdated version', async () => {
    const t = await setup(Date.UTC(2026, 4, 1, 0, 0));
    const input = planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * ? * 1' } } });
    const plan = await t.plans.create(input, staff);
    await t.plans.activate(plan.id, staff);
    expect((await t.plans.get(plan.id)).nextFireAt).toBe(Date.UTC(2026, 4, 1, 2, 0));
    const edited = await t.plans.update(plan.id, 1, { ...input, time: { ...input.time, execution: { mode: 'periodic', expression: '0 0 20 * * ? * 1' } } }, staff);
    expect(edited).toMatchObject({ version: 2, status: 'scheduled', nextFireAt: Date.UTC(2026, 4, 1, 12, 0) });
    await expect(t.plans.update(plan.id, 1, input, staff)).rejects.toMatchObject({ code: 'EN_PLAN_CONFLICT' });
    await expect(t.plans.update(plan.id, 2, { ...input, time: { ...input.time, execution: { mode: 'periodic', expression: '0 0 25 * * ? * 1' } } }, staff)).rejects.toMatchObject({ code: 'PE_OUT_OF_RANGE' });
    expect(await t.plans.get(plan.id)).toMatchObject({ version: 2 });
  });

  it('never runs the same occurrence twice, even when ticks overlap or a run already exists', async () => {
    const t = await setup(Date.UTC(2026, 4, 1, 0, 0));
    const plan = await t.plans.create(planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * ? * 1' } } }), staff);
    const active = await t.plans.activate(plan.id, staff);
    t.clock.set(active.nextFireAt);
    // The occurrence's run was created already (a tick that crashed before moving the plan on).
    await t.runs.create(active, { occurrence: new Date(active.nextFireAt).toISOString(), trigger: 'schedule', scheduledAt: active.nextFireAt });
    const [a, b] = await Promise.all([t.scheduler.tick(), t.scheduler.tick()]);
    expect(a).toBe(b);
    expect(a.map((d) => d.kind)).toEqual(['duplicate']);
    expect(await t.runs.list({ planId: plan.id })).toHaveLength(1);
    // A second scheduler on the same data (say, after a restart) finds nothing due.
    expect(await t.scheduler.tick()).toEqual([]);
  });

  it('refuses to activate a plan with no execution time left, and plans in the wrong state', async () => {
    const t = await setup(Date.UTC(2026, 4, 1, 0, 0));
    const past = await t.plans.create(planInput({ time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'fixed', at: '2026-04-01T09:00' } } }), staff);
    await expect(t.plans.activate(past.id, staff)).rejects.toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'time.execution' } });
    expect(await t.plans.get(past.id)).toMatchObject({ status: 'draft' });
    await expect(t.plans.pause(past.id, staff)).rejects.toMatchObject({ code: 'EN_PLAN_STATE' });
    await expect(t.plans.create({ ...planInput(), actions: [] }, staff)).rejects.toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'actions' } });
  });
});
