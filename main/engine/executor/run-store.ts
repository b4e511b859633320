import { createHash } from 'node:crypto';
import type { MangoQuerySelector, RxCollection } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { Plan } from '../../core/plans/plan.ts';
import { FINISHED_RUN_STATES, type Run, type RunState, type RunTrigger, type Task } from '../../core/plans/run.ts';
import type { PlanRunDoc } from '../../db/schemas/plan-runs.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { TaskDoc } from '../../db/schemas/tasks.ts';
import { yieldToLoop } from '../loop-yield.ts';

/** Chunks read per page when reading all of a run's. */
const TASK_PAGE = 20;

export interface RunCollections {
  planRuns: RxCollection<PlanRunDoc>;
  tasks: RxCollection<TaskDoc>;
}

export interface NewRun {
  occurrence: string;
  trigger: RunTrigger;
  scheduledAt: number;
  dueDates?: string[];
}

/**
 * The run of a plan occurrence has an id derived from (plan, occurrence): a second fire of
 * the same occurrence (two timers, a restart in the middle of a tick) finds the first run
 * instead of starting another one.
 */
export function runIdFor(planId: string, occurrence: string): string {
  return `R${createHash('sha256').update(JSON.stringify([planId, occurrence])).digest('hex').slice(0, 24)}`;
}

/** Runs and their chunks (tasks) as stored. */
export class RunStore {
  constructor(
    readonly collections: RunCollections,
    private readonly clock: Clock,
  ) {}

  /** Creates the run of an occurrence, or returns the one that exists (`created: false`). */
  async create(plan: Plan, input: NewRun): Promise<{ run: Run; created: boolean }> {
    const id = runIdFor(plan.id, input.occurrence);
    const existing = await this.collections.planRuns.findOne(id).exec();
    if (existing) return { run: existing.toMutableJSON() as Run, created: false };
    const now = this.clock.now();
    const run: Run = {
      id,
      planId: plan.id,
      planVersion: plan.version,
      occurrence: input.occurrence,
      trigger: input.trigger,
      scheduledAt: input.scheduledAt,
      state: 'pending',
      plan: {
        name: plan.name,
        storeId: plan.storeId,
        audienceId: plan.audienceId,
        time: plan.time,
        actions: plan.actions,
        limits: plan.limits,
        marketingType: plan.marketingType,
        pluginId: plan.pluginId,
        config: plan.config,
        ...(plan.holdoutPercent ? { holdoutPercent: plan.holdoutPercent } : {}),
        ...(input.dueDates ? { dueDates: input.dueDates } : {}),
      },
      startedAt: 0,
      finishedAt: 0,
      resumeAt: NEVER,
      chunks: 0,
      splitDone: false,
      chunksDone: 0,
      counts: { total: 0, done: 0, granted: 0, sent: 0, skipped: 0, failed: 0, retry: 0, waiting: 0 },
      skippedBy: {},
      createdAt: now,
      updatedAt: now,
    };
    const result = await this.collections.planRuns.bulkInsert([run]);
    // Lost a race with another insert of the same occurrence: that one stands.
    if (result.error.length > 0) return { run: await this.get(id), created: false };
    return { run, created: true };
  }

