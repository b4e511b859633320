import type { Grant } from './grant.ts';
import type { GrantState } from './grant-state.ts';

/**
 * Where a grant stands in its lifecycle, for merging two replicas of one grant (a store's and
 * HQ's, or two devices'). Each transition adds 1 to `seq`, so the replica with the higher `seq`
 * has seen more of the grant's history and wins. Two replicas with the same `seq` took
 * different branches from the same state; the branch that reflects what happened to the
 * customer wins:
 *
 * - `used` beats everything: the customer redeemed it (used at the till while a sweep expired
 *   it, or while the store recovered it, ends as used);
 * - `recovered` (someone took it back on purpose) beats `expired` (a sweep's routine);
 * - `restored` and the holding/reserved states rank lowest, `granted` above `released` (a
 *   committed grant left the shelf; a release on another device cannot undo that).
 *
 * A `used` reached later than another replica's (higher `seq`) still wins by `seq`: e.g.
 * used → restored → expired (seq 5) beats a plain used (seq 3), since it saw that use.
 */
export const GRANT_BRANCH_RANK: Readonly<Record<GrantState, number>> = {
  reserved: 0,
  released: 1,
  granted: 2,
  restored: 3,
  expired: 4,
  recovered: 5,
  used: 6,
};

/** The fields the merge reads: the rest of a grant travels with the winner. */
export type MergeableGrant = Pick<Grant, 'id' | 'state' | 'seq' | 'updatedAt' | 'usedAt'>;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A total order on replicas of one grant: negative when `a` is behind `b`, positive when
 * ahead, 0 only for identical documents. Keys: `seq`, then the branch rank, then the earlier
 * use (two tills redeeming one code: the first one counts), then the later update, then the
 * canonical JSON (so any two replicas are ordered the same way everywhere).
 */
export function compareGrantReplicas<G extends MergeableGrant>(a: G, b: G): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  const rank = GRANT_BRANCH_RANK[a.state] - GRANT_BRANCH_RANK[b.state];
  if (rank !== 0) return rank;
  if (a.usedAt !== b.usedAt) {
    if (a.usedAt === null) return -1;
    if (b.usedAt === null) return 1;
    return b.usedAt - a.usedAt;
  }
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  const ca = canonical(a);
  const cb = canonical(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/**
 * Merges two replicas of one grant: the one further along its lifecycle, whole (its dates and
 * counters belong to its state). Commutative, associative and idempotent, so replicas merged
 * in any order end the same.
 */
export function mergeGrantReplicas<G extends MergeableGrant>(a: G, b: G): G {
  return compareGrantReplicas(a, b) >= 0 ? a : b;
}
