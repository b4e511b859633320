import { CampaignError } from '../../core/errors/campaign-error.ts';
import { inHoldout } from '../../core/plans/holdout.ts';
import type { PlanInput } from '../../core/plans/plan.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { customers, openEngineTest, staff, ZONE, type EngineTest } from '../executor/test-engine.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const approver: Actor = { type: 'user', id: 'manager' };
const clerk: Actor = { type: 'api', id: 'script' };

async function setup(options: Parameters<typeof openEngineTest>[0] = {}): Promise<EngineTest> {
  const t = await openEngineTest(options);
  onTestFinished(() => t.dispose());
  return t;
}

function plan(audienceId: string, actions: PlanInput['actions'], extra: Partial<PlanInput> = {}): PlanInput {
  return { name: 'Governed plan', audienceId, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions, ...extra };
}

const notice = (id = 'notice') => ({ id, type: 'message' as const, channel: 'sms' as const, via: 'outbox', template: { 'zh-CN': { body: '{{name}}，会员日快乐' } } });
const grant = (rightId: string, id = 'coupon') => ({ id, type: 'grant' as const, subject: { type: 'right' as const, id: rightId } });

async function expectCode(promise: Promise<unknown>, code: string): Promise<CampaignError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CampaignError);
  expect((error as CampaignError).code).toBe(code);
  return error as CampaignError;
}

/** Customer ids of a run's items with the given state and reason. */
async function itemsOf(t: EngineTest, runId: string, state: string, reason?: string): Promise<string[]> {
  const out: string[] = [];
  for (const task of await t.runs.allTasks(runId)) task.items.forEach((item, i) => item.s === state && (reason === undefined || item.r === reason) && out.push(task.customerIds[i] as string));
  return out.sort();
}

describe('Holdouts', () => {
  it('keeps a stable control group: skipped as holdout, given nothing, the same customers on every run and in the dry run', async () => {
    const t = await setup();
    await t.addCustomers(customers(400));
    const audience = await t.everyone();
    const right = await t.couponRight();
    const created = await t.plans.create(plan(audience.id, [grant(right.id), notice()], { holdoutPercent: 12.5 }), staff);
    await t.plans.activate(created.id, staff);
    const expected = customers(400).map((c) => c.externalId).filter((id) => inHoldout(created.id, id, 12.5)).sort();
    expect(expected.length).toBeGreaterThan(25);
    expect(expected.length).toBeLessThan(80);

    const dry = await t.governance.check(await t.plans.get(created.id), 'activate');
    expect(dry).toEqual([]);
    const firstRun = (await t.scheduler.tick()).find((d) => d.planId === created.id)?.runId as string;
    await t.executor.drain();
    const run = await t.runs.get(firstRun);
    expect(run.state).toBe('done');
    expect(run.skippedBy.holdout).toBe(expected.length);
    expect(await itemsOf(t, firstRun, 'skipped', 'holdout')).toEqual(expected);
    // Nothing granted or sent to the control group.
    const grants = await t.database.collections.grants.find({ selector: { customerId: { $in: expected } } }).exec();
    const messages = await t.database.collections.messages.find({ selector: { customerId: { $in: expected } } }).exec();
    expect(grants).toHaveLength(0);
    expect(messages).toHaveLength(0);
    expect(await t.database.collections.grants.count().exec()).toBe(400 - expected.length);

    // A second occurrence holds out exactly the same customers.
    const { run: again } = await t.runs.create(await t.plans.get(created.id), { occurrence: 'manual-2', trigger: 'manual', scheduledAt: t.clock.now() });
    await t.executor.drain();
    expect(await itemsOf(t, again.id, 'skipped', 'holdout')).toEqual(expected);
    expect(await t.database.collections.grants.count().exec()).toBe(2 * (400 - expected.length));
  });

  it('shows the control group and the rights value in the dry run', async () => {
    const t = await setup();
    await t.addCustomers(customers(100));
    const audience = await t.everyone();
    const right = await t.couponRight(); // 10 yuan off: costs 1000 cents a grant
    const created = await t.plans.create(plan(audience.id, [grant(right.id)], { holdoutPercent: 20 }), staff);
    const { dryRun } = await import('../executor/dry-run.ts');
    const { DocStore } = await import('../rights/doc-store.ts');
    const dry = await dryRun(created, {
      audiences: t.audiences,
      data: { customers: t.database.collections.customers, events: t.database.collections.events },
      rights: t.rights,
      messages: new DocStore(t.database.collections.messages),
      throttles: t.throttles,
      channelDownstream: () => undefined,
      settings: (await import('../executor/engine-settings.ts')).DEFAULT_ENGINE_SETTINGS,
      defaultZone: ZONE,
      now: t.clock.now(),
    });
    const held = customers(100).filter((c) => inHoldout(created.id, c.externalId, 20)).length;
    expect(dry).toMatchObject({ items: 100, holdout: held, rightsValueCents: (100 - held) * 1000 });
    expect(dry.rights[0]).toMatchObject({ needed: 100 - held, costCents: 1000 });
  });

  it('refuses a holdout out of range with a clear error', async () => {
    const t = await setup();
    const audience = await t.everyone();
    for (const bad of [60, -1, 12.34, '10']) {
      const error = await expectCode(t.plans.create(plan(audience.id, [notice()], { holdoutPercent: bad as number }), staff), 'GV_HOLDOUT_INVALID');
      expect(error.message).toContain('0 to 50');
      expect(error.localized('zh-CN')).toContain('对照组比例');
    }
    expect(await t.plans.list()).toHaveLength(0);
  });
});

