import type { RxCollection } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import { FIRING_STATUSES } from '../../core/plans/plan-status.ts';
import type { Plan } from '../../core/plans/plan.ts';
import { whoRunsPlan, type SiteRole } from '../../core/plans/plan-runner.ts';
import { effectivePlan } from '../../core/plans/store-overrides.ts';
import type { RunTrigger } from '../../core/plans/run.ts';
import { firstPlanExecution, nextPlanExecution } from '../../core/time/execution-time.ts';
import { formatLocalDate, localDayOf } from '../../core/time/instant.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';
import type { PlanDoc } from '../../db/schemas/plans.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { AuditLog, type AuditEntryInput } from '../audit/audit-log.ts';
import type { RunStore } from '../executor/run-store.ts';
import { WakeLoop } from '../wake-loop.ts';
import type { LocalSchedule, LocalSchedules } from './local-schedules.ts';

export type DecisionKind = 'fired' | 'misfire-fire-once' | 'misfire-skip' | 'duplicate' | 'exhausted';

/** What the scheduler did about one due plan, and why: logged, and shown in the Runs screen. */
export interface Decision {
  planId: string;
  planName: string;
  kind: DecisionKind;
  /** The tick's time. */
  at: number;
  /** The occurrence fired (or the first one missed). */
  fireAt: number;
  /** Fire times passed while the app was closed (misfires). */
  missed: number;
  runId: string | null;
  nextFireAt: number;
}

export interface SchedulerOptions {
  plans: RxCollection<PlanDoc>;
  auditLog: RxCollection<AuditLogDoc>;
  runs: RunStore;
  clock: Clock;
  /** A fire this late (app closed, machine asleep) is a misfire, decided by the plan's policy. */
  misfireGraceMs?: number;
  /** Told when runs were created, so the executor takes them up at once. */
  onRuns?: (runIds: string[]) => void;
  onError?: (error: unknown) => void;
  /** What this installation is in the chain (sync setup); standalone when absent. */
  role?: () => SiteRole;
  /** Where a store keeps its own schedules of HQ plans (needed for the store role). */
  localSchedules?: LocalSchedules;
}

/** Moves a plan's schedule on after a fire: in its document, or in the store's local schedule. */
type Advance = (firedFrom: number, lastFired: number, nextFireAt: number) => Promise<void>;

/** At most this many missed fire times are counted one by one (a minutely plan closed for a year). */
const MAX_COUNTED_MISSES = 100_000;
/** Birthday catch-up serves the customers of at most this many missed days. */
const MAX_CATCH_UP_DAYS = 366;
/** The timer wakes at least this often, so a changed wall clock or a resumed laptop is noticed. */
const MAX_SLEEP_MS = 30_000;

/**
 * Fires plans when they are due. Each plan stores its `nextFireAt`; a tick takes every
 * scheduled or active plan with `nextFireAt <= now` (one index range), creates the run of
 * the occurrence (its id comes from plan and occurrence, so the same occurrence never runs
 * twice), and moves `nextFireAt` on. Fires more than the grace late were missed while the app
 * was closed: the plan's misfire policy decides, and every decision is written to the audit
 * log (method `scheduler/fire`). Time only comes from the injected clock: tests call `tick()`.
 *
 * Under sync (`whoRunsPlan`): HQ fires nothing; a store fires its own plans as above, and HQ's
 * plans on a schedule of its own (`LocalSchedules`), with its overrides applied, never writing
 * HQ's document (the fire times of one store are not another's).
 */
export class Scheduler {
  private ticking: Promise<Decision[]> | null = null;
  private readonly grace: number;
  private readonly loop: WakeLoop;

