import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { RunStateAction, RunStateWord } from '../../core/i18n/locales/engine.ts';
import { FINISHED_RUN_STATES, summarizeItems, type ItemOutcome, type Run, type RunCounts, type Task } from '../../core/plans/run.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { AppCollections } from '../../db/collections.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import type { AudienceStore } from '../audience/audience-store.ts';
import type { RiskGuard } from '../governance/risk-guard.ts';
import type { RightsLedger } from '../rights/rights-ledger.ts';
import type { ThrottleRegistry } from '../throttle/index.ts';
import { ChunkProcessor, type ChannelLookup, type EligibilityHook } from './chunk-processor.ts';
import type { EngineSettings } from './engine-settings.ts';
import type { RunStore } from './run-store.ts';
import { splitRun } from './split.ts';
import { WakeLoop } from '../wake-loop.ts';

export interface ExecutorOptions {
  collections: AppCollections;
  runs: RunStore;
  audiences: AudienceStore;
  ledger: RightsLedger;
  channels: ChannelLookup;
  throttles: ThrottleRegistry;
  clock: Clock;
  settings: () => Promise<EngineSettings>;
  defaultZone: string;
  random?: () => number;
  eligibility?: EligibilityHook;
  /** Risk limits across all plans (governance); none when absent. */
  risk?: RiskGuard;
  /** Cost per grant of each of a run's grant actions (governance: risk limits). */
  grantCosts?: (run: Run) => Promise<ReadonlyMap<string, number>>;
  /** A run changed (state, counts): the UI's live feed. */
  onChange?: (runId: string) => void;
  onError?: (error: unknown, runId: string | null) => void;
}

export type Phase = 'split' | 'execute' | 'idle';

/** What a run is doing right now (not stored: the Runs screen polls or subscribes). */
export interface LiveProgress {
  runId: string;
  phase: Phase;
  /** Customers split into chunks so far (split phase). */
  split: number;
  /** Items finished in this process since the run was taken up. */
  processed: number;
  /** Items per second over the last few seconds. */
  rate: number;
}

export interface FailedItem {
  customerId: string;
  chunk: number;
  state: ItemOutcome['s'];
  reason: string;
  error: string;
  attempts: number;
  nextAttemptAt: number | null;
}

/** Rate measurement window for the live progress. */
const RATE_WINDOW_MS = 5_000;
const WAKE_MAX_MS = 30_000;

const ZERO_COUNTS: RunCounts = { total: 0, done: 0, granted: 0, sent: 0, skipped: 0, failed: 0, retry: 0, waiting: 0 };

/** Skipped items, and messages left out of done items, by reason. */
function reasonsOf(items: readonly ItemOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) if ((item.s === 'skipped' || item.s === 'done') && item.r) out[item.r] = (out[item.r] ?? 0) + 1;
  return out;
}

function addReasons(target: Record<string, number>, add: Record<string, number>, sign: 1 | -1): Record<string, number> {
  const out = { ...target };
  for (const [k, v] of Object.entries(add)) {
    const n = (out[k] ?? 0) + sign * v;
    if (n > 0) out[k] = n;
    else delete out[k];
  }
  return out;
}

/** A run's totals from all its chunks (exact after any crash): counts, skip reasons, chunks done, the next due retry or wait, and whether items are still pending. */
function tally(tasks: readonly Task[]): { counts: RunCounts; skippedBy: Record<string, number>; chunksDone: number; resumeAt: number; open: boolean } {
  const counts = { ...ZERO_COUNTS };
  let skippedBy: Record<string, number> = {};
  let resumeAt = NEVER;
  let chunksDone = 0;
  let open = false;
  for (const t of tasks) {
    const s = summarizeItems(t.items, NEVER);
    counts.total += t.items.length;
    for (const k of ['done', 'granted', 'sent', 'skipped', 'failed', 'retry', 'waiting'] as const) counts[k] += s.counts[k];
    skippedBy = addReasons(skippedBy, reasonsOf(t.items), 1);
    if (s.state === 'done') chunksDone++;
    if (s.state === 'pending') open = true;
    if (s.state === 'retry' || s.state === 'waiting') resumeAt = Math.min(resumeAt, s.nextAttemptAt);
  }
  return { counts, skippedBy, chunksDone, resumeAt, open };
}

/**
 * Runs plan occurrences: split → load → execute, chunk by chunk, persisting each chunk's
 * outcomes, so a run taken up again (after a crash, a pause, or when its retries are due)
 * continues where it stopped and never does an item twice (see `ChunkProcessor`).
 * Several runs go at once (`parallelRuns`); they share the downstreams' throttles.
 */
