import { createHash, randomBytes } from 'node:crypto';
import { grantKeyString, type GrantKey } from '../../core/rights/grant.ts';
import type { RandomBytes } from '../../core/rights/coupon-code.ts';

/** The OS's cryptographic random source, for redemption codes and ids. */
export const cryptoRandomBytes: RandomBytes = (n) => new Uint8Array(randomBytes(n));

/**
 * The id of a grant request's bundle: a hash of its idempotency key, so the same request
 * always finds the same grants. `attempt` > 1 only after an earlier bundle of the same key
 * was released (a failed message), which gives the key a fresh chance.
 */
export function bundleIdFor(key: GrantKey, attempt: number): string {
  const hash = createHash('sha256').update(grantKeyString(key)).digest('hex').slice(0, 24);
  return attempt === 1 ? `B-${hash}` : `B-${hash}-${attempt}`;
}

export function grantIdFor(bundleId: string, index: number): string {
  return `${bundleId}:${index}`;
}

/** A short random id for catalog entries, e.g. `R-3f9a0c7d1b2e`. */
export function newCatalogId(prefix: 'R' | 'P' | 'A'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
