import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../core/clock.ts';
import type { Customer } from '../../core/customers/customer.ts';
import type { PlanInput } from '../../core/plans/plan.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { RightInput } from '../../core/rights/right.ts';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import { toCustomerDoc } from '../../db/schemas/customers.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { AudienceStore } from '../audience/audience-store.ts';
import type { MessageChannel } from '../channels/channel.ts';
import { OutboxChannel } from '../channels/outbox-channel.ts';
import { PlanStore } from '../plans/plan-store.ts';
import { RightsService } from '../rights/rights-service.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { GovernanceService } from '../governance/governance-service.ts';
import { grantActionCosts } from '../governance/rights-value.ts';
import { RiskGuard } from '../governance/risk-guard.ts';
import { DocStore } from '../rights/doc-store.ts';
import { dryRun } from './dry-run.ts';
import { realTimer, ThrottleRegistry } from '../throttle/index.ts';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './engine-settings.ts';
import { DEFAULT_GOVERNANCE } from '../../core/governance/governance.ts';
import type { EligibilityHook } from './chunk-processor.ts';
import { Executor } from './executor.ts';
import { RunStore } from './run-store.ts';

export const ZONE = 'Asia/Shanghai';
/** 2026-03-10 10:00 in Shanghai: inside the default message window. */
export const T0 = Date.UTC(2026, 2, 10, 2, 0, 0);
export const staff: Actor = { type: 'user', id: 'test' };

export const coupon: RightInput = {
  name: '满100减10',
  kind: 'coupon',
  params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } },
};

/** A plan input with one grant action; override what the test is about. */
export function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    name: 'Test plan',
    audienceId: 'aud-1',
    time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } },
    actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }],
    ...overrides,
  };
}

/** `n` customers c00001.. in store S1, all reachable by SMS unless `consent` says otherwise. */
export function customers(n: number, overrides: (i: number) => Partial<Customer> = () => ({})): Customer[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return {
      externalId: `c${String(i).padStart(6, '0')}`,
      storeId: 'S1',
      name: `客户${i}`,
      phone: `138${String(i).padStart(8, '0')}`,
      gender: 'unknown',
      level: 3,
      tags: [],
      points: 0,
      growth: 0,
      isFan: false,
      registeredAt: '2025-01-01T00:00:00.000Z',
      totalSpend: 0,
      consent: { sms: true },
      ...overrides(i),
    } as Customer;
  });
}

/**
 * The engine on a real database file: plans, scheduler, executor, rights, an outbox channel
 * `outbox` and any channels the test adds; a manual clock; fast defaults (no throttle waits).
 */
export async function openEngineTest(options: { dir?: string; settings?: Partial<EngineSettings>; now?: number; eligibility?: EligibilityHook } = {}) {
  const temp = options.dir ? null : makeTempDir('campaign-desk-engine-');
  const dataDir = options.dir ?? temp!.path;
  const clock = new ManualClock(options.now ?? T0);
  const database: AppDatabase = await openDatabase({ dataDir });
  const { service: rights } = await RightsService.open({ collections: database.collections, clock, zone: () => ZONE, journalFile: `${dataDir}/rights-step.flag` });
  const audiences = new AudienceStore(database.collections.audiences, database.collections, randomUUID);
  const runs = new RunStore(database.collections, clock);
  let n = 0;
  const plans = new PlanStore(database.collections.plans, clock, () => `plan-${++n}`);
  const channels = new Map<string, MessageChannel>();
  const outbox = new OutboxChannel({ kind: 'outbox', id: 'outbox', dir: 'outbox' }, { dataDir, clock, timeZone: ZONE });
  channels.set('outbox', outbox);
  const throttles = new ThrottleRegistry(realTimer, { maxRate: 1_000_000, adaptive: false });
  let settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 }, ...options.settings };
  // Governance (approval rules, approvals, risk limits) as the engine wires it; no rules until a test sets them.
  let executorRef: Executor | null = null;
  const governance = new GovernanceService(
    {
      settings: database.settings,
      auditLog: database.collections.auditLog,
      plans,
      clock,
      dryRun: (plan) =>
        dryRun(plan, {
          audiences,
          data: { customers: database.collections.customers, events: database.collections.events },
          rights,
          messages: new DocStore(database.collections.messages),
          throttles,
          channelDownstream: (via) => channels.get(via)?.downstream,
          settings,
          defaultZone: ZONE,
          now: clock.now(),
        }),
      onApproved: (planId) => executorRef?.releaseApprovalHold(planId) ?? Promise.resolve(),
      onRejected: (planId, actor) => executorRef?.cancelPlanRuns(planId, actor) ?? Promise.resolve(),
    },
    structuredClone(DEFAULT_GOVERNANCE),
  );
  const executor = new Executor({
    risk: new RiskGuard(database.collections, () => governance.riskLimits()),
    grantCosts: (run) => grantActionCosts(rights.catalog, run.plan.actions.flatMap((a) => (a.type === 'grant' ? [a] : []))),
    collections: database.collections,
    runs,
    audiences,
    ledger: rights.ledger,
    channels,
    throttles,
    clock,
    settings: () => Promise.resolve(settings),
    defaultZone: ZONE,
    random: () => 0.5,
    ...(options.eligibility ? { eligibility: options.eligibility } : {}),
  });
  executorRef = executor;
  const scheduler = new Scheduler({ plans: database.collections.plans, auditLog: database.collections.auditLog, runs, clock });
  return {
    governance,
    dataDir,
    clock,
    database,
    rights,
    audiences,
    runs,
    plans,
    channels,
    outbox,
    throttles,
    executor,
    scheduler,
    setSettings(patch: Partial<EngineSettings>) {
      settings = { ...settings, ...patch };
    },
    async addCustomers(list: Customer[]) {
      for (let i = 0; i < list.length; i += 5000) await database.collections.customers.bulkInsert(list.slice(i, i + 5000).map(toCustomerDoc));
    },
    /** An audience of everyone (level ≥ 0). */
    async everyone() {
      return audiences.save({ name: 'Everyone', rule: { version: 1, root: { op: 'and', children: [{ kind: 'attribute', field: 'level', cmp: 'gte', value: 0 }] } } }, clock.now());
    },
    async couponRight(stock?: number) {
      const right = await rights.catalog.createRight(coupon, staff);
      if (stock !== undefined) await rights.inventory.setLocalStock({ type: 'right', id: right.id }, stock);
      return right;
    },
    /** Creates and activates an immediate plan, fires it, and returns its run id. */
    async fire(input: PlanInput): Promise<string> {
      const plan = await plans.create(input, staff);
      await plans.activate(plan.id, staff);
      const decisions = await scheduler.tick();
      const runId = decisions.find((d) => d.planId === plan.id)?.runId;
      if (!runId) throw new Error(`plan ${plan.id} did not fire: ${JSON.stringify(decisions)}`);
      return runId;
    },
    async close() {
      await executor.stop();
      await Promise.all([...channels.values()].map((c) => c.close()));
      await rights.close();
      await database.close();
    },
    async dispose() {
      await this.close();
      temp?.remove();
    },
  };
}

export type EngineTest = Awaited<ReturnType<typeof openEngineTest>>;