  constructor(private readonly options: SchedulerOptions) {
    this.grace = options.misfireGraceMs ?? 60_000;
    this.loop = new WakeLoop({
      work: async () => void (await this.tick()),
      nextAt: () => this.nextDue(this.options.clock.now()),
      clock: options.clock,
      minSleepMs: 50,
      maxSleepMs: MAX_SLEEP_MS,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  /** Fires every due plan; returns what it decided. Concurrent calls share one tick. */
  tick(): Promise<Decision[]> {
    this.ticking ??= this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private role(): SiteRole {
    return this.options.role?.() ?? { kind: 'standalone' };
  }

  /** The earliest fire time of a plan this installation runs (NEVER when none). */
  private async nextDue(now: number): Promise<number> {
    const role = this.role();
    if (role.kind === 'hq') return NEVER;
    const own = await this.options.plans.find({ selector: { status: { $in: [...FIRING_STATUSES] } }, sort: [{ nextFireAt: 'asc' }], limit: 50 }).exec();
    let next = own.map((d) => d.toMutableJSON() as Plan).find((p) => whoRunsPlan(p, role) === 'here')?.nextFireAt ?? NEVER;
    if (role.kind === 'store') for (const { schedule } of await this.hqSchedules(role.storeId, now)) next = Math.min(next, schedule.nextFireAt);
    return next;
  }

  /**
   * HQ's live plans with this store's schedule of each, brought up to date first: computed when
   * the plan is new here, and again when HQ changed it (version, activation, status) or this
   * store changed its overrides. A new plan starts at its first fire time after HQ activated it
   * (a late arrival is then a misfire, decided by the plan's policy); a changed one continues
   * from now (nothing missed meanwhile is caught up), except a run-once plan not yet fired.
   */
  private async hqSchedules(storeId: string, now: number): Promise<{ plan: Plan; schedule: LocalSchedule }[]> {
    const local = this.options.localSchedules;
    if (!local) return [];
    const docs = await this.options.plans.find({ selector: { source: 'hq', status: { $in: [...FIRING_STATUSES] } } }).exec();
    const result: { plan: Plan; schedule: LocalSchedule }[] = [];
    for (const doc of docs) {
      const plan = effectivePlan(doc.toMutableJSON() as Plan, storeId);
      const basis = JSON.stringify([plan.version, plan.activatedAt, plan.status, plan.storeOverrides?.[storeId] ?? null]);
      const saved = await local.get(plan.id);
      if (saved?.basis === basis) {
        result.push({ plan, schedule: saved });
        continue;
      }
      const context = { activatedAt: plan.activatedAt > 0 ? plan.activatedAt : now };
      const mode = plan.time.execution.mode;
      const runOncePending = (saved?.lastFiredAt ?? 0) === 0 && (mode === 'immediate' || mode === 'delayed');
      const next = !saved || runOncePending ? firstPlanExecution(plan.time, context.activatedAt) : nextPlanExecution(plan.time, now - 1, context);
      const schedule: LocalSchedule = { planId: plan.id, basis, nextFireAt: next ?? NEVER, lastFiredAt: saved?.lastFiredAt ?? 0 };
      await local.set(schedule);
      result.push({ plan, schedule });
    }
    return result;
  }

  private async tickOnce(): Promise<Decision[]> {
    const now = this.options.clock.now();
    const role = this.role();
    if (role.kind === 'hq') return [];
    const due = await this.options.plans
      .find({ selector: { status: { $in: [...FIRING_STATUSES] }, nextFireAt: { $lte: now } }, sort: [{ nextFireAt: 'asc' }] })
      .exec();
    const decisions: Decision[] = [];
    for (const doc of due) {
      const plan = doc.toMutableJSON() as Plan;
      if (whoRunsPlan(plan, role) !== 'here') continue;
      decisions.push(...(await this.firePlan(plan, now, plan.nextFireAt, (from, last, next) => this.advance(plan, from, last, next))));
    }
    if (role.kind === 'store') {
      for (const { plan, schedule } of await this.hqSchedules(role.storeId, now)) {
        if (schedule.nextFireAt > now) continue;
        const advance: Advance = async (_from, lastFiredAt, nextFireAt) => this.options.localSchedules!.set({ ...schedule, lastFiredAt, nextFireAt });
        decisions.push(...(await this.firePlan(plan, now, schedule.nextFireAt, advance)));
      }
    }
    if (decisions.length > 0) await this.log(decisions);
    const runIds = decisions.flatMap((d) => (d.runId && d.kind !== 'duplicate' ? [d.runId] : []));
    if (runIds.length > 0) this.options.onRuns?.(runIds);
    return decisions;
  }

  private async firePlan(plan: Plan, now: number, first: number, advance: Advance): Promise<Decision[]> {
    const context = { activatedAt: plan.activatedAt };
    const decisions: Decision[] = [];
    const base = { planId: plan.id, planName: plan.name, at: now };
    let fireAt = first;
    let next: number | null;
    if (now - first <= this.grace) {
      // On time (or nearly): fire this occurrence, and any others inside the grace.
      next = first;
      while (next !== null && next <= now) {
        fireAt = next;
        const { runId, created } = await this.createRun(plan, fireAt, 'schedule', [fireAt]);
        next = nextPlanExecution(plan.time, fireAt, context);
        decisions.push({ ...base, kind: created ? 'fired' : 'duplicate', fireAt, missed: 0, runId, nextFireAt: next ?? NEVER });
      }
    } else {
      // Missed while closed: count the fire times that passed, then apply the policy.
      const missedAt: number[] = [first];
      let t: number | null = nextPlanExecution(plan.time, first, context);
      let counted = 1;
      while (t !== null && t <= now && counted < MAX_COUNTED_MISSES) {
        if (missedAt.length < MAX_CATCH_UP_DAYS) missedAt.push(t);
        else missedAt[missedAt.length - 1] = t;
        counted++;
        t = nextPlanExecution(plan.time, t, context);
      }
      next = nextPlanExecution(plan.time, now, context);
      const last = missedAt[missedAt.length - 1] ?? first;
      if (plan.misfire === 'fire-once') {
        const { runId, created } = await this.createRun(plan, last, 'catch-up', missedAt);
        decisions.push({ ...base, kind: created ? 'misfire-fire-once' : 'duplicate', fireAt: last, missed: counted, runId, nextFireAt: next ?? NEVER });
      } else {
        decisions.push({ ...base, kind: 'misfire-skip', fireAt: first, missed: counted, runId: null, nextFireAt: next ?? NEVER });
      }
      fireAt = last;
    }
    const nextFireAt = next ?? NEVER;
    if (nextFireAt === NEVER) decisions.push({ ...base, kind: 'exhausted', fireAt, missed: 0, runId: null, nextFireAt });
    await advance(first, fireAt, nextFireAt);
    return decisions;
  }

  /** The run of one occurrence; birthday runs serve the customers due on the days fired. */
  private async createRun(plan: Plan, fireAt: number, trigger: RunTrigger, firedAt: number[]): Promise<{ runId: string; created: boolean }> {
    const birthday = plan.time.execution.mode === 'birthday';
    const dueDates = birthday ? [...new Set(firedAt.map((t) => formatLocalDate(localDayOf(t, plan.time.timeZone))))] : undefined;
    // Birthday runs are per local day; the others per instant.
    const occurrence = birthday ? (dueDates?.[dueDates.length - 1] ?? '') : new Date(fireAt).toISOString();
    const { run, created } = await this.options.runs.create(plan, { occurrence, trigger, scheduledAt: fireAt, ...(dueDates ? { dueDates } : {}) });
    return { runId: run.id, created };
  }

  /** Moves the plan on, unless someone changed its schedule meanwhile (then theirs stands). */
  private async advance(plan: Plan, firedFrom: number, lastFired: number, nextFireAt: number): Promise<void> {
    const doc = await this.options.plans.findOne(plan.id).exec();
    if (!doc) return;
    await doc.incrementalModify((data) => {
      if (data.nextFireAt !== firedFrom || !(FIRING_STATUSES as readonly string[]).includes(data.status)) return data;
      return { ...data, nextFireAt, lastFiredAt: lastFired, status: nextFireAt === NEVER ? 'completed' : 'active', updatedAt: this.options.clock.now() };
    });
  }

  private async log(decisions: Decision[]): Promise<void> {
    const entries: AuditEntryInput[] = decisions.map((d) => ({
      at: d.at,
      actor: { type: 'system', id: 'scheduler' },
      method: 'scheduler/fire',
      targetCollection: 'plans',
      targetId: d.planId,
      outcome: 'ok',
      errorCode: '',
      summary: `${d.kind}: ${d.planName}`.slice(0, 500),
      details: { kind: d.kind, fireAt: d.fireAt, missed: d.missed, runId: d.runId, nextFireAt: d.nextFireAt },
    }));
    await AuditLog.of(this.options.auditLog).appendAll(entries);
  }

  /** The scheduler's recent decisions, newest first. */
  async decisions(limit = 100, planId?: string): Promise<Decision[]> {
    const selector: Record<string, unknown> = { method: 'scheduler/fire' };
    if (planId) selector.targetId = planId;
    const docs = await this.options.auditLog.find({ selector, sort: [{ at: 'desc' }, { seq: 'desc' }], limit }).exec();
    return docs.map((doc) => {
      const d = (doc.details ?? {}) as Record<string, unknown>;
      const [kind = 'fired', ...name] = doc.summary.split(': ');
      return {
        planId: doc.targetId,
        planName: name.join(': '),
        kind: kind as DecisionKind,
        at: doc.at,
        fireAt: Number(d.fireAt ?? 0),
        missed: Number(d.missed ?? 0),
        runId: typeof d.runId === 'string' ? d.runId : null,
        nextFireAt: Number(d.nextFireAt ?? NEVER),
      };
    });
  }

  /** Ticks when the next plan is due (and at least every 30 s), until `stop()`. */
  start(): void {
    this.loop.start();
  }

  /** Re-arms the timer: a plan was activated, edited or resumed. */
  wake(): void {
    this.loop.wake();
  }

  stop(): void {
    this.loop.stop();
  }
}
