import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { assertTimeZone } from '../period/zone.ts';
import { quietHoursSchema, STORE_OVERRIDE_FIELDS, type Plan } from './plan.ts';

export { STORE_OVERRIDE_FIELDS, type StoreOverrideField } from './plan.ts';

/** One store's values; an absent field keeps HQ's value. `quietHours: null` = none at this store. */
export const storeOverridesSchema = z
  .object({
    quietHours: quietHoursSchema.nullable().optional(),
    maxRate: z.number().positive().max(100_000).optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();
export type StoreOverrides = z.infer<typeof storeOverridesSchema>;

/**
 * Checks a store's overrides of an HQ plan: the values, and that HQ allows each field.
 * Throws EN_PLAN_INVALID naming the path (`overrides.timeZone`), or EN_OVERRIDE_NOT_ALLOWED.
 */
export function validateStoreOverrides(plan: Pick<Plan, 'id' | 'storeId' | 'overridable'>, input: unknown): StoreOverrides {
  if (plan.storeId !== '') throw new CampaignError('EN_OVERRIDE_NOT_ALLOWED', { id: plan.id, field: '*' });
  const parsed = storeOverridesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CampaignError('EN_PLAN_INVALID', { path: ['overrides', ...(issue?.path ?? [])].join('.'), reason: issue?.message ?? 'invalid' });
  }
  const overrides = parsed.data;
  const allowed = new Set(plan.overridable ?? []);
  for (const field of STORE_OVERRIDE_FIELDS) {
    if (overrides[field] !== undefined && !allowed.has(field)) throw new CampaignError('EN_OVERRIDE_NOT_ALLOWED', { id: plan.id, field });
  }
  if (overrides.timeZone !== undefined) {
    try {
      assertTimeZone(overrides.timeZone);
    } catch (error) {
      throw new CampaignError('EN_PLAN_INVALID', { path: 'overrides.timeZone', reason: error instanceof CampaignError ? error.message : `unknown time zone ${overrides.timeZone}` });
    }
  }
  return overrides;
}

/**
 * The plan as `storeId` runs it: an HQ plan with that store's overrides of the fields HQ
 * allows applied (fields HQ no longer allows are ignored); any other plan as it is.
 */
export function effectivePlan(plan: Plan, storeId: string | null): Plan {
  if (storeId === null || plan.storeId !== '') return plan;
  const own = plan.storeOverrides?.[storeId];
  if (!own) return plan;
  const allowed = new Set(plan.overridable ?? []);
  let limits = plan.limits;
  let time = plan.time;
  if (allowed.has('quietHours') && own.quietHours !== undefined) limits = { ...limits, quietHours: own.quietHours };
  if (allowed.has('maxRate') && own.maxRate !== undefined) limits = { ...limits, maxRate: own.maxRate };
  if (allowed.has('timeZone') && own.timeZone !== undefined) time = { ...time, timeZone: own.timeZone };
  return limits === plan.limits && time === plan.time ? plan : { ...plan, limits, time };
}
