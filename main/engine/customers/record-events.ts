import type { RxCollection } from 'rxdb';
import type { Customer, CustomerEvent } from '../../core/customers/customer.ts';
import { toEventDoc, type CustomerEventDoc } from '../../db/schemas/customer-events.ts';
import { toCustomerDoc, type CustomerDoc, type LastEventAt } from '../../db/schemas/customers.ts';

export interface CustomerCollections {
  customers: RxCollection<CustomerDoc>;
  events: RxCollection<CustomerEventDoc>;
}

/** The newest time per event type over a customer's events, merged into `into`. */
export function mergeLastEventAt(into: LastEventAt, events: Iterable<Pick<CustomerEvent, 'type' | 'at'>>): LastEventAt {
  for (const e of events) {
    const at = new Date(e.at).toISOString();
    const current = into[e.type];
    if (current === undefined || at > current) into[e.type] = at;
  }
  return into;
}

/**
 * A customer document for bulk loading a customer together with all their events (demo data,
 * benches): derived fields computed from the events in one go.
 */
export function customerDocWithEvents(customer: Customer, events: readonly CustomerEvent[]): CustomerDoc {
  const doc = toCustomerDoc(customer);
  if (events.length > 0) doc.lastEventAt = mergeLastEventAt({}, events);
  return doc;
}

/**
 * The one way events are written: inserts new events (an id already stored is skipped, so
 * repeating a write adds nothing) and brings each customer's derived fields up to date:
 * `lastEventAt`, and total spend and last order time for new orders and refunds.
 * Returns the ids that were new. Customers must exist.
 */
export async function recordEvents(collections: CustomerCollections, events: CustomerEvent[]): Promise<Set<string>> {
  const result = await collections.events.bulkInsert(events.map(toEventDoc));
  for (const error of result.error) {
    // 409: stored before. Anything else is a real failure.
    if (error.status !== 409) throw new Error(`events insert failed: ${JSON.stringify(error)}`);
  }
  const fresh = new Set(result.success.map((d) => d.eventId));
  const byCustomer = new Map<string, CustomerEvent[]>();
  for (const e of events) {
    if (!fresh.has(e.eventId)) continue;
    const list = byCustomer.get(e.customerId);
    if (list) list.push(e);
    else byCustomer.set(e.customerId, [e]);
  }
  if (byCustomer.size === 0) return fresh;
  const docs = await collections.customers.findByIds([...byCustomer.keys()]).exec();
  // One write for the whole batch: imports touch thousands of customers at a time.
  const updated: CustomerDoc[] = [];
  for (const [id, list] of byCustomer) {
    const doc = docs.get(id);
    if (!doc) continue;
    const c = doc.toMutableJSON() as CustomerDoc;
    c.lastEventAt = mergeLastEventAt({ ...(c.lastEventAt ?? {}) }, list);
    for (const e of list) {
      if (e.type === 'order') c.totalSpend += e.amount ?? 0;
      if (e.type === 'refund') c.totalSpend -= e.amount ?? 0;
    }
    const lastOrder = c.lastEventAt.order;
    if (lastOrder && (!c.lastOrderAt || lastOrder > c.lastOrderAt)) c.lastOrderAt = lastOrder;
    updated.push(c);
  }
  const written = await collections.customers.bulkUpsert(updated);
  if (written.error.length > 0) throw new Error(`customer update failed: ${JSON.stringify(written.error[0])}`);
  return fresh;
}
