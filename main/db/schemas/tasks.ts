import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { epochMs, failure, int, jsonObject, key, oneOf, type Failure } from './schema-fields.ts';

export const TASK_STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/**
 * One item of a run: one action for one customer. Its id is the item's idempotency key
 * (plan, occurrence, customer, action), so a retried or resumed run finds the task it
 * already wrote and never does the work twice.
 */
export interface TaskDoc {
  id: string;
  runId: string;
  planId: string;
  /** The chunk of the split audience it belongs to (0-based). */
  chunk: number;
  customerId: string;
  actionId: string;
  state: TaskState;
  attempts: number;
  /** When a failed task may be retried (0 = now; NEVER after the last attempt). */
  nextAttemptAt: number;
  /** Why it was skipped (frequency cap, quiet hours, consent, ...), or the outcome's details. */
  result?: Record<string, unknown>;
  lastError?: Failure;
  createdAt: number;
  updatedAt: number;
}

export const taskSchema: RxJsonSchema<TaskDoc> = {
  title: 'tasks',
  description: 'Items of plan runs (one action for one customer)',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(300),
    runId: key(),
    planId: key(),
    chunk: int(0, 10_000_000),
    customerId: key(),
    actionId: key(64),
    state: oneOf(TASK_STATES),
    attempts: int(0, 1000),
    nextAttemptAt: epochMs,
    result: jsonObject,
    lastError: failure,
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'runId', 'planId', 'chunk', 'customerId', 'actionId', 'state', 'attempts', 'nextAttemptAt', 'createdAt', 'updatedAt'],
  // A run's progress by state; retries that are due; resuming a run chunk by chunk.
  indexes: [['runId', 'state'], ['state', 'nextAttemptAt'], ['runId', 'chunk']],
  additionalProperties: false,
};

export const taskMigrations: MigrationStrategies = {};
