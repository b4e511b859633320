import { sampleBucket } from '../audience/sample.ts';

/** The largest share of an audience a plan may keep as its control group. */
export const MAX_HOLDOUT_PERCENT = 50;

/** Whether `value` is a holdout share: 0–50, a whole number or one decimal (12.5). */
export function isHoldoutPercent(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_HOLDOUT_PERCENT && Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;
}

/**
 * Whether a customer is in a plan's control group (holdout): a stable hash of (plan, customer)
 * picks `percent`% of any audience, the same customers on every run, in every process and
 * after every restart, and independently of audience samples (the seed differs). Raising the
 * share keeps everyone who was held out before and adds more.
 */
export function inHoldout(planId: string, customerId: string, percent: number | undefined): boolean {
  if (!percent || percent <= 0) return false;
  return sampleBucket(`holdout:${planId}`, customerId) < Math.round(percent * 100);
}
