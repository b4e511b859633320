import type { GroupOutcome } from './lift.ts';

/**
 * Attribution of orders to plans (last touch).
 *
 * A *touch* is a plan giving a customer rights: the earliest grant time of a customer in one
 * run of one plan. An order event (type `order`, amount in cents; refunds are not subtracted)
 * counts for a plan when it happens within the attribution window after one of the plan's
 * touches of that customer: `touch.at <= order.at < touch.at + window`. An order is counted
 * once: among all touches of the customer (every plan) whose window holds it, the most recent
 * one wins (last touch); ties (the same instant) go to the smallest plan id, then the smallest
 * run id (string order), so the answer never depends on reading order.
 */
export interface Touch {
  customerId: string;
  planId: string;
  runId: string;
  /** Epoch ms of the first grant of this customer in this run. */
  at: number;
}

export interface OrderFact {
  id: string;
  customerId: string;
  /** Epoch ms. */
  at: number;
  /** Cents. */
  amount: number;
  storeId: string;
}

export interface AttributedOrder {
  order: OrderFact;
  touch: Touch;
}

export const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 7;

/** True when `a` beats `b` as the touch of an order both windows hold. */
function wins(a: Touch, b: Touch): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.planId !== b.planId) return a.planId < b.planId;
  return a.runId < b.runId;
}

/** Touches by customer, sorted by time (then plan, run): the input of `attributeOrders`. */
export function touchesByCustomer(touches: readonly Touch[]): Map<string, Touch[]> {
  const map = new Map<string, Touch[]>();
  for (const t of touches) {
    const list = map.get(t.customerId);
    if (list) list.push(t);
    else map.set(t.customerId, [t]);
  }
  for (const list of map.values()) list.sort((a, b) => a.at - b.at || (a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  return map;
}

/** The winning touch of one order, or null when no touch's window holds it. */
export function touchOf(order: OrderFact, touches: readonly Touch[] | undefined, windowMs: number): Touch | null {
  if (!touches) return null;
  let best: Touch | null = null;
  // Sorted by time: walk back from the last touch at or before the order.
  let hi = touches.length - 1;
  let lo = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (touches[mid]!.at <= order.at) lo = mid + 1;
    else hi = mid - 1;
  }
  for (let i = hi; i >= 0; i--) {
    const t = touches[i]!;
    // Earlier touches end earlier still: none of them holds the order either.
    if (order.at >= t.at + windowMs) break;
    if (best === null) best = t;
    else if (t.at !== best.at) break;
    else if (wins(t, best)) best = t;
  }
  return best;
}

/**
 * The orders attributed to `planId` (optionally one run) under the last-touch rule. `touches`
 * must hold every plan's touches of the customers concerned, or other plans cannot win.
 */
export function attributeOrders(
  touches: readonly Touch[],
  orders: readonly OrderFact[],
  windowMs: number,
  planId: string,
  runId?: string,
): AttributedOrder[] {
  const byCustomer = touchesByCustomer(touches);
  const out: AttributedOrder[] = [];
  for (const order of orders) {
    const touch = touchOf(order, byCustomer.get(order.customerId), windowMs);
    if (touch && touch.planId === planId && (runId === undefined || touch.runId === runId)) out.push({ order, touch });
  }
  out.sort((a, b) => a.order.at - b.order.at || (a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0));
  return out;
}

/** A member of a lift group: a customer and the start of their window. */
export interface GroupMember {
  customerId: string;
  at: number;
}

/**
 * How a group did: members with at least one order in `[at, at + window)`, and the sum of
 * those orders. Not exclusive across plans (unlike attribution): treatment and control are
 * measured the same way, so other plans touch both alike.
 */
export function groupOutcome(members: readonly GroupMember[], orders: readonly OrderFact[], windowMs: number): GroupOutcome {
  const byCustomer = new Map<string, OrderFact[]>();
  for (const o of orders) {
    const list = byCustomer.get(o.customerId);
    if (list) list.push(o);
    else byCustomer.set(o.customerId, [o]);
  }
  let converted = 0;
  let revenue = 0;
  for (const m of members) {
    let any = false;
    for (const o of byCustomer.get(m.customerId) ?? []) {
      if (o.at >= m.at && o.at < m.at + windowMs) {
        any = true;
        revenue += o.amount;
      }
    }
    if (any) converted++;
  }
  return { size: members.length, converted, revenue };
}
