import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import type { Grant, GrantEvent } from './grant.ts';
import type { GrantState } from './grant-state.ts';
import { parseInput } from './parse-input.ts';
import { balanceCredit } from './right.ts';
import type { RightKind } from './right-kind.ts';

/** What happened to a customer (用户运营记录). Stable ids: stored and exported. */
export const RECORD_TYPES = [
  'right-reserved',
  'right-released',
  'right-granted',
  'right-used',
  'right-expired',
  'right-recovered',
  'right-restored',
  'balance-adjusted',
  'message-sent',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const ACTOR_TYPES = ['system', 'user', 'plan', 'pos', 'cli', 'api', 'sync'] as const;
/** Who did it: the expiry sweep (`system`), a person, a plan run, a till, the CLI, a script. */
export const actorSchema = z.object({ type: z.enum(ACTOR_TYPES), id: z.string().min(1).max(100) }).strict();
export type Actor = z.infer<typeof actorSchema>;

/**
 * One immutable line of the ledger: written once, never edited or deleted; a correction is a
 * new record (`balance-adjusted`, or `corrects` naming the one it corrects). Points and growth
 * value balances are the sums of `pointsDelta` and `growthDelta`.
 */
export interface OperationRecord {
  id: string;
  type: RecordType;
  at: number;
  customerId: string;
  grantId: string | null;
  code: string | null;
  rightId: string | null;
  rightVersion: number | null;
  rightName: string | null;
  rightKind: RightKind | null;
  packageId: string | null;
  packageVersion: number | null;
  planId: string | null;
  runId: string | null;
  occurrence: string | null;
  fromState: GrantState | null;
  toState: GrantState | null;
  actor: Actor;
  reason: string | null;
  pointsDelta: number;
  growthDelta: number;
  /** The record this one corrects, if it is a correction. */
  corrects: string | null;
}

const RECORD_OF_EVENT = {
  commit: 'right-granted',
  release: 'right-released',
  use: 'right-used',
  expire: 'right-expired',
  recover: 'right-recovered',
  restore: 'right-restored',
} as const satisfies Record<GrantEvent['type'], RecordType>;

/**
 * The id of a grant's n-th record. Deterministic, so a step retried after a crash finds the
 * record it already wrote instead of writing a second one.
 */
export function grantRecordId(grantId: string, seq: number): string {
  return `${grantId}.${seq}`;
}

/** A record about a grant, built as one literal (ledgers write thousands per second). */
function grantRecord(
  grant: Grant,
  type: RecordType,
  at: number,
  fromState: GrantState | null,
  actor: Actor,
  reason: string | null,
  pointsDelta: number,
  growthDelta: number,
): OperationRecord {
  return {
    id: grantRecordId(grant.id, grant.seq),
    type,
    at,
    customerId: grant.customerId,
    grantId: grant.id,
    code: grant.code,
    rightId: grant.rightId,
    rightVersion: grant.rightVersion,
    rightName: grant.rightName,
    rightKind: grant.kind,
    packageId: grant.packageId,
    packageVersion: grant.packageVersion,
    planId: grant.planId,
    runId: grant.runId,
    occurrence: grant.occurrence,
    fromState,
    toState: grant.state,
    actor,
    reason,
    pointsDelta,
    growthDelta,
    corrects: null,
  };
}

/** The record of a new reservation. */
export function reservedRecord(grant: Grant, actor: Actor): OperationRecord {
  return grantRecord(grant, 'right-reserved', grant.reservedAt, null, actor, null, 0, 0);
}

/**
 * The one record of a grant reserved and committed in one step (`grantAtOnce`): `right-granted`
 * with no from-state (it came from nothing, the reservation was part of the same step), at the
 * grant time, crediting points and growth value as a commit does.
 */
export function grantedAtOnceRecord(grant: Grant, actor: Actor): OperationRecord {
  const credit = balanceCredit(grant);
  return grantRecord(grant, 'right-granted', grant.grantedAt ?? grant.updatedAt, null, actor, null, credit.points, credit.growth);
}

/**
 * The record of a transition from `before` to `after` (the result of applyGrantEvent).
 * Granting credits points and growth value; recovering debits them.
 */
export function transitionRecord(before: Grant, after: Grant, event: GrantEvent, actor: Actor, reason: string | null): OperationRecord {
  const credit = balanceCredit(before);
  const sign = event.type === 'commit' ? 1 : event.type === 'recover' ? -1 : 0;
  return grantRecord(after, RECORD_OF_EVENT[event.type], after.updatedAt, before.state, actor, reason, sign * credit.points, sign * credit.growth);
}

export interface Balances {
  points: number;
  growth: number;
}

/** Points and growth value of a customer: the sums over their records. */
export function balancesOf(records: Iterable<Pick<OperationRecord, 'pointsDelta' | 'growthDelta'>>): Balances {
  let points = 0;
  let growth = 0;
  for (const r of records) {
    points += r.pointsDelta;
    growth += r.growthDelta;
  }
  return { points, growth };
}

export const adjustmentInputSchema = z
  .object({
    customerId: z.string().min(1).max(64),
    points: z.int().min(-10_000_000).max(10_000_000).default(0),
    growth: z.int().min(-10_000_000).max(10_000_000).default(0),
    reason: z.string().trim().min(1).max(500),
    corrects: z.string().min(1).max(200).nullable().default(null),
  })
  .strict()
  .refine((a) => a.points !== 0 || a.growth !== 0, { message: 'adjust points or growth value', path: ['points'] });
export type AdjustmentInput = z.input<typeof adjustmentInputSchema>;

/**
 * A correction of a customer's balances as a new record. Refuses one that would take a
 * balance below zero (RT_BALANCE_NEGATIVE).
 */
export function adjustmentRecord(input: AdjustmentInput, current: Balances, meta: { id: string; now: number; actor: Actor }): OperationRecord {
  const a = parseInput(adjustmentInputSchema, input, 'adjustment');
  for (const [name, delta] of [['points', a.points], ['growth', a.growth]] as const) {
    if (current[name] + delta < 0) throw new CampaignError('RT_BALANCE_NEGATIVE', { customer: a.customerId, balance: name, current: current[name], delta });
  }
  return {
    id: meta.id,
    type: 'balance-adjusted',
    at: meta.now,
    customerId: a.customerId,
    grantId: null,
    code: null,
    rightId: null,
    rightVersion: null,
    rightName: null,
    rightKind: null,
    packageId: null,
    packageVersion: null,
    planId: null,
    runId: null,
    occurrence: null,
    fromState: null,
    toState: null,
    actor: meta.actor,
    reason: a.reason,
    pointsDelta: a.points,
    growthDelta: a.growth,
    corrects: a.corrects,
  };
}
