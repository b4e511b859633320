import type { MangoQuerySelector } from 'rxdb';
import type { AbsenceCondition, BehaviourCondition, RuleNode } from '../../core/audience/rule.ts';
import { windowMs } from '../../core/audience/evaluate.ts';
import type { CustomerEventDoc } from '../../db/schemas/customer-events.ts';
import type { AudienceData } from './audience-data.ts';
import { plainQuery } from './plain-query.ts';

export type BehaviourLike = BehaviourCondition | AbsenceCondition;

/** Every behaviour and absence condition in a rule tree. */
export function behaviourConditions(node: RuleNode, out: BehaviourLike[] = []): BehaviourLike[] {
  if ('op' in node) {
    if (node.op === 'not') behaviourConditions(node.child, out);
    else for (const child of node.children) behaviourConditions(child, out);
  } else if (node.kind === 'behaviour' || node.kind === 'absence') out.push(node);
  return out;
}

/** Conditions that `lastEventAt` alone can answer: no product/category filter, one occurrence. */
export function digestAnswers(c: BehaviourLike): boolean {
  const unfiltered = c.filter.category === undefined && c.filter.productId === undefined && c.filter.interaction === undefined;
  return unfiltered && (c.kind === 'absence' || c.minCount === 1);
}

function windowSelector(c: BehaviourLike, type: CustomerEventDoc['type'], now: number, withFilter: boolean): MangoQuerySelector<CustomerEventDoc> {
  const from = new Date(now - windowMs(c.within)).toISOString();
  const selector: MangoQuerySelector<CustomerEventDoc> = { type, at: { $gt: from, $lte: new Date(now).toISOString() } };
  if (withFilter) {
    if (c.filter.category !== undefined) selector.category = c.filter.category;
    if (c.filter.productId !== undefined) selector.productId = c.filter.productId;
    if (c.filter.interaction !== undefined) selector.interaction = c.filter.interaction;
  }
  return selector;
}

async function eventsInWindow(data: AudienceData, selector: MangoQuerySelector<CustomerEventDoc>): Promise<CustomerEventDoc[]> {
  // Answered by the [type, category, at] or [type, at] index as a range scan.
  return plainQuery(data.events, { selector });
}

/**
 * The ids of customers who satisfy one behaviour or absence condition at `now`, computed
 * with indexed range queries over the window (never a scan of all events).
 */
export async function customersWithBehaviour(data: AudienceData, c: BehaviourLike, now: number): Promise<Set<string>> {
  const matching = await eventsInWindow(data, windowSelector(c, c.event, now, true));
  if (c.kind === 'behaviour') {
    const counts = new Map<string, number>();
    const result = new Set<string>();
    for (const e of matching) {
      const n = (counts.get(e.customerId) ?? 0) + 1;
      counts.set(e.customerId, n);
      if (n >= c.minCount) result.add(e.customerId);
    }
    return result;
  }
  const latest = new Map<string, string>();
  for (const e of matching) if ((latest.get(e.customerId) ?? '') < e.at) latest.set(e.customerId, e.at);
  if (latest.size === 0) return new Set();
  // A follow-up after the latest matching event is itself inside the window.
  const followUps = await eventsInWindow(data, windowSelector(c, c.thenNo, now, false));
  for (const e of followUps) {
    const last = latest.get(e.customerId);
    if (last !== undefined && e.at >= last) latest.delete(e.customerId);
  }
  return new Set(latest.keys());
}
