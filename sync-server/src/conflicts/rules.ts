import { deepEqual } from 'rxdb';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { mergeGrantReplicas, type MergeableGrant } from '../../../main/core/rights/grant-merge.ts';
import { GRANT_STATES } from '../../../main/core/rights/grant-state.ts';
import { storeOverridePaths, withOwnEntry, withoutEmptyEntry } from './plan-locks.ts';
import { threeWayMerge } from './three-way-merge.ts';

export type Doc = Record<string, unknown>;

/** One pushed row as a conflict rule sees it. */
export interface PushedRow {
  collection: string;
  id: string;
  /** Who pushes: a store, or HQ. */
  by: 'store' | 'hq';
  /** The pushing store's id ('' when HQ pushes). */
  storeId: string;
  /** The stored master state, undefined for a new document. */
  master: Doc | undefined;
  /** The master state the pusher started from (null: it thinks the document is new). */
  assumed: Doc | null;
  pushed: Doc;
}

/**
 * What to do with one pushed row:
 * - `write`: store `doc` as the new master; when it differs from what was pushed the pusher
 *   gets it back as the conflict answer (RxDB's protocol), so it converges on it;
 * - `keep`: store nothing and answer the master as a conflict (RxDB's master-wins);
 * - `unchanged`: the push repeats the master: nothing to store, nothing to answer.
 * A rule refuses a row by throwing a CampaignError (the whole batch is refused).
 */
export type Decision = { kind: 'write'; doc: Doc; note?: string } | { kind: 'keep'; note?: string } | { kind: 'unchanged' };

export type ConflictRule = (row: PushedRow) => Decision;

/** RxDB's default: the push applies only to the master it assumed; otherwise the master wins. */
export const masterWins: ConflictRule = (row) => {
  if (row.master === undefined) return { kind: 'write', doc: row.pushed };
  if (row.assumed !== null && deepEqual(row.master, row.assumed)) return { kind: 'write', doc: row.pushed };
  return { kind: 'keep' };
};

function isGrant(doc: Doc): doc is Doc & MergeableGrant {
  return (
    typeof doc.seq === 'number' &&
    typeof doc.updatedAt === 'number' &&
    (typeof doc.usedAt === 'number' || doc.usedAt === null) &&
    (GRANT_STATES as readonly unknown[]).includes(doc.state)
  );
}

/**
 * Grants merge along their lifecycle (`core/rights/grant-merge.ts`): on a conflict the replica
 * further along wins (used at the till beats expired by a sweep), becomes the master, and goes
 * back to the pusher when it is not the pusher's own.
 */
export const grantsMerge: ConflictRule = (row) => {
  const plain = masterWins(row);
  if (plain.kind === 'write' || row.master === undefined) return plain;
  const { master, pushed } = row;
  if (master._deleted === true || pushed._deleted === true || !isGrant(master) || !isGrant(pushed)) return plain;
  const merged = mergeGrantReplicas(master, pushed);
  return merged === master ? { kind: 'keep' } : { kind: 'write', doc: merged, note: `grant ${row.id}: ${String(pushed.state)} (seq ${pushed.seq}) wins over ${String(master.state)} (seq ${master.seq})` };
};

/**
 * Records are append-only: the first insert is stored, a repeat of it is acknowledged, and any
 * change or deletion of a stored record is refused (SY_APPEND_ONLY, logged) with the batch.
 */
export const appendOnly: ConflictRule = (row) => {
  if (row.master === undefined) return { kind: 'write', doc: row.pushed };
  if (deepEqual(row.master, row.pushed)) return { kind: 'unchanged' };
  throw new CampaignError('SY_APPEND_ONLY', { collection: row.collection, id: row.id });
};

/**
 * Plans. An HQ plan (`storeId` '') is HQ's: a store may change only its own overrides, the
 * fields HQ allows (`plan-locks.ts`); whatever else it changed is dropped and it gets HQ's plan
 * back (logged). HQ's edits that meet a newer master are merged field by field: what HQ
 * changed wins, what it did not change keeps the master's value (e.g. a store's overrides).
 * A store's own plans are master-wins.
 */
export const plansRule: ConflictRule = (row) => {
  const { master } = row;
  if (master === undefined || master.storeId !== '') return masterWins(row);
  if (row.by === 'hq') {
    const plain = masterWins(row);
    if (plain.kind === 'write' || row.assumed === null) return plain;
    const merged = threeWayMerge(master, row.assumed, row.pushed, () => true) as Doc;
    return deepEqual(merged, master) ? { kind: 'keep' } : { kind: 'write', doc: merged };
  }
  const own = (doc: Doc) => withOwnEntry(doc, row.storeId);
  const canWrite = storeOverridePaths(row.storeId, master);
  const base = own(row.assumed ?? master);
  const pushed = own(row.pushed);
  const merged = withoutEmptyEntry(threeWayMerge(own(master), base, pushed, canWrite) as Doc, row.storeId, master);
  const droppedLocked = !deepEqual(threeWayMerge(base, base, pushed, canWrite), pushed);
  const note = droppedLocked ? { note: `store ${row.storeId} edits of HQ-locked fields of plan ${row.id} dropped` } : {};
  if (deepEqual(merged, master)) return droppedLocked ? { kind: 'keep', ...note } : deepEqual(master, row.pushed) ? { kind: 'unchanged' } : { kind: 'keep' };
  return { kind: 'write', doc: merged, ...note };
};

/** Per-collection conflict rules; collections not named here are master-wins. */
export const CONFLICT_RULES: Readonly<Record<string, ConflictRule>> = {
  grants: grantsMerge,
  operationRecords: appendOnly,
  auditLog: appendOnly,
  plans: plansRule,
};

/** Whether stores may push changes to HQ documents of this collection (their overrides). */
export function allowsStoreOverrides(collection: string): boolean {
  return CONFLICT_RULES[collection] === plansRule;
}

export function ruleFor(collection: string): ConflictRule {
  return CONFLICT_RULES[collection] ?? masterWins;
}
