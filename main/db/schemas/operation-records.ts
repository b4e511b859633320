import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { GRANT_STATES } from '../../core/rights/grant-state.ts';
import { ACTOR_TYPES, RECORD_TYPES, type OperationRecord } from '../../core/rights/operation-record.ts';
import { RIGHT_KINDS } from '../../core/rights/right-kind.ts';
import { epochMs, key, oneOf, text } from './schema-fields.ts';

/**
 * A user operation record (用户运营记录) as stored: `core/rights`' immutable ledger line plus
 * `planKey` (planId, '' when not from a plan), because null cannot be indexed.
 */
export type RecordDoc = OperationRecord & { planKey: string };

export function toRecordDoc(record: OperationRecord): RecordDoc {
  // The key before the spread (a record has no planKey): faster, see `toGrantDoc`.
  return { planKey: record.planId ?? '', ...record };
}

export function fromRecordDoc(doc: RecordDoc): OperationRecord {
  const { planKey: _plan, ...record } = doc;
  return record;
}

const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const nullableInt = { type: ['integer', 'null'], minimum: 1 } as const;
const nullableEnum = <const T extends readonly string[]>(values: T) => ({ type: ['string', 'null'], enum: [...values, null] }) as const;
const balanceDelta = { type: 'integer', minimum: -1_000_000_000, maximum: 1_000_000_000 } as const;

export const operationRecordSchema: RxJsonSchema<RecordDoc> = {
  title: 'operation records',
  description: 'What happened to each customer: rights granted, used, restored, recovered; messages sent',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(100),
    type: oneOf(RECORD_TYPES),
    at: epochMs,
    customerId: key(),
    grantId: nullableText(64),
    code: nullableText(64),
    rightId: nullableText(64),
    rightVersion: nullableInt,
    rightName: nullableText(100),
    rightKind: nullableEnum(RIGHT_KINDS),
    packageId: nullableText(64),
    packageVersion: nullableInt,
    planId: nullableText(64),
    runId: nullableText(64),
    occurrence: nullableText(64),
    fromState: nullableEnum(GRANT_STATES),
    toState: nullableEnum(GRANT_STATES),
    actor: {
      type: 'object',
      properties: { type: oneOf(ACTOR_TYPES), id: text(100) },
      required: ['type', 'id'],
      additionalProperties: false,
    },
    reason: nullableText(1000),
    pointsDelta: balanceDelta,
    growthDelta: balanceDelta,
    corrects: nullableText(100),
    planKey: key(),
  },
  required: [
    'id', 'type', 'at', 'customerId', 'grantId', 'code', 'rightId', 'rightVersion', 'rightName', 'rightKind',
    'packageId', 'packageVersion', 'planId', 'runId', 'occurrence', 'fromState', 'toState', 'actor', 'reason',
    'pointsDelta', 'growthDelta', 'corrects', 'planKey',
  ],
  // A customer's history (and balances); a plan's effect over time; records of one kind.
  // A grant's records share the id prefix `<grantId>.`, so they are a primary key range.
  indexes: [['customerId', 'at'], ['planKey', 'at'], ['type', 'at']],
  additionalProperties: false,
};

export const operationRecordMigrations: MigrationStrategies = {};
