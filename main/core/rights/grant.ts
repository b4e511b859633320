import { CampaignError, type ErrorParams } from '../errors/campaign-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { formatCode } from './coupon-code.ts';
import { nextState, type GrantEventType, type GrantState } from './grant-state.ts';
import { localDateTimeOf } from './local-date.ts';
import { isRedeemable } from './right.ts';
import { validityOf, type RightSpec } from './right-params.ts';
import { validWindow, type Validity } from './validity.ts';

/**
 * The idempotency key of a grant request: one plan occurrence giving one action's rights to
 * one customer. The same key always yields the same grants (a retry or a crash never grants
 * twice). Manual grants use plan `manual` and a request id as occurrence.
 */
export interface GrantKey {
  planId: string;
  occurrence: string;
  customerId: string;
  actionId: string;
}

export function grantKeyString(key: GrantKey): string {
  return JSON.stringify([key.planId, key.occurrence, key.customerId, key.actionId]);
}

/**
 * One unit of a right given to one customer (a package of 3 coupons makes 3 grants sharing a
 * bundle). It copies the right version it got, so it reads the same after catalog edits.
 */
export type Grant = RightSpec & {
  id: string;
  /** `grantKeyString` of its request. */
  key: string;
  /** All grants of one request share it (the request's id). */
  bundleId: string;
  /** Position in its bundle, 0-based. */
  index: number;
  customerId: string;
  /** Null for manual grants. */
  planId: string | null;
  runId: string | null;
  occurrence: string;
  actionId: string;
  rightId: string;
  rightVersion: number;
  rightName: string;
  packageId: string | null;
  packageVersion: number | null;
  /** The stock of its right this unit counts against, if the right had one when reserved. */
  rightStockId: string | null;
  /** The package stock the bundle counts against (held by the bundle's first grant only). */
  packageStockId: string | null;
  state: GrantState;
  /** Redemption code (canonical form) of redeemable rights, else null. */
  code: string | null;
  /** IANA zone of the store that granted it: defines the days of its validity. */
  zone: string;
  validFrom: number | null;
  expiresAt: number | null;
  reservedAt: number;
  grantedAt: number | null;
  usedAt: number | null;
  restoredAt: number | null;
  /** When it reached a final state (expired, recovered, released). */
  closedAt: number | null;
  /**
   * Transitions so far (1 after the reservation, or after a grant reserved and committed in
   * one step: see `grantAtOnce`); numbers its operation records.
   */
  seq: number;
  updatedAt: number;
};

export type GrantEvent =
  | { type: 'commit' }
  | { type: 'release' }
  | { type: 'use' }
  | { type: 'expire' }
  | { type: 'recover' }
  /** Gives a used right back; `validity` is the new expiry rule (default: the right's own, from now). */
  | { type: 'restore'; validity?: Validity | null };

function codeOrId(grant: Grant): string {
  return grant.code ? formatCode(grant.code) : grant.id;
}

function fail(code: ErrorCode, grant: Grant, extra: ErrorParams = {}): never {
  throw new CampaignError(code, { code: codeOrId(grant), grant: grant.id, state: grant.state, ...extra });
}

/** The typed error for an event the grant's state does not allow. */
function refuse(grant: Grant, event: GrantEventType): never {
  const at = (t: number | null) => (t === null ? '' : localDateTimeOf(t, grant.zone));
  if (event === 'use' || event === 'recover') {
    if (grant.state === 'used') fail('RT_ALREADY_USED', grant, { usedAt: at(grant.usedAt) });
    if (grant.state === 'expired') fail('RT_EXPIRED', grant, { expiredAt: at(grant.expiresAt) });
    if (grant.state === 'recovered') fail('RT_RECOVERED', grant);
    if (grant.state === 'reserved' || grant.state === 'released') fail('RT_NOT_GRANTED', grant);
  }
  if (event === 'restore') fail('RT_NOT_USED', grant);
  fail('RT_ILLEGAL_TRANSITION', grant, { event });
}

/**
 * Applies one lifecycle event at `now`, returning the grant's next state (the input is not
 * changed). Throws a typed CampaignError for anything illegal: using an expired or used right,
 * restoring an unused one, expiring one that is still valid, and so on.
 */
