import { newGrant, type Grant } from './grant.ts';
import { nextRightVersion, type RightInput, type RightVersion } from './right.ts';

/** Fixtures shared by the rights tests: a store in Shanghai on 2026-03-10 10:00 local. */
export const ZONE = 'Asia/Shanghai';
export const NOW = Date.UTC(2026, 2, 10, 2, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const couponInput: RightInput = {
  name: '满100减10',
  kind: 'coupon',
  params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } },
};
export const pointsInput: RightInput = { name: '100 积分', kind: 'points', params: { amount: 100 } };

export function makeRight(input: RightInput, id = 'r1'): RightVersion {
  return nextRightVersion(null, input, { id, now: NOW, actor: 'user:test' });
}

let counter = 0;
/** A reserved grant of `right` (a coupon unless told otherwise). */
export function reservedGrant(right: RightVersion = makeRight(couponInput), now = NOW): Grant {
  counter++;
  return newGrant({
    id: `g${counter}`,
    key: { planId: 'p1', occurrence: 'o1', customerId: 'c1', actionId: `a${counter}` },
    bundleId: `b${counter}`,
    index: 0,
    runId: null,
    right,
    packageId: null,
    packageVersion: null,
    rightStockId: null,
    packageStockId: null,
    code: 'ABCDEFGHJKMNPQR0',
    zone: ZONE,
    now,
  });
}
