import type { RightKind } from './right-kind.ts';

/**
 * What one point costs the merchant, in cents, when a points right names no `cost`:
 * 1 point = 1 fen (0.01 yuan). A merchant whose points are worth more sets `cost` on the right.
 */
export const POINT_VALUE_CENTS = 1;

function nonNegativeInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * What ONE grant of a right costs the merchant, in cents (分). Used by campaign results (cost
 * of rights granted and used) and by governance (approval rules on a dry run's rights value,
 * the per-customer daily rights-value risk limit).
 *
 * `params` is the right's stored parameters (a JSON object; never thrown on):
 * - `cost` (cents, ≥ 0), when present, wins for every kind;
 * - otherwise a coupon with an amount off costs its `amountOff`;
 * - points cost `amount × POINT_VALUE_CENTS`;
 * - every other kind (percent-off coupons, free shipping, discounts, gifts, …) costs 0, as its
 *   value depends on the order: set `cost` on the right to count it.
 */
export function rightCostCents(kind: RightKind, params: Record<string, unknown>): number {
  const cost = nonNegativeInteger(params.cost);
  if (cost !== null) return cost;
  switch (kind) {
    case 'coupon': {
      const benefit = params.benefit;
      if (typeof benefit !== 'object' || benefit === null) return 0;
      const b = benefit as Record<string, unknown>;
      return b.type === 'amount-off' ? (nonNegativeInteger(b.amountOff) ?? 0) : 0;
    }
    case 'points':
      return (nonNegativeInteger(params.amount) ?? 0) * POINT_VALUE_CENTS;
    default:
      return 0;
  }
}
