import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { PLAN_STATUSES, STORE_OVERRIDE_FIELDS, type Plan } from '../../core/plans/plan.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from './schema-fields.ts';

/**
 * An operation plan (运营计划) as stored: `core/plans`' `Plan`. `nextFireAt` is kept by the
 * scheduler (NEVER when the plan will not fire again), so "what is due" is one index range.
 * `holdoutPercent`, `approval` and `editedAtStore` (v2), `overridable` and `storeOverrides` (v3) are
 * optional, so documents written by older apps (or published by an HQ server that predates them)
 * still validate.
 */
export type PlanDoc = Plan;

export const planSchema: RxJsonSchema<PlanDoc> = {
  title: 'plans',
  description: 'Operation plans',
  version: 3,
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
    overridable: { type: 'array', items: oneOf(STORE_OVERRIDE_FIELDS), maxItems: STORE_OVERRIDE_FIELDS.length },
    storeOverrides: jsonObject,
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

/** v0 kept the time parts in separate fields and had other statuses. */
const V0_STATUS: Record<string, Plan['status']> = { draft: 'draft', active: 'active', paused: 'paused', ended: 'completed', archived: 'cancelled' };

export const planMigrations: MigrationStrategies = {
  1: (old: Record<string, unknown>) => {
    const { effectiveFrom: _from, effectiveTo: _to, period, execution, zone, status, ...rest } = old;
    return {
      ...rest,
      status: V0_STATUS[String(status)] ?? 'draft',
      time: { timeZone: zone, effective: {}, period: period === '' ? null : period, execution },
      misfire: 'fire-once',
      limits: {},
      activatedAt: 0,
      lastFiredAt: 0,
    };
  },
  /** v2 added the holdout share, the approval, the store-edit mark and the `pending-approval` status: none yet. */
  2: (old: Record<string, unknown>) => ({ ...old, holdoutPercent: 0, approval: null, editedAtStore: false }),
  /** v3 added what HQ lets stores set and the stores' own values: none yet (read-only at stores). */
  3: (old: Record<string, unknown>) => old,
};
