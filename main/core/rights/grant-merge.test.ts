import { GRANT_STATES, TRANSITIONS, type GrantEventType, type GrantState } from './grant-state.ts';
import { compareGrantReplicas, mergeGrantReplicas, type MergeableGrant } from './grant-merge.ts';

const g = (state: GrantState, seq: number, extra: Partial<MergeableGrant> = {}): MergeableGrant => ({
  id: 'G1',
  state,
  seq,
  updatedAt: 1000 + seq,
  usedAt: state === 'used' ? 500 + seq : null,
  ...extra,
});

/** Every replica reachable from `granted` (seq 2) in up to `depth` transitions. */
function histories(depth: number): MergeableGrant[] {
  const out: MergeableGrant[] = [];
  const walk = (grant: MergeableGrant, left: number) => {
    out.push(grant);
    if (left === 0) return;
    for (const [event, to] of Object.entries(TRANSITIONS[grant.state]) as [GrantEventType, GrantState][]) {
      walk({ ...grant, state: to, seq: grant.seq + 1, updatedAt: grant.updatedAt + 10 + event.length, usedAt: to === 'used' ? grant.updatedAt + 1 : grant.usedAt }, left - 1);
    }
  };
  walk(g('reserved', 1), depth);
  return out;
}

describe('grant merge', () => {
  it('ends as used when one side used it and the other expired or recovered it', () => {
    expect(mergeGrantReplicas(g('used', 3), g('expired', 3)).state).toBe('used');
    expect(mergeGrantReplicas(g('expired', 3), g('used', 3)).state).toBe('used');
    expect(mergeGrantReplicas(g('recovered', 3), g('used', 3)).state).toBe('used');
    expect(mergeGrantReplicas(g('expired', 3), g('recovered', 3)).state).toBe('recovered');
    expect(mergeGrantReplicas(g('released', 2), g('granted', 2)).state).toBe('granted');
  });

  it('lets the replica that saw more of the history win', () => {
    // used → restored (seq 4) saw the use; a sweep that expired the original (seq 3) did not.
    expect(mergeGrantReplicas(g('restored', 4), g('expired', 3)).state).toBe('restored');
    expect(mergeGrantReplicas(g('used', 3), g('expired', 5)).state).toBe('expired');
    expect(mergeGrantReplicas(g('granted', 2), g('reserved', 1)).state).toBe('granted');
  });

  it('keeps the first use when two tills used the same code', () => {
    const early = g('used', 3, { usedAt: 100, updatedAt: 200 });
    const late = g('used', 3, { usedAt: 150, updatedAt: 150 });
    expect(mergeGrantReplicas(early, late)).toBe(early);
    expect(mergeGrantReplicas(late, early)).toBe(early);
  });

  it('is a total order: commutative, associative, idempotent over every reachable replica', () => {
    const all = histories(6);
    expect(new Set(all.map((r) => r.state))).toEqual(new Set(GRANT_STATES));
    for (const a of all) {
      expect(mergeGrantReplicas(a, a)).toBe(a);
      for (const b of all) {
        expect(Math.sign(compareGrantReplicas(a, b)) + Math.sign(compareGrantReplicas(b, a))).toBe(0);
        expect(mergeGrantReplicas(a, b)).toEqual(mergeGrantReplicas(b, a));
      }
    }
    const sample = all.filter((_, i) => i % 3 === 0);
    for (const a of sample) for (const b of sample) for (const c of sample) {
      expect(mergeGrantReplicas(mergeGrantReplicas(a, b), c)).toEqual(mergeGrantReplicas(a, mergeGrantReplicas(b, c)));
    }
  });
});
