import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { epochMs, failure, int, key, oneOf, type Failure } from './schema-fields.ts';

export const RUN_STATES = ['pending', 'splitting', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];

/**
 * One execution of a plan occurrence. The executor splits the audience into chunks of tasks
 * and persists progress here, so a crash resumes where it stopped.
 */
export interface PlanRunDoc {
  id: string;
  planId: string;
  planVersion: number;
  /** The occurrence (ISO instant or per-customer key) this run executes; unique per plan. */
  occurrence: string;
  scheduledAt: number;
  state: RunState;
  /** 0 until started / finished. */
  startedAt: number;
  finishedAt: number;
  chunks: number;
  chunksSplit: number;
  /** Task counts by outcome. */
  counts: { total: number; done: number; failed: number; skipped: number };
  lastError?: Failure;
  createdAt: number;
  updatedAt: number;
}

const count = int(0, 1_000_000_000);

export const planRunSchema: RxJsonSchema<PlanRunDoc> = {
  title: 'plan runs',
  description: 'Executions of plan occurrences',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    planId: key(),
    planVersion: int(1, 1_000_000),
    occurrence: key(64),
    scheduledAt: epochMs,
    state: oneOf(RUN_STATES),
    startedAt: epochMs,
    finishedAt: epochMs,
    chunks: count,
    chunksSplit: count,
    counts: {
      type: 'object',
      properties: { total: count, done: count, failed: count, skipped: count },
      required: ['total', 'done', 'failed', 'skipped'],
      additionalProperties: false,
    },
    lastError: failure,
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'planId', 'planVersion', 'occurrence', 'scheduledAt', 'state', 'startedAt', 'finishedAt', 'chunks', 'chunksSplit', 'counts', 'createdAt', 'updatedAt'],
  // A plan's history (and "did this occurrence run?"); unfinished runs to resume after a crash.
  indexes: [['planId', 'scheduledAt'], ['planId', 'occurrence'], ['state', 'scheduledAt']],
  additionalProperties: false,
};

export const planRunMigrations: MigrationStrategies = {};
