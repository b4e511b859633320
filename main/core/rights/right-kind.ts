/** Every kind of right (权益) Campaign Desk grants. Stable ids: stored in grants and records. */
export const RIGHT_KINDS = [
  'points',
  'points-multiplier',
  'coupon',
  'free-shipping',
  'discount',
  'gift',
  'paid-content',
  'experience-card',
  'growth-value',
  'custom',
] as const;
export type RightKind = (typeof RIGHT_KINDS)[number];

/** Balances derived from operation records. */
export type BalanceName = 'points' | 'growth';

export interface KindTraits {
  /**
   * Redeemed by the customer (at the POS, online, by staff) with a code: the grant gets a
   * unique code and can be used, and restored after use. `custom` rights decide per right.
   */
  readonly redeemable: boolean | 'per-right';
  /** Credited to a balance when granted (and debited when recovered), never "used". */
  readonly balance: BalanceName | null;
}

export const KIND_TRAITS: Readonly<Record<RightKind, KindTraits>> = {
  points: { redeemable: false, balance: 'points' },
  'points-multiplier': { redeemable: false, balance: null },
  coupon: { redeemable: true, balance: null },
  'free-shipping': { redeemable: true, balance: null },
  discount: { redeemable: true, balance: null },
  gift: { redeemable: true, balance: null },
  'paid-content': { redeemable: true, balance: null },
  'experience-card': { redeemable: true, balance: null },
  'growth-value': { redeemable: false, balance: 'growth' },
  custom: { redeemable: 'per-right', balance: null },
};

export function isRightKind(value: unknown): value is RightKind {
  return typeof value === 'string' && (RIGHT_KINDS as readonly string[]).includes(value);
}
