import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { TASK_STATES, type Task } from '../../core/plans/run.ts';
import { epochMs, int, key, oneOf } from './schema-fields.ts';

/** One chunk of a run's split audience, as stored: `core/plans`' `Task`. */
export type TaskDoc = Task;

const count = int(0, 100_000);

export const taskSchema: RxJsonSchema<TaskDoc> = {
  title: 'tasks',
  description: 'Chunks of plan runs: up to a few hundred customers each, with their outcomes',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(100),
    runId: key(),
    planId: key(),
    chunk: int(0, 10_000_000),
    customerIds: { type: 'array', items: { type: 'string', maxLength: 64 } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          s: oneOf(['pending', 'done', 'skipped', 'failed', 'retry', 'waiting']),
          r: { type: 'string', maxLength: 64 },
          a: count,
          n: epochMs,
          e: { type: 'string', maxLength: 500 },
          o: { type: 'string', maxLength: 64 },
          g: int(0, 1),
          m: int(0, 1),
        },
        required: ['s', 'a'],
        additionalProperties: false,
      },
    },
    state: oneOf(TASK_STATES),
    nextAttemptAt: epochMs,
    counts: {
      type: 'object',
      properties: { done: count, granted: count, sent: count, skipped: count, failed: count, retry: count, waiting: count },
      required: ['done', 'granted', 'sent', 'skipped', 'failed', 'retry', 'waiting'],
      additionalProperties: false,
    },
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'runId', 'planId', 'chunk', 'customerIds', 'items', 'state', 'nextAttemptAt', 'counts', 'createdAt', 'updatedAt'],
  // A run's chunks in order; chunks whose retry or wait is due.
  indexes: [['runId', 'chunk'], ['state', 'nextAttemptAt'], ['runId', 'state']],
  additionalProperties: false,
};

/** v0 tasks were per item and never written by any release; an old one is dropped. */
export const taskMigrations: MigrationStrategies = { 1: () => null };