export class Executor {
  private readonly processor: ChunkProcessor;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly live = new Map<string, LiveProgress & { stamps: number[]; since: number }>();
  private readonly loop: WakeLoop;
  private draining: Promise<void> | null = null;
  private rerun = false;

  constructor(private readonly options: ExecutorOptions) {
    this.loop = new WakeLoop({
      work: () => this.drain(),
      nextAt: () => options.runs.nextResumeAt(),
      clock: options.clock,
      minSleepMs: 100,
      maxSleepMs: WAKE_MAX_MS,
      onError: (error) => options.onError?.(error, null),
    });
    this.processor = new ChunkProcessor({
      collections: options.collections,
      ledger: options.ledger,
      channels: options.channels,
      throttles: options.throttles,
      clock: options.clock,
      random: options.random ?? Math.random,
      ...(options.eligibility ? { eligibility: options.eligibility } : {}),
      ...(options.risk ? { risk: options.risk } : {}),
      ...(options.grantCosts ? { grantCosts: options.grantCosts } : {}),
      onItem: (runId) => this.tickLive(runId, 1),
    });
  }

  /** Works until no run is runnable now (tests call this; the app's loop calls it on wake). */
  drain(): Promise<void> {
    if (this.draining) {
      this.rerun = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.rerun = false;
        await this.drainOnce();
      } while (this.rerun);
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    const picks = new Map<string, number>();
    for (;;) {
      const settings = await this.options.settings();
      const runnable = (await this.options.runs.runnable(this.options.clock.now())).filter((r) => !this.active.has(r.id));
      for (const run of runnable) {
        if (this.active.size >= settings.parallelRuns) break;
        // A run that stays runnable after being worked on (nothing due yet) is not picked again here.
        const n = (picks.get(run.id) ?? 0) + 1;
        if (n > 3) continue;
        picks.set(run.id, n);
        this.take(run, settings);
      }
      if (this.active.size === 0) return;
      await Promise.race([...this.active.values()].map((a) => a.done));
    }
  }

  private take(run: Run, settings: EngineSettings): void {
    const controller = new AbortController();
    const done = this.processRun(run, settings, controller.signal)
      .catch(async (error: unknown) => {
        this.options.onError?.(error, run.id);
        const failure = error instanceof CampaignError ? { code: error.code, message: error.message } : { code: 'SYS_INTERNAL', message: error instanceof Error ? error.message : String(error) };
        // Its marketing type's plugin could not answer: wait for a person (who fixes or
        // re-enables the plugin and resumes) rather than fail or act without it.
        const state = failure.code.startsWith('PL_') ? 'paused' : 'failed';
        const at = this.options.clock.now();
        await this.options.runs
          .update(run.id, (r) => (FINISHED_RUN_STATES.includes(r.state) || r.state === 'paused' ? r : { ...r, state, ...(state === 'failed' ? { finishedAt: at } : {}), lastError: { ...failure, message: failure.message.slice(0, 2000), at } }))
          .catch(() => undefined);
      })
      .finally(() => {
        this.active.delete(run.id);
        const live = this.live.get(run.id);
        if (live) live.phase = 'idle';
        this.options.onChange?.(run.id);
      });
    this.active.set(run.id, { controller, done });
  }

