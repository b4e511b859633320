import { createHash, randomBytes } from 'node:crypto';
import type { RandomBytes } from '../../core/rights/coupon-code.ts';
import type { GrantKey } from '../../core/rights/grant.ts';

/** The OS's cryptographic random source, for redemption codes and ids. */
export const cryptoRandomBytes: RandomBytes = (n) => new Uint8Array(randomBytes(n));

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The id of a grant request's bundle, derived from its idempotency key, so a retried
 * request finds its grants by id: `B` + a hash of (plan, occurrence) + the customer id (or
 * its hash, when long or unusual) + a hash of the action, then `~n` for the n-th attempt
 * (after a released bundle, or if another key hashes alike). The grants of one run share
 * the leading part, so a run's inserts land together in the grant and record indexes; a
 * hash of the whole key put them anywhere and measured two and a half times slower.
 */
export function bundleIdFor(key: GrantKey, attempt: number): string {
  const customer = /^[A-Za-z0-9_-]{1,32}$/.test(key.customerId) ? key.customerId : `#${hash(key.customerId, 16)}`;
  const base = `B${runPart(key)}.${customer}.${actionPart(key.actionId)}`;
  return attempt === 1 ? base : `${base}~${attempt}`;
}

// A batch's keys share their plan, occurrence and action: their hashes are kept, not redone per key.
let lastRun = { planId: '', occurrence: '', part: '' };
let lastAction = { actionId: '', part: '' };

function runPart(key: GrantKey): string {
  if (lastRun.part === '' || lastRun.planId !== key.planId || lastRun.occurrence !== key.occurrence) {
    lastRun = { planId: key.planId, occurrence: key.occurrence, part: hash(JSON.stringify([key.planId, key.occurrence]), 14) };
  }
  return lastRun.part;
}

function actionPart(actionId: string): string {
  if (lastAction.part === '' || lastAction.actionId !== actionId) lastAction = { actionId, part: hash(actionId, 6) };
  return lastAction.part;
}

export function grantIdFor(bundleId: string, index: number): string {
  return `${bundleId}:${index}`;
}

/** A short random id for catalog entries, e.g. `R-3f9a0c7d1b2e`. */
export function newCatalogId(prefix: 'R' | 'P' | 'A'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
