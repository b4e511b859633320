import { z } from 'zod';
import { RUN_STATES, type Run } from '../core/plans/run.ts';
import type { FailedItem, LiveProgress } from '../engine/executor/executor.ts';
import type { Decision } from '../engine/scheduler/scheduler.ts';
import type { Adjustment, ThrottleSnapshot } from '../engine/throttle/index.ts';
import { actorOf } from './actor.ts';
import type { ApiContext } from './context.ts';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

const id = z.string().trim().min(1).max(64);
const byId = z.object({ id }).strict();

/** A run with what it is doing right now. */
export interface RunView extends Run {
  progress: LiveProgress;
}

/** What the Runs screen shows, refreshed live. */
export interface RunsFeed {
  runs: RunView[];
  throttles: ThrottleSnapshot[];
  adjustments: Adjustment[];
}

const listInput = z.object({ planId: id.optional(), states: z.array(z.enum(RUN_STATES)).optional(), limit: z.int().min(1).max(1000).default(100) }).strict();

async function runViews(ctx: ApiContext, input: z.output<typeof listInput>): Promise<RunView[]> {
  const { engine } = ctx.services;
  const runs = await engine.runs.list({ ...(input.planId ? { planId: input.planId } : {}), ...(input.states ? { states: input.states } : {}), limit: input.limit });
  return runs.map((run) => ({ ...run, progress: engine.executor.progress(run.id) }));
}

/** While runs are in flight the feed refreshes this often (progress and rates move without writes). */
const LIVE_REFRESH_MS = 1000;

export const runMethods = [
  defineQuery('runs/list-runs', listInput.optional(), (input, ctx): Promise<RunView[]> => runViews(ctx, input ?? listInput.parse({}))),
  defineQuery('runs/get-run', byId, async ({ id: runId }, ctx): Promise<{ run: RunView; failed: FailedItem[] }> => {
    const { engine } = ctx.services;
    const run = await engine.runs.get(runId);
    return { run: { ...run, progress: engine.executor.progress(runId) }, failed: await engine.executor.failedItems(runId) };
  }),
  /**
   * The runs, the downstream throttles and their adjustments as they happen: a snapshot at
   * once, then on every change, and every second while a run is in flight.
   */
  defineSubscription('runs/watch-runs', listInput.optional(), async function* (input, ctx, signal): AsyncGenerator<RunsFeed> {
    const { engine, bus } = ctx.services;
    const adjustments: Adjustment[] = [];
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    const stopAdjust = engine.throttles.onAdjust((a) => {
      adjustments.push(a);
      if (adjustments.length > 50) adjustments.shift();
      poke();
    });
    const stopData = bus.on('data-changed', ({ collection }) => {
      if (collection === 'planRuns') poke();
    });
    signal.addEventListener('abort', poke);
    try {
      while (!signal.aborted) {
        const runs = await runViews(ctx, input ?? listInput.parse({}));
        yield { runs, throttles: engine.throttles.snapshots(), adjustments: [...adjustments] };
        const busy = runs.some((r) => r.progress.phase !== 'idle');
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (busy) setTimeout(resolve, LIVE_REFRESH_MS);
        });
      }
    } finally {
      stopAdjust();
      stopData();
    }
  }),
  defineMutation('runs/pause-run', byId, ({ id: runId }, ctx): Promise<Run> => ctx.services.engine.executor.pause(runId)),
  defineMutation('runs/resume-run', byId, ({ id: runId }, ctx): Promise<Run> => ctx.services.engine.executor.resume(runId)),
  /** Cancels a run: items not done stay undone. */
  defineMutation('runs/cancel-run', byId, ({ id: runId }, ctx): Promise<Run> => ctx.services.engine.executor.cancel(runId, actorOf(ctx))),
  /** Gives failed items (all, or those customers) another full set of tries. */
  defineMutation('runs/retry-items', z.object({ id, customerIds: z.array(id).max(10_000).optional() }).strict(), ({ id: runId, customerIds }, ctx): Promise<{ items: number }> =>
    ctx.services.engine.executor.retry(runId, customerIds),
  ),
  /** The scheduler's decisions (fired, catch-up, skipped misfires), newest first. */
  defineQuery('runs/list-decisions', z.object({ planId: id.optional(), limit: z.int().min(1).max(1000).default(100) }).strict().optional(), (input, ctx): Promise<Decision[]> =>
    ctx.services.engine.scheduler.decisions(input?.limit ?? 100, input?.planId),
  ),
  defineQuery('runs/list-throttles', z.object({}).optional(), (_input, ctx): ThrottleSnapshot[] => ctx.services.engine.throttles.snapshots()),
  /** Changes a downstream's budget (items per second) live; runs in flight follow at once. */
  defineMutation('runs/set-rate', z.object({ downstream: z.string().min(1).max(100), maxRate: z.number().positive().max(100_000) }).strict(), async (input, ctx): Promise<ThrottleSnapshot[]> => {
    await ctx.services.engine.setRate(input.downstream, input.maxRate, actorOf(ctx));
    return ctx.services.engine.throttles.snapshots();
  }),
] as const;
