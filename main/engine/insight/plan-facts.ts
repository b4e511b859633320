import { HOLDOUT_REASON, type AttributionFacts, type ControlFact, type MessageFact, type PlanFacts, type RightFact, type RunFact, type TimeCountFact } from '../../core/insight/results.ts';
import type { Run } from '../../core/plans/run.ts';
import { isRedeemable } from '../../core/rights/right.ts';
import type { RightKind } from '../../core/rights/right-kind.ts';
import type { RightSpec } from '../../core/rights/right-params.ts';
import { rightCostCents } from '../../core/rights/right-cost.ts';

/** A plan as the results need it. */
export interface PlanHead {
  id: string;
  name: string;
  storeId: string;
}

/**
 * A plan's grants of one right version in one run in one 15-minute bucket: how many were
 * committed (`granted`) and how many used (`used`) in it. Only committed grants count.
 */
export interface GrantGroup {
  runId: string;
  rightId: string;
  rightVersion: number;
  rightName: string;
  kind: string;
  params: Record<string, unknown>;
  /** Bucket start (epoch ms). */
  bucket: number;
  granted: number;
  used: number;
}

export function runFact(run: Run): RunFact {
  return {
    id: run.id,
    occurrence: run.occurrence,
    state: run.state,
    startedAt: run.startedAt || run.scheduledAt,
    finishedAt: run.finishedAt,
    audience: run.counts.total,
    granted: run.counts.granted,
    sent: run.counts.sent,
    failed: run.counts.failed,
    skipped: run.counts.skipped,
    skippedBy: run.skippedBy,
  };
}

function redeemable(kind: string, params: Record<string, unknown>): boolean {
  try {
    return isRedeemable({ kind, params } as RightSpec);
  } catch {
    return false;
  }
}

/** Rights facts and time buckets from the grouped grants (shared by the SQL and the naive loader). */
export function rightsAndTimes(groups: readonly GrantGroup[]): { rights: RightFact[]; times: TimeCountFact[] } {
  const rights = new Map<string, RightFact>();
  const times = new Map<string, TimeCountFact>();
  const time = (runId: string, at: number) => {
    const key = `${runId}\u0000${at}`;
    let t = times.get(key);
    if (!t) times.set(key, (t = { runId, at, granted: 0, used: 0, grantedRedeemable: 0 }));
    return t;
  };
  for (const g of groups) {
    const isRedeemable = redeemable(g.kind, g.params);
    const key = `${g.runId}\u0000${g.rightId}\u0000${g.rightVersion}`;
    let r = rights.get(key);
    if (!r) {
      r = { runId: g.runId, rightId: g.rightId, rightName: g.rightName, kind: g.kind, unitCostCents: rightCostCents(g.kind as RightKind, g.params), redeemable: isRedeemable, granted: 0, used: 0 };
      rights.set(key, r);
    }
    r.granted += g.granted;
    r.used += g.used;
    const t = time(g.runId, g.bucket);
    t.granted += g.granted;
    t.used += g.used;
    if (isRedeemable) t.grantedRedeemable += g.granted;
  }
  return { rights: [...rights.values()], times: [...times.values()] };
}

/** Holdout members of a run from its chunks' items (`s: 'skipped', r: 'holdout'`). */
export function controlOf(runId: string, at: number, tasks: readonly { readonly customerIds: readonly string[]; readonly items: readonly { readonly s: string; readonly r?: string }[] }[]): ControlFact[] {
  const out: ControlFact[] = [];
  for (const task of tasks) {
    task.items.forEach((item, i) => {
      const customerId = task.customerIds[i];
      if (item.s === 'skipped' && item.r === HOLDOUT_REASON && customerId !== undefined) out.push({ runId, customerId, at });
    });
  }
  return out;
}

/** The facts of a plan, however they were read. */
export interface PlanFactsParts {
  plan: PlanHead;
  runs: RunFact[];
  groups: GrantGroup[];
  messages: MessageFact[];
  attribution: AttributionFacts;
}

export function toPlanFacts(parts: PlanFactsParts): PlanFacts {
  const { rights, times } = rightsAndTimes(parts.groups);
  return {
    planId: parts.plan.id,
    planName: parts.plan.name,
    planStoreId: parts.plan.storeId,
    runs: parts.runs,
    rights,
    times,
    messages: parts.messages,
    attribution: parts.attribution,
  };
}
