// The plans schema as version 1 wrote it (kept to test the migration to version 2).
import type { RxJsonSchema } from 'rxdb';
import type { Plan } from '../../../core/plans/plan.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from '../schema-fields.ts';

const PLAN_STATUSES_V1 = ['draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled'] as const;

/** A v1 plan: no holdout, no approval, no `pending-approval` status. */
export type PlanDocV1 = Omit<Plan, 'holdoutPercent' | 'approval' | 'editedAtStore' | 'overridable' | 'storeOverrides' | 'status'> & { status: (typeof PLAN_STATUSES_V1)[number] };

export const planSchemaV1: RxJsonSchema<PlanDocV1> = {
  title: 'plans',
  description: 'Operation plans',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    storeId: key(),
    name: text(100),
    description: text(1000),
    marketingType: key(64),
    pluginId: key(100),
    status: oneOf(PLAN_STATUSES_V1),
    audienceId: key(),
    time: jsonObject,
    misfire: oneOf(['fire-once', 'skip']),
    actions: { type: 'array', items: jsonObject },
    limits: jsonObject,
    config: jsonObject,
    nextFireAt: epochMs,
    activatedAt: epochMs,
    lastFiredAt: epochMs,
    version: int(1, 1_000_000),
    source: oneOf(['local', 'hq']),
    createdAt: epochMs,
    updatedAt: epochMs,
    updatedBy: text(100),
  },
  required: [
    'id', 'storeId', 'name', 'description', 'marketingType', 'pluginId', 'status', 'audienceId', 'time', 'misfire',
    'actions', 'limits', 'config', 'nextFireAt', 'activatedAt', 'lastFiredAt', 'version', 'source', 'createdAt', 'updatedAt', 'updatedBy',
  ],
  // Due plans (scheduler); plans of a marketing type (its screen); recently edited.
  indexes: [['status', 'nextFireAt'], ['marketingType', 'status'], 'updatedAt'],
  additionalProperties: false,
};
