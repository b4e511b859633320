import { localDateOf } from '../rights/local-date.ts';
import { attributeOrders, groupOutcome, type GroupMember, type OrderFact, type Touch } from './attribution.ts';
import { computeLift, type GroupOutcome, type Lift } from './lift.ts';

/** The reason code the holdout marks control-group items with (`s: 'skipped', r: 'holdout'`). */
export const HOLDOUT_REASON = 'holdout';

/** One run as the results need it (from the run document: counts kept exact by the executor). */
export interface RunFact {
  id: string;
  occurrence: string;
  state: string;
  startedAt: number;
  finishedAt: number;
  /** Customers of the run's audience (its items). */
  audience: number;
  /** Customers who got the rights. */
  granted: number;
  /** Customers whose messages went out. */
  sent: number;
  failed: number;
  skipped: number;
  /** Skipped items, and messages left out of done items, by reason (incl. `holdout`). */
  skippedBy: Record<string, number>;
}

/** Grants of one right version in one run. */
export interface RightFact {
  runId: string;
  rightId: string;
  rightName: string;
  kind: string;
  /** Cost of one grant to the merchant (`rightCostCents`). */
  unitCostCents: number;
  /** Used by code at a till (points and growth value are not). */
  redeemable: boolean;
  /** Units granted (committed; released reservations do not count). */
  granted: number;
  /** Units used. */
  used: number;
}

/** Grants committed (`granted`) or used (`used`) in one run in one time bucket starting at `at`. */
export interface TimeCountFact {
  runId: string;
  at: number;
  granted: number;
  used: number;
  /** Of which redeemable (for the redemption rate). */
  grantedRedeemable: number;
}

/** Messages of one run by channel and state (`messages` collection). */
export interface MessageFact {
  runId: string;
  channel: string;
  state: string;
  count: number;
}

/** Control-group members of a run: touched at the run's start, nothing granted. */
export interface ControlFact {
  runId: string;
  customerId: string;
  at: number;
}

export interface PlanFacts {
  planId: string;
  planName: string;
  planStoreId: string;
  runs: RunFact[];
  rights: RightFact[];
  times: TimeCountFact[];
  messages: MessageFact[];
  /** The plan's attributed orders and lift groups for the window (`summarizeAttribution`). */
  attribution: AttributionFacts;
}

/** Attributed orders of one run in one 15-minute bucket (starting at `at`) at one store. */
export interface AttributedBucket {
  runId: string;
  at: number;
  storeId: string;
  orders: number;
  revenue: number;
}

export interface AttributionFacts {
  buckets: AttributedBucket[];
  /** Distinct customers with an attributed order, per run. */
  buyersByRun: { runId: string; buyers: number }[];
  /** Distinct customers with an attributed order over all runs. */
  buyers: number;
  /** Treatment and control outcomes of each run that kept a control group. */
  groups: { runId: string; treatment: GroupOutcome; control: GroupOutcome }[];
}

export const BUCKET_MS = 15 * 60_000;

export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

/**
 * The attribution facts of a plan, computed in memory from every plan's touches of the
 * customers concerned, their orders and the control groups: the reference the SQL reader of
 * `main/engine/insight` must match.
 */
export function summarizeAttribution(planId: string, touches: readonly Touch[], orders: readonly OrderFact[], control: readonly ControlFact[], windowMs: number): AttributionFacts {
  const buckets = new Map<string, AttributedBucket>();
  const buyersByRun = new Map<string, Set<string>>();
  const buyers = new Set<string>();
  for (const { order, touch } of attributeOrders(touches, orders, windowMs, planId)) {
    const at = bucketOf(order.at);
    const key = `${touch.runId}\u0000${at}\u0000${order.storeId}`;
    const b = buckets.get(key) ?? { runId: touch.runId, at, storeId: order.storeId, orders: 0, revenue: 0 };
    b.orders++;
    b.revenue += order.amount;
    buckets.set(key, b);
    let set = buyersByRun.get(touch.runId);
    if (!set) buyersByRun.set(touch.runId, (set = new Set()));
    set.add(order.customerId);
    buyers.add(order.customerId);
  }
  const groups: AttributionFacts['groups'] = [];
  for (const runId of [...new Set(control.map((c) => c.runId))].sort()) {
    const treated: GroupMember[] = touches.filter((t) => t.planId === planId && t.runId === runId);
    const members: GroupMember[] = control.filter((c) => c.runId === runId);
    groups.push({ runId, treatment: groupOutcome(treated, orders, windowMs), control: groupOutcome(members, orders, windowMs) });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    buckets: [...buckets.values()].sort((a, b) => cmp(a.runId, b.runId) || a.at - b.at || cmp(a.storeId, b.storeId)),
    buyersByRun: [...buyersByRun].map(([runId, set]) => ({ runId, buyers: set.size })).sort((a, b) => cmp(a.runId, b.runId)),
    buyers: buyers.size,
    groups,
  };
}

