import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import type { CapPeriodWord } from '../i18n/locales/rights.ts';
import { periodWindow } from './period-key.ts';

/**
 * How often one customer may get a right or package: `limit` times ever, per plan, or per
 * calendar day/week/month in the store's zone.
 */
export const customerCapSchema = z
  .object({ limit: z.int().min(1).max(1000), per: z.enum(['ever', 'plan', 'day', 'week', 'month']) })
  .strict();
export type CustomerCap = z.infer<typeof customerCapSchema>;

/** An earlier grant of the same right or package to the same customer (one per bundle). */
export interface PriorBundle {
  planId: string | null;
  /** When it was reserved. */
  at: number;
  /** False once it no longer counts (its reservation was released, or it was recovered). */
  counts: boolean;
}

/** What a new grant is for: its plan and instant, and the zone that defines the periods. */
export interface CapContext {
  planId: string | null;
  now: number;
  zone: string;
}

/** How many more times the customer may get it now (Infinity without a cap). */
export function capRemaining(cap: CustomerCap | null, prior: readonly PriorBundle[], ctx: CapContext): number {
  if (!cap) return Number.POSITIVE_INFINITY;
  let used = 0;
  const window = cap.per === 'day' || cap.per === 'week' || cap.per === 'month' ? periodWindow(cap.per, ctx.now, ctx.zone) : null;
  for (const p of prior) {
    if (!p.counts) continue;
    if (cap.per === 'plan' && p.planId !== ctx.planId) continue;
    if (window && (p.at < window.start || p.at >= window.end)) continue;
    used++;
  }
  return Math.max(0, cap.limit - used);
}

/** Throws RT_CUSTOMER_CAP when the customer already had it as often as the cap allows. */
export function assertWithinCap(
  cap: CustomerCap | null,
  prior: readonly PriorBundle[],
  ctx: CapContext & { customerId: string; subject: string },
): void {
  if (capRemaining(cap, prior, ctx) > 0) return;
  throw new CampaignError('RT_CUSTOMER_CAP', { customer: ctx.customerId, subject: ctx.subject, limit: cap?.limit ?? 0, per: (cap?.per ?? 'ever') satisfies CapPeriodWord });
}