export function applyGrantEvent(grant: Grant, event: GrantEvent, now: number): Grant {
  const to = nextState(grant.state, event.type);
  if (!to) refuse(grant, event.type);
  const next: Grant = { ...grant, state: to, seq: grant.seq + 1, updatedAt: now };
  switch (event.type) {
    case 'commit': {
      const window = validWindow(validityOf(grant), now, grant.zone);
      if (window.expiresAt !== null && window.expiresAt <= now) {
        fail('RT_VALIDITY_ENDED', grant, { until: localDateTimeOf(window.expiresAt, grant.zone) });
      }
      return { ...next, grantedAt: now, validFrom: window.validFrom, expiresAt: window.expiresAt };
    }
    case 'release':
    case 'recover':
      return { ...next, closedAt: now };
    case 'use':
      if (!isRedeemable(grant)) fail('RT_NOT_USABLE', grant, { kind: grant.kind });
      if (grant.expiresAt !== null && now >= grant.expiresAt) fail('RT_EXPIRED', grant, { expiredAt: localDateTimeOf(grant.expiresAt, grant.zone) });
      if (grant.validFrom !== null && now < grant.validFrom) fail('RT_NOT_YET_VALID', grant, { validFrom: localDateTimeOf(grant.validFrom, grant.zone) });
      return { ...next, usedAt: now };
    case 'expire':
      if (grant.expiresAt === null || now < grant.expiresAt) fail('RT_NOT_EXPIRED', grant, { expiresAt: grant.expiresAt === null ? '' : localDateTimeOf(grant.expiresAt, grant.zone) });
      return { ...next, closedAt: now };
    case 'restore': {
      const validity = event.validity === undefined ? validityOf(grant) : event.validity;
      const window = validWindow(validity, now, grant.zone);
      if (window.expiresAt !== null && window.expiresAt <= now) {
        fail('RT_RESTORE_EXPIRED', grant, { until: localDateTimeOf(window.expiresAt, grant.zone) });
      }
      // The right becomes usable again at once, whatever its original first day was.
      return { ...next, restoredAt: now, validFrom: Math.min(window.validFrom, now), expiresAt: window.expiresAt };
    }
  }
}

/**
 * A new grant reserved and committed in one step (the executor, a plan's grant): one
 * transition from nothing to `granted`, so `seq` stays 1 and it has one operation record
 * (`right-granted` with no from-state). Same checks as a commit.
 */
export function grantAtOnce(reserved: Grant, now: number): Grant {
  if (reserved.state !== 'reserved' || reserved.seq !== 1) refuse(reserved, 'commit');
  return { ...applyGrantEvent(reserved, { type: 'commit' }, now), seq: 1 };
}

/** True when a held grant is past its expiry at `now` and the sweep should expire it. */
export function isDue(grant: Grant, now: number): boolean {
  return (grant.state === 'granted' || grant.state === 'restored') && grant.expiresAt !== null && grant.expiresAt <= now;
}

export interface NewGrantInput {
  id: string;
  key: GrantKey;
  bundleId: string;
  index: number;
  runId: string | null;
  right: RightSpec & { id: string; version: number; name: string; archived: boolean };
  packageId: string | null;
  packageVersion: number | null;
  rightStockId: string | null;
  packageStockId: string | null;
  /** A fresh code for redeemable rights (ignored for others). */
  code: string | null;
  zone: string;
  now: number;
}

/**
 * A new grant in state `reserved`. Refuses archived rights (RT_ARCHIVED) and rights whose
 * fixed validity is already over (RT_VALIDITY_ENDED).
 */
export function newGrant(input: NewGrantInput): Grant {
  const { right, key, now } = input;
  if (right.archived) throw new CampaignError('RT_ARCHIVED', { right: right.id, name: right.name });
  const window = validWindow(validityOf(right), now, input.zone);
  if (window.expiresAt !== null && window.expiresAt <= now) {
    throw new CampaignError('RT_VALIDITY_ENDED', { code: right.name, grant: input.id, state: 'new', until: localDateTimeOf(window.expiresAt, input.zone) });
  }
  const redeemable = isRedeemable(right);
  if (redeemable && !input.code) throw new Error(`grant ${input.id} of a redeemable right needs a code`);
  return {
    kind: right.kind,
    params: right.params,
    id: input.id,
    key: grantKeyString(key),
    bundleId: input.bundleId,
    index: input.index,
    customerId: key.customerId,
    planId: key.planId === 'manual' ? null : key.planId,
    runId: input.runId,
    occurrence: key.occurrence,
    actionId: key.actionId,
    rightId: right.id,
    rightVersion: right.version,
    rightName: right.name,
    packageId: input.packageId,
    packageVersion: input.packageVersion,
    rightStockId: input.rightStockId,
    packageStockId: input.packageStockId,
    state: 'reserved',
    code: redeemable ? input.code : null,
    zone: input.zone,
    validFrom: null,
    expiresAt: null,
    reservedAt: now,
    grantedAt: null,
    usedAt: null,
    restoredAt: null,
    closedAt: null,
    seq: 1,
    updatedAt: now,
  } as Grant;
}