export interface ResultTotals {
  audience: number;
  granted: number;
  grants: number;
  used: number;
  /** used / granted units of redeemable rights; null when none was granted. */
  redemptionRate: number | null;
  sent: number;
  failed: number;
  skipped: number;
  holdout: number;
  orders: number;
  /** Cents. */
  revenue: number;
  /** Customers with at least one attributed order. */
  buyers: number;
  costGrantedCents: number;
  costUsedCents: number;
}

export interface RunResult extends ResultTotals {
  id: string;
  occurrence: string;
  state: string;
  startedAt: number;
  finishedAt: number;
}

export interface DailyPoint {
  /** Local date in the plan's zone. */
  date: string;
  granted: number;
  used: number;
  /** Used so far / redeemable granted so far (null before any). */
  cumulativeRedemptionRate: number | null;
  orders: number;
  revenue: number;
}

export interface RightResult {
  rightId: string;
  rightName: string;
  kind: string;
  unitCostCents: number;
  granted: number;
  used: number;
  costGrantedCents: number;
  costUsedCents: number;
}

export interface StoreResult {
  storeId: string;
  orders: number;
  revenue: number;
}

export interface ChannelResult {
  channel: string;
  sent: number;
  failed: number;
  other: number;
}

export interface PlanResults {
  planId: string;
  planName: string;
  planStoreId: string;
  /** The run the results are limited to, or null for the whole plan. */
  runId: string | null;
  windowDays: number;
  zone: string;
  totals: ResultTotals;
  runs: RunResult[];
  daily: DailyPoint[];
  rights: RightResult[];
  channels: ChannelResult[];
  skippedBy: Record<string, number>;
  /** Attributed orders by the store where the order was placed. */
  stores: StoreResult[];
  /** Against the control group, over the runs that kept one; null without a holdout. */
  lift: Lift | null;
  liftRuns: number;
}

/**
 * Local dates of instants, remembered per 15-minute bucket: every zone's midnight falls on a
 * quarter hour, so all instants of a bucket share their date.
 */
export function localDayOf(zone: string): (at: number) => string {
  const cache = new Map<number, string>();
  return (at) => {
    const bucket = Math.floor(at / BUCKET_MS);
    let date = cache.get(bucket);
    if (date === undefined) {
      date = localDateOf(bucket * BUCKET_MS, zone);
      cache.set(bucket, date);
    }
    return date;
  };
}

function emptyTotals(): ResultTotals {
  return {
    audience: 0, granted: 0, grants: 0, used: 0, redemptionRate: null, sent: 0, failed: 0, skipped: 0, holdout: 0,
    orders: 0, revenue: 0, buyers: 0, costGrantedCents: 0, costUsedCents: 0,
  };
}

