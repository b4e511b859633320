import type { Failure } from '../errors/failure.ts';
import type { PlanAction, PlanLimits } from './plan.ts';
import type { PlanTimeSpec } from '../time/types.ts';

/**
 * A run: one execution of one plan occurrence, split into chunks (tasks) of customers.
 *
 * pending → splitting → running ⇄ waiting (quiet hours, retries not yet due) → done;
 * running/waiting ⇄ paused; any unfinished state → cancelled; failed when it cannot go on
 * (its audience is gone). A run resumes from its persisted chunks after a crash.
 */
export const RUN_STATES = ['pending', 'splitting', 'running', 'waiting', 'paused', 'done', 'failed', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const FINISHED_RUN_STATES: readonly RunState[] = ['done', 'failed', 'cancelled'];

export const RUN_TRIGGERS = ['schedule', 'catch-up', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** What a run executes, copied from the plan when it fires: later edits do not change a run. */
export interface RunPlan {
  name: string;
  storeId: string;
  audienceId: string;
  time: PlanTimeSpec;
  actions: PlanAction[];
  limits: PlanLimits;
  marketingType: string;
  pluginId: string;
  /** The marketing type's settings (for its plugin's hooks); absent in runs made before plugins. */
  config?: Record<string, unknown>;
  /** Share of the audience kept as the plan's control group (skipped 'holdout'); absent = none. */
  holdoutPercent?: number;
  /** Birthday runs: the local dates whose due customers this run serves ('YYYY-MM-DD'). */
  dueDates?: string[];
}

export interface RunCounts {
  total: number;
  done: number;
  granted: number;
  sent: number;
  skipped: number;
  failed: number;
  retry: number;
  waiting: number;
}

export interface Run {
  id: string;
  planId: string;
  planVersion: number;
  occurrence: string;
  trigger: RunTrigger;
  scheduledAt: number;
  state: RunState;
  plan: RunPlan;
  startedAt: number;
  finishedAt: number;
  /** When a waiting run should be looked at again (NEVER when not waiting). */
  resumeAt: number;
  chunks: number;
  splitDone: boolean;
  chunksDone: number;
  counts: RunCounts;
  /** Skipped items by reason. */
  skippedBy: Record<string, number>;
  lastError?: Failure;
  createdAt: number;
  updatedAt: number;
}

export const ITEM_STATES = ['pending', 'done', 'skipped', 'failed', 'retry', 'waiting'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** One customer of a chunk: compact, a chunk holds hundreds. */
export interface ItemOutcome {
  s: ItemState;
  /** Reason code (skipped, waiting, failed). */
  r?: string;
  /** Attempts so far. */
  a: number;
  /** When a retry or wait is due. */
  n?: number;
  /** Last error message. */
  e?: string;
  /** The item's own occurrence when it differs from the run's (birthday: the due date). */
  o?: string;
  /** 1 once its rights are granted / its message is sent (kept across retries). */
  g?: 0 | 1;
  m?: 0 | 1;
}

export const TASK_STATES = ['pending', 'running', 'waiting', 'retry', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export type TaskCounts = Omit<RunCounts, 'total'>;

export interface Task {
  id: string;
  runId: string;
  planId: string;
  chunk: number;
  customerIds: string[];
  items: ItemOutcome[];
  state: TaskState;
  /** When a waiting or retrying chunk is due (NEVER otherwise). */
  nextAttemptAt: number;
  counts: TaskCounts;
  createdAt: number;
  updatedAt: number;
}

export const ZERO_TASK_COUNTS: TaskCounts = { done: 0, granted: 0, sent: 0, skipped: 0, failed: 0, retry: 0, waiting: 0 };

/** A chunk's counts and state from its items (`never` = the NEVER instant of the schema). */
export function summarizeItems(items: readonly ItemOutcome[], never: number): { counts: TaskCounts; state: TaskState; nextAttemptAt: number } {
  const counts = { ...ZERO_TASK_COUNTS };
  let next = never;
  let open = false;
  let waiting = false;
  for (const item of items) {
    if (item.g === 1) counts.granted++;
    if (item.m === 1) counts.sent++;
    switch (item.s) {
      case 'done': counts.done++; break;
      case 'skipped': counts.skipped++; break;
      case 'failed': counts.failed++; break;
      case 'retry': counts.retry++; next = Math.min(next, item.n ?? 0); break;
      case 'waiting': counts.waiting++; waiting = true; next = Math.min(next, item.n ?? 0); break;
      case 'pending': open = true; break;
    }
  }
  const state: TaskState = open ? 'pending' : counts.retry > 0 ? 'retry' : waiting ? 'waiting' : 'done';
  return { counts, state, nextAttemptAt: state === 'retry' || state === 'waiting' ? next : never };
}

/** The id of chunk `n` of a run: zero-padded so ids sort in chunk order. */
export function taskId(runId: string, chunk: number): string {
  return `${runId}:${String(chunk).padStart(7, '0')}`;
}
