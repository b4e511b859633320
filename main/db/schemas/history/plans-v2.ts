// The plans schema as version 2 wrote it (kept to test the migration to version 3).
import type { RxJsonSchema } from 'rxdb';
import { PLAN_STATUSES, type Plan } from '../../../core/plans/plan.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from '../schema-fields.ts';

/** A v2 plan: no store overrides. */
export type PlanDocV2 = Omit<Plan, 'overridable' | 'storeOverrides'>;

export const planSchemaV2: RxJsonSchema<PlanDocV2> = {
  title: 'plans',
  description: 'Operation plans',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    storeId: key(),
    name: text(100),
    description: text(1000),
    marketingType: key(64),
    pluginId: key(100),
    status: oneOf(PLAN_STATUSES),
    audienceId: key(),
    time: jsonObject,
    misfire: oneOf(['fire-once', 'skip']),
    actions: { type: 'array', items: jsonObject },
    limits: jsonObject,
    config: jsonObject,
    holdoutPercent: { type: 'number', minimum: 0, maximum: 50 },
    approval: { type: ['object', 'null'] },
    editedAtStore: { type: 'boolean' },
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