function addReasons(into: Record<string, number>, add: Record<string, number>): void {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Campaign results of one plan (or one of its runs) from its facts: counts, rights and their
 * cost, attributed orders (last touch within `windowDays`), daily series and the lift against
 * the control group. Pure: the same facts always give the same results.
 */
export function computePlanResults(facts: PlanFacts, options: { windowDays: number; zone: string; runId?: string }): PlanResults {
  const { windowDays, zone, runId } = options;
  const inScope = (id: string) => runId === undefined || id === runId;
  const dayOf = localDayOf(zone);
  const runs = facts.runs.filter((r) => inScope(r.id)).sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  const byRun = new Map<string, RunResult>(runs.map((r) => [r.id, { ...emptyTotals(), id: r.id, occurrence: r.occurrence, state: r.state, startedAt: r.startedAt, finishedAt: r.finishedAt }]));
  const totals = emptyTotals();
  const skippedBy: Record<string, number> = {};
  for (const r of runs) {
    const row = byRun.get(r.id)!;
    row.audience = r.audience;
    row.granted = r.granted;
    row.sent = r.sent;
    row.failed = r.failed;
    row.skipped = r.skipped;
    row.holdout = r.skippedBy[HOLDOUT_REASON] ?? 0;
    addReasons(skippedBy, r.skippedBy);
  }

  // Rights: units, use and cost.
  const rights = new Map<string, RightResult>();
  const redeemable = new Map<string, { granted: number; used: number }>();
  for (const f of facts.rights) {
    const row = byRun.get(f.runId);
    if (!row) continue;
    row.grants += f.granted;
    row.used += f.used;
    row.costGrantedCents += f.granted * f.unitCostCents;
    row.costUsedCents += f.used * f.unitCostCents;
    if (f.redeemable) {
      const r = redeemable.get(f.runId) ?? { granted: 0, used: 0 };
      r.granted += f.granted;
      r.used += f.used;
      redeemable.set(f.runId, r);
    }
    const key = `${f.rightId}\u0000${f.unitCostCents}`;
    const right = rights.get(key) ?? { rightId: f.rightId, rightName: f.rightName, kind: f.kind, unitCostCents: f.unitCostCents, granted: 0, used: 0, costGrantedCents: 0, costUsedCents: 0 };
    right.granted += f.granted;
    right.used += f.used;
    right.costGrantedCents += f.granted * f.unitCostCents;
    right.costUsedCents += f.used * f.unitCostCents;
    rights.set(key, right);
  }
  for (const [id, r] of redeemable) {
    const row = byRun.get(id);
    if (row) row.redemptionRate = r.granted === 0 ? null : r.used / r.granted;
  }

  // Messages by channel.
  const channels = new Map<string, ChannelResult>();
  for (const m of facts.messages) {
    if (!byRun.has(m.runId)) continue;
    const c = channels.get(m.channel) ?? { channel: m.channel, sent: 0, failed: 0, other: 0 };
    if (m.state === 'sent') c.sent += m.count;
    else if (m.state === 'failed') c.failed += m.count;
    else c.other += m.count;
    channels.set(m.channel, c);
  }

  // Attributed orders.
  const stores = new Map<string, StoreResult>();
  const days = new Map<string, DailyPoint>();
  const day = (date: string) => {
    let d = days.get(date);
    if (!d) days.set(date, (d = { date, granted: 0, used: 0, cumulativeRedemptionRate: null, orders: 0, revenue: 0 }));
    return d;
  };
  for (const b of facts.attribution.buckets) {
    const row = byRun.get(b.runId);
    if (!row) continue;
    row.orders += b.orders;
    row.revenue += b.revenue;
    const s = stores.get(b.storeId) ?? { storeId: b.storeId, orders: 0, revenue: 0 };
    s.orders += b.orders;
    s.revenue += b.revenue;
    stores.set(b.storeId, s);
    const d = day(dayOf(b.at));
    d.orders += b.orders;
    d.revenue += b.revenue;
  }
  for (const { runId: id, buyers } of facts.attribution.buyersByRun) {
    const row = byRun.get(id);
    if (row) row.buyers = buyers;
  }

  // Daily grants and uses, and the redemption rate so far.
  const redeemableByDay = new Map<string, number>();
  for (const t of facts.times) {
    if (!byRun.has(t.runId)) continue;
    if (t.granted > 0) {
      const date = dayOf(t.at);
      day(date).granted += t.granted;
      redeemableByDay.set(date, (redeemableByDay.get(date) ?? 0) + t.grantedRedeemable);
    }
    if (t.used > 0) day(dayOf(t.at)).used += t.used;
  }
  const daily = [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  let grantedSoFar = 0;
  let usedSoFar = 0;
  for (const d of daily) {
    grantedSoFar += redeemableByDay.get(d.date) ?? 0;
    usedSoFar += d.used;
    d.cumulativeRedemptionRate = grantedSoFar === 0 ? null : usedSoFar / grantedSoFar;
  }

  // Totals over the runs in scope.
  const runResults = runs.map((r) => byRun.get(r.id)!);
  for (const r of runResults) {
    for (const k of ['audience', 'granted', 'grants', 'used', 'sent', 'failed', 'skipped', 'holdout', 'orders', 'revenue', 'costGrantedCents', 'costUsedCents'] as const) totals[k] += r[k];
  }
  totals.buyers = runId === undefined ? facts.attribution.buyers : (byRun.get(runId)?.buyers ?? 0);
  let redeemableGranted = 0;
  let redeemableUsed = 0;
  for (const [id, r] of redeemable) {
    if (!byRun.has(id)) continue;
    redeemableGranted += r.granted;
    redeemableUsed += r.used;
  }
  totals.redemptionRate = redeemableGranted === 0 ? null : redeemableUsed / redeemableGranted;

  // Lift over the runs that kept a control group.
  const groups = facts.attribution.groups.filter((g) => byRun.has(g.runId));
  let lift: Lift | null = null;
  if (groups.length > 0) {
    const sum = (pick: (g: (typeof groups)[number]) => GroupOutcome): GroupOutcome =>
      groups.map(pick).reduce((a, b) => ({ size: a.size + b.size, converted: a.converted + b.converted, revenue: a.revenue + b.revenue }), { size: 0, converted: 0, revenue: 0 });
    lift = computeLift(sum((g) => g.treatment), sum((g) => g.control));
  }

  return {
    planId: facts.planId,
    planName: facts.planName,
    planStoreId: facts.planStoreId,
    runId: runId ?? null,
    windowDays,
    zone,
    totals,
    runs: runResults,
    daily,
    rights: [...rights.values()].sort((a, b) => b.granted - a.granted || (a.rightId < b.rightId ? -1 : 1)),
    channels: [...channels.values()].sort((a, b) => (a.channel < b.channel ? -1 : 1)),
    skippedBy,
    stores: [...stores.values()].sort((a, b) => b.revenue - a.revenue || (a.storeId < b.storeId ? -1 : 1)),
    lift,
    liftRuns: groups.length,
  };
}