  async get(id: string): Promise<Run> {
    const doc = await this.collections.planRuns.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'run' satisfies NotFoundWhat, id });
    return doc.toMutableJSON() as Run;
  }

  async list(filter: { planId?: string; states?: RunState[]; limit?: number } = {}): Promise<Run[]> {
    const selector: MangoQuerySelector<Run> = {};
    if (filter.planId) selector.planId = filter.planId;
    if (filter.states) selector.state = { $in: filter.states };
    const docs = await this.collections.planRuns.find({ selector, sort: [{ scheduledAt: 'desc' }], limit: filter.limit ?? 200 }).exec();
    return docs.map((d) => d.toMutableJSON() as Run);
  }

  /** Runs the executor must take up: unfinished and not paused, or waiting and due. */
  async runnable(now: number): Promise<Run[]> {
    const docs = await this.collections.planRuns
      .find({ selector: { $or: [{ state: { $in: ['pending', 'splitting', 'running'] } }, { state: 'waiting', resumeAt: { $lte: now } }] }, sort: [{ scheduledAt: 'asc' }] })
      .exec();
    return docs.map((d) => d.toMutableJSON() as Run);
  }

  /** The earliest `resumeAt` of a waiting run (NEVER when none). */
  async nextResumeAt(): Promise<number> {
    const doc = await this.collections.planRuns.findOne({ selector: { state: 'waiting' }, sort: [{ resumeAt: 'asc' }] }).exec();
    return doc ? doc.resumeAt : NEVER;
  }

  /** Applies `change` to the newest state of the run (retried on a conflicting write). */
  async update(id: string, change: (run: Run) => Run): Promise<Run> {
    const doc = await this.collections.planRuns.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'run' satisfies NotFoundWhat, id });
    const updated = await doc.incrementalModify((data) => ({ ...change(data as Run), updatedAt: this.clock.now() }) as PlanRunDoc);
    return updated.toMutableJSON() as Run;
  }

  isFinished(run: Run): boolean {
    return FINISHED_RUN_STATES.includes(run.state);
  }

  async insertTasks(tasks: Task[]): Promise<void> {
    if (tasks.length === 0) return;
    await yieldToLoop();
    const result = await this.collections.tasks.bulkInsert(tasks);
    // A chunk written before a crash is written again identically on resume: keep the first.
    const real = result.error.filter((e) => e.status !== 409);
    if (real.length > 0) throw new CampaignError('SYS_INTERNAL', { reason: `writing run chunks failed: ${JSON.stringify(real[0])}` });
  }

  /** The last chunk written (resuming a split continues after it). */
  async lastTask(runId: string): Promise<Task | null> {
    const doc = await this.collections.tasks.findOne({ selector: { runId }, sort: [{ chunk: 'desc' }] }).exec();
    return doc ? (doc.toMutableJSON() as Task) : null;
  }

  /** Chunks of a run in a state, in chunk order. */
  async tasks(runId: string, states: Task['state'][], limit = 10_000): Promise<Task[]> {
    const docs = await this.collections.tasks.find({ selector: { runId, state: { $in: states } }, sort: [{ chunk: 'asc' }], limit }).exec();
    return docs.map((d) => d.toMutableJSON() as Task);
  }

  /** Pending chunks of a run from chunk `from` on, in chunk order (a range of the [runId, chunk] index). */
  async pendingTasks(runId: string, from: number, limit: number): Promise<Task[]> {
    const docs = await this.collections.tasks
      .find({ selector: { runId, chunk: { $gte: from }, state: { $in: ['pending', 'running'] } }, sort: [{ runId: 'asc' }, { chunk: 'asc' }], limit, index: ['runId', 'chunk'] })
      .exec();
    return docs.map((d) => d.toMutableJSON() as Task);
  }

  /**
   * Every chunk of a run, in chunk order: pages of the [runId, chunk] index, each after a turn of
   * the event loop (a run of 100,000 customers has 200 chunks of 500 items to read and parse).
   */
  async allTasks(runId: string): Promise<Task[]> {
    const out: Task[] = [];
    for (let from = 0; ; ) {
      await yieldToLoop();
      const docs = await this.collections.tasks.find({ selector: { runId, chunk: { $gte: from } }, sort: [{ runId: 'asc' }, { chunk: 'asc' }], limit: TASK_PAGE, index: ['runId', 'chunk'] }).exec();
      for (const d of docs) out.push(d.toMutableJSON() as Task);
      if (docs.length < TASK_PAGE) return out;
      from = out[out.length - 1]!.chunk + 1;
    }
  }

  async saveTask(task: Task): Promise<void> {
    await yieldToLoop();
    await this.collections.tasks.upsert({ ...task, updatedAt: this.clock.now() });
  }
}
