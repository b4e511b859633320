import type { OrderFact, Touch } from '../../core/insight/attribution.ts';
import { bucketOf, HOLDOUT_REASON, summarizeAttribution, type ControlFact, type MessageFact, type PlanFacts } from '../../core/insight/results.ts';
import type { Run } from '../../core/plans/run.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { AppCollections } from '../../db/collections.ts';
import { controlOf, runFact, toPlanFacts, type GrantGroup, type PlanFactsParts } from './plan-facts.ts';

/**
 * The same facts as `readPlanFactsSql`, the naive way: every grant and every order event
 * loaded through RxDB queries and filtered in JavaScript. The benchmark's baseline, and the
 * reference the SQL reader is tested against.
 */
export async function readPlanFactsNaive(collections: AppCollections, planId: string, windowMs: number): Promise<PlanFacts> {
  return naivePlanFacts(await loadPlanDataNaive(collections, planId), windowMs);
}

/** Everything the naive computation needs, loaded once (any window can be computed from it). */
export interface NaivePlanData {
  parts: Omit<PlanFactsParts, 'attribution'>;
  touches: Touch[];
  orders: OrderFact[];
  control: ControlFact[];
}

export function naivePlanFacts(data: NaivePlanData, windowMs: number): PlanFacts {
  return toPlanFacts({ ...data.parts, attribution: summarizeAttribution(data.parts.plan.id, data.touches, data.orders, data.control, windowMs) });
}

export async function loadPlanDataNaive(collections: AppCollections, planId: string): Promise<NaivePlanData> {
  const planDoc = await collections.plans.findOne(planId).exec();
  if (!planDoc) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan' satisfies NotFoundWhat, id: planId });
  const runs = (await collections.planRuns.find({ selector: { planId } }).exec()).map((d) => d.toMutableJSON() as Run);
  const allGrants = (await collections.grants.find().exec()).map((d) => d.toJSON());
  const planGrants = allGrants.filter((g) => g.planKey === planId);

  const groups = new Map<string, GrantGroup>();
  const group = (g: (typeof planGrants)[number], bucket: number) => {
    const key = JSON.stringify([g.runId, g.rightId, g.rightVersion, bucket]);
    let found = groups.get(key);
    if (!found) {
      found = { runId: g.runId ?? '', rightId: g.rightId, rightVersion: g.rightVersion, rightName: g.rightName, kind: g.kind, params: g.params as Record<string, unknown>, bucket, granted: 0, used: 0 };
      groups.set(key, found);
    }
    return found;
  };
  for (const g of planGrants) {
    if (g.grantedAt === null) continue;
    group(g, bucketOf(g.grantedAt)).granted++;
    if (g.usedAt !== null) group(g, bucketOf(g.usedAt)).used++;
  }

  const customers = new Set(planGrants.filter((g) => g.grantedAt !== null).map((g) => g.customerId));
  const touchMap = new Map<string, Touch>();
  for (const g of allGrants) {
    if (g.planId === null || g.grantedAt === null || !customers.has(g.customerId)) continue;
    const key = JSON.stringify([g.customerId, g.planId, g.runId]);
    const known = touchMap.get(key);
    if (!known || g.grantedAt < known.at) touchMap.set(key, { customerId: g.customerId, planId: g.planId, runId: g.runId ?? '', at: g.grantedAt });
  }

  const control: ControlFact[] = [];
  for (const run of runs) {
    if (!(run.skippedBy[HOLDOUT_REASON] ?? 0)) continue;
    const tasks = (await collections.tasks.find({ selector: { runId: run.id } }).exec()).map((d) => d.toJSON());
    control.push(...controlOf(run.id, run.startedAt || run.scheduledAt, tasks));
  }
  const concerned = new Set([...customers, ...control.map((c) => c.customerId)]);
  const orders: OrderFact[] = [];
  for (const d of await collections.events.find({ selector: { type: 'order' } }).exec()) {
    const e = d.toJSON();
    if (concerned.has(e.customerId)) orders.push({ id: e.eventId, customerId: e.customerId, at: Date.parse(e.at), amount: e.amount ?? 0, storeId: e.storeId });
  }

  const counts = new Map<string, MessageFact>();
  for (const d of await collections.messages.find({ selector: { planId } }).exec()) {
    const m = d.toJSON();
    const key = JSON.stringify([m.runId, m.channel, m.state]);
    const fact = counts.get(key);
    if (fact) fact.count++;
    else counts.set(key, { runId: m.runId, channel: m.channel, state: m.state, count: 1 });
  }

  const plan = planDoc.toJSON();
  return {
    parts: { plan: { id: plan.id, name: plan.name, storeId: plan.storeId }, runs: runs.map(runFact), groups: [...groups.values()], messages: [...counts.values()] },
    touches: [...touchMap.values()],
    orders,
    control,
  };
}