  private async processRun(initial: Run, settings: EngineSettings, signal: AbortSignal): Promise<void> {
    const runs = this.options.runs;
    const now = () => this.options.clock.now();
    let run = initial;
    // Nothing of a plan that waits for approval runs (runs made before it was edited included).
    if (await this.holdForApproval(run)) return;
    if (run.state === 'pending') run = await runs.update(run.id, (r) => (r.state === 'pending' ? { ...r, state: 'splitting', startedAt: r.startedAt || now() } : r));
    if (run.state === 'waiting') run = await runs.update(run.id, (r) => (r.state === 'waiting' ? { ...r, state: 'running', resumeAt: NEVER } : r));
    if (run.state !== 'splitting' && run.state !== 'running') return;
    this.options.onChange?.(run.id);

    if (!run.splitDone) {
      this.setPhase(run.id, 'split');
      const { chunks, members } = await splitRun(
        run,
        { runs, audiences: this.options.audiences, data: this.audienceData(), defaultZone: this.options.defaultZone, chunkSize: settings.chunkSize, now },
        signal,
        (c, m) => {
          const live = this.live.get(run.id);
          if (live) live.split = m;
          if (c % 20 === 0) this.options.onChange?.(run.id);
        },
      );
      if (signal.aborted) return;
      run = await runs.update(run.id, (r) => ({ ...r, splitDone: true, chunks, counts: { ...r.counts, total: members }, state: r.state === 'splitting' ? 'running' : r.state }));
      this.options.onChange?.(run.id);
    } else if (run.state === 'splitting') {
      run = await runs.update(run.id, (r) => (r.state === 'splitting' ? { ...r, state: 'running' } : r));
    }

    this.setPhase(run.id, 'execute');
    // Two chunks at a time: while one writes its outcomes, the other keeps the downstream busy.
    const inFlight = new Set<string>();
    let stalled = false;
    let cursor = 0;
    const worker = async () => {
      for (;;) {
        if (signal.aborted || stalled) return;
        // The plan was sent for approval while this run went on (an edit): stop before the next chunk.
        if (await this.holdForApproval(run)) {
          stalled = true;
          return;
        }
        // Chunks are taken in order: look from the last one taken (an index range, not a scan of the run).
        const pending = await runs.pendingTasks(run.id, cursor, 1 + inFlight.size);
        const fresh = pending.find((t) => !inFlight.has(t.id));
        if (fresh) cursor = fresh.chunk;
        const task = fresh ?? (await this.dueRetry(run.id, inFlight));
        if (!task) return;
        inFlight.add(task.id);
        try {
          const after = await this.processor.process(run, task, settings, signal);
          await runs.saveTask(after);
          run = await this.applyDelta(run.id, task, after);
          this.options.onChange?.(run.id);
          // Nothing moved (aborted mid-chunk, or only items not yet due): stop this pass.
          if (after.state === 'pending') stalled = true;
        } finally {
          inFlight.delete(task.id);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    if (!signal.aborted) await this.finalize(run.id);
  }

  /** Pauses a run whose plan waits for approval (GV_PENDING_APPROVAL); approval resumes it. */
  private async holdForApproval(run: Run): Promise<boolean> {
    const plan = await this.options.collections.plans.findOne(run.planId).exec();
    if (plan?.status !== 'pending-approval') return false;
    const error = new CampaignError('GV_PENDING_APPROVAL', { id: run.planId });
    const at = this.options.clock.now();
    await this.options.runs.update(run.id, (r) =>
      ['pending', 'splitting', 'running', 'waiting'].includes(r.state) ? { ...r, state: 'paused', lastError: { code: error.code, message: error.message, at } } : r,
    );
    return true;
  }

  /** Resumes the runs held while their plan waited for approval (it was approved). */
  async releaseApprovalHold(planId: string): Promise<number> {
    const held = await this.options.runs.list({ planId, states: ['paused'], limit: 10_000 });
    let n = 0;
    for (const run of held.filter((r) => r.lastError?.code === 'GV_PENDING_APPROVAL')) {
      await this.resume(run.id);
      n++;
    }
    return n;
  }

  /** A chunk whose retries or wait are due now, if any. */
  private async dueRetry(runId: string, busy: ReadonlySet<string>): Promise<Task | null> {
    const now = this.options.clock.now();
    const waiting = await this.options.runs.tasks(runId, ['retry', 'waiting']);
    return waiting.find((t) => t.nextAttemptAt <= now && !busy.has(t.id)) ?? null;
  }

  private async applyDelta(runId: string, before: Task, after: Task): Promise<Run> {
    const b = before.counts;
    const a = after.counts;
    const reasonsBefore = reasonsOf(before.items);
    const reasonsAfter = reasonsOf(after.items);
    return this.options.runs.update(runId, (r) => ({
      ...r,
      chunksDone: r.chunksDone + (after.state === 'done' && before.state !== 'done' ? 1 : 0) - (before.state === 'done' && after.state !== 'done' ? 1 : 0),
      counts: {
        total: r.counts.total,
        done: r.counts.done + a.done - b.done,
        granted: r.counts.granted + a.granted - b.granted,
        sent: r.counts.sent + a.sent - b.sent,
        skipped: r.counts.skipped + a.skipped - b.skipped,
        failed: r.counts.failed + a.failed - b.failed,
        retry: r.counts.retry + a.retry - b.retry,
        waiting: r.counts.waiting + a.waiting - b.waiting,
      },
      skippedBy: addReasons(addReasons(r.skippedBy, reasonsBefore, -1), reasonsAfter, 1),
    }));
  }

  /** Counts from all chunks (exact after any crash), then done, or waiting for the next due retry. */
  private async finalize(runId: string): Promise<Run> {
    const { counts, skippedBy, chunksDone, resumeAt, open } = tally(await this.options.runs.allTasks(runId));
    const now = this.options.clock.now();
    const run = await this.options.runs.update(runId, (r) => {
      // Items made pending meanwhile (a manual retry during this pass): it stays running and is taken up again.
      if (r.state !== 'running' || open) return { ...r, counts, skippedBy, chunksDone };
      return resumeAt === NEVER ? { ...r, counts, skippedBy, chunksDone, state: 'done', finishedAt: now, resumeAt: NEVER } : { ...r, counts, skippedBy, chunksDone, state: 'waiting', resumeAt };
    });
    this.options.onChange?.(runId);
    return run;
  }

  private audienceData(): AudienceData {
    return { customers: this.options.collections.customers, events: this.options.collections.events };
  }

  // ---- Control (the Runs screen)

  /** Stops a run after the items in flight; it keeps its place and its reservations. */
  async pause(runId: string): Promise<Run> {
    const run = await this.options.runs.update(runId, (r) => {
      if (!['pending', 'splitting', 'running', 'waiting'].includes(r.state)) throw new CampaignError('EN_RUN_STATE', { id: runId, state: r.state satisfies RunStateWord, action: 'pause' satisfies RunStateAction });
      return { ...r, state: 'paused' };
    });
    await this.stopActive(runId);
    this.options.onChange?.(runId);
    return run;
  }

  /**
   * Pauses the open runs of plans whose marketing type comes from a plugin that stopped
   * working, saying why; they are resumed by hand once it works again.
   */
  async pausePluginRuns(pluginId: string, failure: { code: string; message: string }): Promise<string[]> {
    const open = await this.options.runs.list({ states: ['pending', 'splitting', 'running', 'waiting'], limit: 10_000 });
    const paused: string[] = [];
    for (const run of open.filter((r) => r.plan.pluginId === pluginId)) {
      const at = this.options.clock.now();
      await this.options.runs.update(run.id, (r) => (['pending', 'splitting', 'running', 'waiting'].includes(r.state) ? { ...r, state: 'paused', lastError: { code: failure.code, message: failure.message.slice(0, 2000), at } } : r));
      await this.stopActive(run.id);
      this.options.onChange?.(run.id);
      paused.push(run.id);
    }
    return paused;
  }

  async resume(runId: string): Promise<Run> {
    const run = await this.options.runs.update(runId, (r) => {
      if (r.state !== 'paused') throw new CampaignError('EN_RUN_STATE', { id: runId, state: r.state satisfies RunStateWord, action: 'resume' satisfies RunStateAction });
      const { lastError: _cleared, ...rest } = r;
      return { ...rest, state: r.splitDone ? 'running' : 'pending', resumeAt: NEVER };
    });
    this.wake();
    return run;
  }

  /** Ends a run for good: items not done stay undone, and their reserved rights are released. */
  async cancel(runId: string, actor: Actor): Promise<Run> {
    const run = await this.options.runs.update(runId, (r) => {
      if (FINISHED_RUN_STATES.includes(r.state)) throw new CampaignError('EN_RUN_STATE', { id: runId, state: r.state satisfies RunStateWord, action: 'cancel' satisfies RunStateAction });
      return { ...r, state: 'cancelled', finishedAt: this.options.clock.now(), resumeAt: NEVER };
    });
    await this.stopActive(runId);
    await this.releaseReserved(run, actor);
    this.options.onChange?.(runId);
    return run;
  }

  /** Cancels the unfinished runs of a plan (the plan was cancelled). */
  async cancelPlanRuns(planId: string, actor: Actor): Promise<number> {
    const open = await this.options.runs.list({ planId, states: ['pending', 'splitting', 'running', 'waiting', 'paused'], limit: 10_000 });
    for (const run of open) await this.cancel(run.id, actor);
    return open.length;
  }

  private async releaseReserved(run: Run, actor: Actor): Promise<void> {
    const reserved = await this.options.collections.grants.find({ selector: { planKey: run.planId, state: 'reserved' } }).exec();
    const bundles = [...new Set(reserved.filter((g) => g.runId === run.id).map((g) => g.bundleId))];
    for (let i = 0; i < bundles.length; i += 1000) await this.options.ledger.release(bundles.slice(i, i + 1000), actor);
  }

  /**
   * Failed items (all, or the customers given) get another full set of tries now. A run that
   * was done goes back to running.
   */
  async retry(runId: string, customerIds?: readonly string[]): Promise<{ items: number }> {
    const wanted = customerIds ? new Set(customerIds) : null;
    let n = 0;
    for (const task of await this.options.runs.allTasks(runId)) {
      if (task.counts.failed === 0) continue;
      let changed = false;
      const items = task.items.map((item, i) => {
        if (item.s !== 'failed' || (wanted && !wanted.has(task.customerIds[i] as string))) return item;
        changed = true;
        n++;
        const next: ItemOutcome = { ...item, s: 'pending', a: 0 };
        delete next.n;
        return next;
      });
      if (!changed) continue;
      const s = summarizeItems(items, NEVER);
      await this.options.runs.saveTask({ ...task, items, counts: s.counts, state: s.state, nextAttemptAt: s.nextAttemptAt });
    }
    if (n > 0) {
      await this.options.runs.update(runId, (r) => {
        if (r.state === 'cancelled') throw new CampaignError('EN_RUN_STATE', { id: runId, state: r.state satisfies RunStateWord, action: 'retry' satisfies RunStateAction });
        return r.state === 'paused' ? r : { ...r, state: 'running', finishedAt: 0, resumeAt: NEVER };
      });
      await this.finalizeCountsOnly(runId);
      this.wake();
    }
    return { items: n };
  }

  private async finalizeCountsOnly(runId: string): Promise<void> {
    const { counts, skippedBy } = tally(await this.options.runs.allTasks(runId));
    await this.options.runs.update(runId, (r) => ({ ...r, counts, skippedBy }));
  }

  /** Failed (and retrying) items of a run, with their reasons. */
  async failedItems(runId: string, limit = 500): Promise<FailedItem[]> {
    const out: FailedItem[] = [];
    for (const task of await this.options.runs.allTasks(runId)) {
      if (task.counts.failed === 0 && task.counts.retry === 0) continue;
      task.items.forEach((item, i) => {
        if ((item.s !== 'failed' && item.s !== 'retry') || out.length >= limit) return;
        out.push({ customerId: task.customerIds[i] as string, chunk: task.chunk, state: item.s, reason: item.r ?? '', error: item.e ?? '', attempts: item.a, nextAttemptAt: item.s === 'retry' ? (item.n ?? null) : null });
      });
    }
    return out;
  }

  progress(runId: string): LiveProgress {
    const live = this.live.get(runId);
    if (!live) return { runId, phase: this.active.has(runId) ? 'execute' : 'idle', split: 0, processed: 0, rate: 0 };
    const now = performance.now();
    const cutoff = now - RATE_WINDOW_MS;
    while (live.stamps.length > 0 && (live.stamps[0] ?? 0) < cutoff) live.stamps.shift();
    // Items per second over the whole window (or since the run was taken up, at least 1 s):
    // items that finish together do not make a spike, and an idle run shows 0.
    const windowMs = Math.max(1000, Math.min(RATE_WINDOW_MS, now - live.since));
    const rate = live.phase === 'execute' ? (live.stamps.length * 1000) / windowMs : 0;
    return { runId, phase: live.phase, split: live.split, processed: live.processed, rate };
  }

  private setPhase(runId: string, phase: Phase): void {
    const live = this.live.get(runId) ?? { runId, phase, split: 0, processed: 0, rate: 0, stamps: [], since: performance.now() };
    if (live.phase !== phase) live.since = performance.now();
    live.phase = phase;
    this.live.set(runId, live);
  }

  private tickLive(runId: string, n: number): void {
    const live = this.live.get(runId);
    if (!live) return;
    live.processed += n;
    // Timestamps for the rate shown live (measurement, not scheduling: the real clock is right here).
    live.stamps.push(performance.now());
    if (live.stamps.length > 20_000) live.stamps.splice(0, 10_000);
  }

  private async stopActive(runId: string): Promise<void> {
    const active = this.active.get(runId);
    if (!active) return;
    active.controller.abort(new CampaignError('EN_RUN_STATE', { id: runId, state: 'paused' satisfies RunStateWord, action: 'continue' satisfies RunStateAction }));
    await active.done;
  }

  // ---- The loop of the app

  /** Works whenever something is runnable; wakes for due retries and waits (at least every 30 s). */
  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Stops taking up work and lets the runs in flight stop after their current items. */
  async stop(): Promise<void> {
    this.loop.stop();
    const all = [...this.active.values()];
    for (const a of all) a.controller.abort(new CampaignError('EN_RUN_STATE', { id: '', state: 'stopping' satisfies RunStateWord, action: 'continue' satisfies RunStateAction }));
    await Promise.all(all.map((a) => a.done));
  }
}