describe('Approvals', () => {
  async function governed(t: EngineTest): Promise<void> {
    await t.governance.set(
      { rules: [{ id: 'big-audience', kind: 'audience-size', threshold: 5 }, { id: 'costly', kind: 'rights-value', thresholdCents: 100_000 }, { id: 'hq-edit', kind: 'hq-plan-edited' }], approvers: ['user:manager'] },
      staff,
    );
  }

  it('puts a plan over the threshold into pending approval: it never fires until an approver approves it', async () => {
    const t = await setup();
    await governed(t);
    await t.addCustomers(customers(10));
    const audience = await t.everyone();
    const created = await t.plans.create(plan(audience.id, [notice()]), staff);
    const pending = await t.plans.activate(created.id, staff);
    expect(pending).toMatchObject({ status: 'pending-approval', nextFireAt: NEVER, approval: { state: 'pending', request: 'activate', requestedBy: 'user:test', reasons: [{ ruleId: 'big-audience', kind: 'audience-size', threshold: 5, actual: 10 }] } });

    // Time passes: the scheduler fires nothing, the executor has nothing, run-now is refused.
    t.clock.advance(3 * DAY);
    expect(await t.scheduler.tick()).toEqual([]);
    await t.executor.drain();
    expect(await t.runs.list({ planId: created.id })).toHaveLength(0);
    await expectCode(t.plans.pause(created.id, staff), 'EN_PLAN_STATE');

    // Only an approver may decide.
    await expectCode(t.governance.approve(created.id, clerk, 'fine'), 'GV_NOT_APPROVER');
    const approved = await t.governance.approve(created.id, approver, 'budget checked');
    expect(approved).toMatchObject({ status: 'scheduled', approval: { state: 'approved', decidedBy: 'user:manager', comment: 'budget checked' } });
    expect(approved.nextFireAt).toBe(t.clock.now());
    const decisions = await t.scheduler.tick();
    const runId = decisions.find((d) => d.planId === created.id)?.runId as string;
    await t.executor.drain();
    expect((await t.runs.get(runId)).counts).toMatchObject({ total: 10, sent: 10 });

    // The approval is in the audit log with its comment and reasons.
    await (await import('../audit/audit-log.ts')).AuditLog.of(t.database.collections.auditLog).drain();
    const entries = await t.database.collections.auditLog.find({ selector: { targetId: created.id }, sort: [{ seq: 'asc' }] }).exec();
    const methods = entries.map((e) => e.method);
    expect(methods).toContain('governance/request-approval');
    const decision = entries.find((e) => e.method === 'plans/approve-plan');
    expect(decision).toMatchObject({ actor: approver, outcome: 'ok', details: { decision: 'approve', comment: 'budget checked', reasons: [{ ruleId: 'big-audience' }] } });
  });

  it('a rejected plan goes back to draft and never runs; rejecting needs a comment', async () => {
    const t = await setup();
    await governed(t);
    await t.addCustomers(customers(10));
    const audience = await t.everyone();
    const created = await t.plans.create(plan(audience.id, [notice()]), staff);
    await t.plans.activate(created.id, staff);
    await expectCode(t.governance.reject(created.id, approver, '  '), 'GV_COMMENT_REQUIRED');
    const rejected = await t.governance.reject(created.id, approver, 'audience too wide');
    expect(rejected).toMatchObject({ status: 'draft', nextFireAt: NEVER, approval: { state: 'rejected', comment: 'audience too wide' } });
    t.clock.advance(7 * DAY);
    expect(await t.scheduler.tick()).toEqual([]);
    await t.executor.drain();
    expect(await t.runs.list({ planId: created.id })).toHaveLength(0);
    expect(await t.database.collections.messages.count().exec()).toBe(0);
    // Approving it now is refused: it no longer waits for approval.
    await expectCode(t.governance.approve(created.id, approver), 'EN_PLAN_STATE');
  });

  it('an edit of an active plan that matches a rule stops it: its open runs are held, and cancelled when rejected', async () => {
    const t = await setup();
    await t.addCustomers(customers(3));
    const audience = await t.everyone();
    const created = await t.plans.create(plan(audience.id, [notice()], { time: { timeZone: ZONE, effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * * * 1' } } }), staff);
    await t.plans.activate(created.id, staff);
    t.clock.advance(DAY);
    const runId = (await t.scheduler.tick()).find((d) => d.planId === created.id)?.runId as string;
    expect(runId).toBeTruthy();
    // Rules come in; the plan is edited to grant 1,200 yuan a customer (3 customers: 3,600 > 1,000 yuan).
    await governed(t);
    const current = await t.plans.get(created.id);
    const expensive = await t.rights.catalog.createRight({ name: 'VIP gift', kind: 'gift', params: { itemId: 'g1', itemName: 'Watch', quantity: 1, validity: { type: 'days-from-grant', days: 30 }, cost: 120_000 } }, staff);
    const edited = await t.plans.update(created.id, current.version, { name: current.name, audienceId: current.audienceId, time: current.time, actions: [grant(expensive.id, 'gift'), notice()] }, staff);
    expect(edited).toMatchObject({ status: 'pending-approval', approval: { request: 'edit', reasons: [{ ruleId: 'costly', actual: 360_000 }] } });

    // The run made before the edit does not run while the plan waits.
    await t.executor.drain();
    expect(await t.runs.get(runId)).toMatchObject({ state: 'paused', lastError: { code: 'GV_PENDING_APPROVAL' } });
    expect(await t.database.collections.messages.count().exec()).toBe(0);

    await t.governance.reject(created.id, approver, 'too expensive');
    expect((await t.runs.get(runId)).state).toBe('cancelled');
    t.clock.advance(3 * DAY);
    expect(await t.scheduler.tick()).toEqual([]);
    await t.executor.drain();
    expect(await t.database.collections.messages.count().exec()).toBe(0);
    expect(await t.database.collections.grants.count().exec()).toBe(0);
  });

  it('an approved edit lets the held run go on', async () => {
    const t = await setup();
    await t.addCustomers(customers(8));
    const audience = await t.everyone();
    const created = await t.plans.create(plan(audience.id, [notice()], { time: { timeZone: ZONE, effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * * * 1' } } }), staff);
    await t.plans.activate(created.id, staff);
    t.clock.advance(DAY);
    const runId = (await t.scheduler.tick()).find((d) => d.planId === created.id)?.runId as string;
    await governed(t);
    const current = await t.plans.get(created.id);
    await t.plans.update(created.id, current.version, { name: 'Renamed', audienceId: audience.id, time: current.time, actions: current.actions }, staff);
    await t.executor.drain();
    expect((await t.runs.get(runId)).state).toBe('paused');
    await t.governance.approve(created.id, approver);
    await t.executor.drain();
    expect(await t.runs.get(runId)).toMatchObject({ state: 'done', counts: { sent: 8 } });
  });

  it('an HQ plan edited at the store needs approval', async () => {
    const t = await setup();
    await governed(t);
    await t.addCustomers(customers(2));
    const audience = await t.everyone();
    const created = await t.plans.create(plan(audience.id, [notice()]), staff);
    const doc = await t.database.collections.plans.findOne(created.id).exec();
    await doc?.incrementalPatch({ source: 'hq' });
    // Activating it as HQ sent it needs nothing; after a store edit it does.
    const fresh = await t.plans.get(created.id);
    expect(await t.governance.check(fresh, 'activate')).toEqual([]);
    const edited = await t.plans.update(created.id, fresh.version, { name: 'Changed at S1', audienceId: audience.id, time: fresh.time, actions: fresh.actions }, staff);
    expect(edited).toMatchObject({ status: 'draft', editedAtStore: true });
    const activated = await t.plans.activate(created.id, staff);
    expect(activated).toMatchObject({ status: 'pending-approval', approval: { reasons: [{ ruleId: 'hq-edit', kind: 'hq-plan-edited' }] } });
  });

  it('refuses malformed rules with a clear error and keeps the old ones', async () => {
    const t = await setup();
    await governed(t);
    const bad: unknown[] = [
      { rules: [{ id: 'x', kind: 'audience-size', threshold: -1 }] },
      { rules: [{ id: 'x', kind: 'no-such-rule' }] },
      { rules: [{ id: 'x', kind: 'hq-plan-edited' }, { id: 'x', kind: 'hq-plan-edited' }] },
      { riskLimits: { maxMessagesPerCustomerPerWeek: 2.5 } },
      { approvers: ['nobody'] },
      'not an object',
    ];
    for (const input of bad) {
      const error = await expectCode(t.governance.set(input, staff), 'GV_RULES_INVALID');
      expect(error.localized('zh-CN')).toContain('治理设置');
    }
    const first = await expectCode(t.governance.set({ rules: [{ id: 'x', kind: 'audience-size', threshold: -1 }] }, staff), 'GV_RULES_INVALID');
    expect(first.params.path).toBe('rules.0.threshold');
    expect(t.governance.get().rules.map((r) => r.id)).toEqual(['big-audience', 'costly', 'hq-edit']);
  });
});

describe('Risk limits', () => {
  it('holds a plan that tries to exceed the rights value per customer per day, also two runs at once', async () => {
    const t = await setup({ settings: { parallelRuns: 2, chunkSize: 10 } });
    await t.governance.set({ riskLimits: { maxValuePerCustomerPerDayCents: 1500 } }, staff);
    await t.addCustomers(customers(30));
    const audience = await t.everyone();
    const right = await t.couponRight(); // 1000 cents a grant
    // Two plans granting a 10-yuan coupon each, run at the same time: 2000 > 1500 a customer.
    const a = await t.plans.create(plan(audience.id, [grant(right.id)], { name: 'A' }), staff);
    const b = await t.plans.create(plan(audience.id, [grant(right.id)], { name: 'B' }), staff);
    await t.plans.activate(a.id, staff);
    await t.plans.activate(b.id, staff);
    const decisions = await t.scheduler.tick();
    expect(decisions.filter((d) => d.kind === 'fired')).toHaveLength(2);
    await t.executor.drain();
    const runs = await Promise.all(decisions.flatMap((d) => (d.kind === 'fired' && d.runId ? [t.runs.get(d.runId)] : [])));
    const granted = runs.reduce((n, r) => n + r.counts.granted, 0);
    const held = runs.reduce((n, r) => n + (r.skippedBy['risk-value'] ?? 0), 0);
    expect(granted).toBe(30);
    expect(held).toBe(30);
    // Every customer holds exactly one coupon today.
    const grants = await t.database.collections.grants.find().exec();
    const perCustomer = new Map<string, number>();
    for (const g of grants) perCustomer.set(g.customerId, (perCustomer.get(g.customerId) ?? 0) + 1);
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
    expect(perCustomer.size).toBe(30);

    // The next day (store time) there is room again.
    t.clock.advance(DAY);
    const { run } = await t.runs.create(await t.plans.get(a.id), { occurrence: 'next-day', trigger: 'manual', scheduledAt: t.clock.now() });
    await t.executor.drain();
    expect((await t.runs.get(run.id)).counts.granted).toBe(30);
  });

  it('holds messages per customer per week across plans; the rights still go, as with the frequency cap', async () => {
    const t = await setup({ settings: { parallelRuns: 2, chunkSize: 5, frequencyCap: null } });
    await t.governance.set({ riskLimits: { maxMessagesPerCustomerPerWeek: 1 } }, staff);
    await t.addCustomers(customers(12));
    const audience = await t.everyone();
    const right = await t.couponRight();
    const a = await t.plans.create(plan(audience.id, [notice('n1')], { name: 'A' }), staff);
    const b = await t.plans.create(plan(audience.id, [grant(right.id), notice('n2')], { name: 'B' }), staff);
    await t.plans.activate(a.id, staff);
    await t.plans.activate(b.id, staff);
    const decisions = await t.scheduler.tick();
    await t.executor.drain();
    const runs = await Promise.all(decisions.flatMap((d) => (d.kind === 'fired' && d.runId ? [t.runs.get(d.runId)] : [])));
    expect(runs.reduce((n, r) => n + r.counts.sent, 0)).toBe(12);
    expect(runs.reduce((n, r) => n + (r.skippedBy['risk-messages'] ?? 0), 0)).toBe(12);
    expect(await t.database.collections.messages.count({ selector: { state: 'sent' } }).exec()).toBe(12);
    const runB = runs.find((r) => r.planId === b.id);
    expect(runB?.counts.granted).toBe(12);

    // Six days later still none; eight days later the week has passed.
    t.clock.advance(6 * DAY);
    const { run: later } = await t.runs.create(await t.plans.get(a.id), { occurrence: 'later', trigger: 'manual', scheduledAt: t.clock.now() });
    await t.executor.drain();
    expect((await t.runs.get(later.id)).counts.sent).toBe(0);
    t.clock.advance(2 * DAY);
    const { run: week } = await t.runs.create(await t.plans.get(a.id), { occurrence: 'week', trigger: 'manual', scheduledAt: t.clock.now() });
    await t.executor.drain();
    expect((await t.runs.get(week.id)).counts.sent).toBe(12);
  });
});
