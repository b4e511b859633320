import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { GRANT_STATES } from '../../core/rights/grant-state.ts';
import type { Grant } from '../../core/rights/grant.ts';
import { RIGHT_KINDS } from '../../core/rights/right-kind.ts';
import { epochMs, int, jsonObject, key, NEVER, oneOf, text } from './schema-fields.ts';

/**
 * A grant as stored: `core/rights`' `Grant` plus three derived fields, because null cannot be
 * indexed: `planKey` (planId, '' for manual grants), `expiryKey` (expiresAt, NEVER when it
 * does not expire) and `codeKey` (the redemption code, '' when none). Set by `toGrantDoc`.
 */
export type GrantDoc = Grant & { planKey: string; expiryKey: number; codeKey: string };

export function toGrantDoc(grant: Grant): GrantDoc {
  // The keys before the spread (a Grant has none of them): V8 copies a spread object fast, but
  // adding properties to the copy after it took 13 µs per grant (0.8 µs this way), measured
  // in the executor's CPU profile at 2% of a run.
  return { planKey: grant.planId ?? '', expiryKey: grant.expiresAt ?? NEVER, codeKey: grant.code ?? '', ...grant };
}

export function fromGrantDoc(doc: GrantDoc): Grant {
  const { planKey: _plan, expiryKey: _expiry, codeKey: _code, ...grant } = doc;
  return grant;
}

const nullableKey = { type: ['string', 'null'], maxLength: 64 } as const;
const nullableInstant = { type: ['integer', 'null'], minimum: 0, maximum: NEVER } as const;
const nullableVersion = { type: ['integer', 'null'], minimum: 1 } as const;

export const grantSchema: RxJsonSchema<GrantDoc> = {
  title: 'grants',
  description: 'Rights given to customers, one unit each',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    key: key(300),
    bundleId: key(),
    index: int(0, 10_000),
    customerId: key(),
    planId: nullableKey,
    runId: nullableKey,
    occurrence: text(64),
    actionId: text(64),
    kind: oneOf(RIGHT_KINDS),
    params: jsonObject,
    rightId: key(),
    rightVersion: int(1, 1_000_000),
    rightName: text(100),
    packageId: nullableKey,
    packageVersion: nullableVersion,
    rightStockId: nullableKey,
    packageStockId: nullableKey,
    state: oneOf(GRANT_STATES),
    code: { type: ['string', 'null'], maxLength: 64 },
    zone: text(64),
    validFrom: nullableInstant,
    expiresAt: nullableInstant,
    reservedAt: epochMs,
    grantedAt: nullableInstant,
    usedAt: nullableInstant,
    restoredAt: nullableInstant,
    closedAt: nullableInstant,
    seq: int(1, 1_000_000),
    updatedAt: epochMs,
    planKey: key(),
    expiryKey: epochMs,
    codeKey: key(64),
  },
  required: [
    'id', 'key', 'bundleId', 'index', 'customerId', 'planId', 'runId', 'occurrence', 'actionId', 'kind', 'params',
    'rightId', 'rightVersion', 'rightName', 'packageId', 'packageVersion', 'rightStockId', 'packageStockId', 'state', 'code', 'zone',
    'validFrom', 'expiresAt', 'reservedAt', 'grantedAt', 'usedAt', 'restoredAt', 'closedAt', 'seq', 'updatedAt',
    'planKey', 'expiryKey', 'codeKey',
  ],
  // A customer's rights by state; a plan's grants over time; the expiry sweep; the grants of
  // one request (idempotency); redeeming by code at the till.
  indexes: [['customerId', 'state'], ['planKey', 'reservedAt'], ['state', 'expiryKey'], ['key', 'index'], 'codeKey'],
  additionalProperties: false,
};

export const grantMigrations: MigrationStrategies = {};
