/**
 * The grant lifecycle. A grant is born `reserved` (stock held), then `granted` (committed)
 * or `released` (the reservation was given back). A granted right is `used` (redeemed),
 * `expired` or `recovered` (taken back unused). A used right can be `restored` (回补, e.g. its
 * order was refunded), after which it behaves like a granted one again with a new expiry.
 */
export const GRANT_STATES = ['reserved', 'granted', 'used', 'expired', 'recovered', 'restored', 'released'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export const GRANT_EVENTS = ['commit', 'release', 'use', 'expire', 'recover', 'restore'] as const;
export type GrantEventType = (typeof GRANT_EVENTS)[number];

/** Every legal transition; anything not listed is refused with a typed error. */
export const TRANSITIONS: Readonly<Record<GrantState, Readonly<Partial<Record<GrantEventType, GrantState>>>>> = {
  reserved: { commit: 'granted', release: 'released' },
  granted: { use: 'used', expire: 'expired', recover: 'recovered' },
  used: { restore: 'restored' },
  restored: { use: 'used', expire: 'expired', recover: 'recovered' },
  expired: {},
  recovered: {},
  released: {},
};

/** States in which the customer holds the right and may use it (within its window). */
export const HOLDING_STATES: readonly GrantState[] = ['granted', 'restored'];
/** States that never change again. */
export const FINAL_STATES: readonly GrantState[] = ['expired', 'recovered', 'released'];
/** States whose stock unit was handed out (counted as `granted` in the stock). */
export const STOCK_GRANTED_STATES: readonly GrantState[] = ['granted', 'used', 'expired', 'recovered', 'restored'];

export function nextState(state: GrantState, event: GrantEventType): GrantState | undefined {
  return TRANSITIONS[state][event];
}
