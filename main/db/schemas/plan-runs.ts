import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { RUN_STATES, RUN_TRIGGERS, type Run } from '../../core/plans/run.ts';
import { epochMs, failure, int, jsonObject, key, oneOf } from './schema-fields.ts';

/** One execution of a plan occurrence, as stored: `core/plans`' `Run`. */
export type PlanRunDoc = Run;

const count = int(0, 1_000_000_000);
const counts = {
  type: 'object',
  properties: { total: count, done: count, granted: count, sent: count, skipped: count, failed: count, retry: count, waiting: count },
  required: ['total', 'done', 'granted', 'sent', 'skipped', 'failed', 'retry', 'waiting'],
  additionalProperties: false,
} as const;

export const planRunSchema: RxJsonSchema<PlanRunDoc> = {
  title: 'plan runs',
  description: 'Executions of plan occurrences',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    planId: key(),
    planVersion: int(1, 1_000_000),
    occurrence: key(64),
    trigger: oneOf(RUN_TRIGGERS),
    scheduledAt: epochMs,
    state: oneOf(RUN_STATES),
    plan: jsonObject,
    startedAt: epochMs,
    finishedAt: epochMs,
    resumeAt: epochMs,
    chunks: count,
    splitDone: { type: 'boolean' },
    chunksDone: count,
    counts,
    skippedBy: jsonObject,
    lastError: failure,
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: [
    'id', 'planId', 'planVersion', 'occurrence', 'trigger', 'scheduledAt', 'state', 'plan', 'startedAt', 'finishedAt', 'resumeAt',
    'chunks', 'splitDone', 'chunksDone', 'counts', 'skippedBy', 'createdAt', 'updatedAt',
  ],
  // A plan's history; unfinished runs to resume after a crash or when their wait is over.
  indexes: [['planId', 'scheduledAt'], ['state', 'resumeAt'], 'scheduledAt'],
  additionalProperties: false,
};

/** No v0 run was ever written (the executor came with v1); an old one is dropped. */
export const planRunMigrations: MigrationStrategies = { 1: () => null };
