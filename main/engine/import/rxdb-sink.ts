import type { RowIssue } from '../../core/customers/map-row.ts';
import type { Customer, CustomerEvent } from '../../core/customers/customer.ts';
import { toEventDoc } from '../../db/schemas/customer-events.ts';
import { toCustomerDoc, type CustomerDoc } from '../../db/schemas/customers.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import type { ImportSink } from './import-file.ts';

/**
 * Writes imported rows into the database. Customers are upserted by external id. Events are
 * inserted by id (an id already there is skipped, so re-running an import adds nothing);
 * orders and refunds that are new update the customer's total spend and last order time.
 */
export function rxdbImportSink(data: AudienceData): ImportSink {
  return {
    async upsertCustomers(customers: Customer[]) {
      const result = await data.customers.bulkUpsert(customers.map(toCustomerDoc));
      if (result.error.length > 0) throw new Error(`customers upsert failed: ${JSON.stringify(result.error[0])}`);
    },
    async insertEvents(events: CustomerEvent[]) {
      const issues = new Map<number, RowIssue>();
      const known = await data.customers.findByIds([...new Set(events.map((e) => e.customerId))]).exec();
      const accepted: { index: number; event: CustomerEvent }[] = [];
      events.forEach((event, index) => {
        if (known.has(event.customerId)) accepted.push({ index, event });
        else issues.set(index, { column: 'customerId', reason: `customer ${event.customerId} does not exist; import customers first` });
      });
      const result = await data.events.bulkInsert(accepted.map((a) => toEventDoc(a.event)));
      const fresh = new Set(result.success.map((d) => d.eventId));
      for (const error of result.error) {
        // 409: imported before. Anything else is a real failure.
        if (error.status !== 409) throw new Error(`events insert failed: ${JSON.stringify(error)}`);
      }
      const spend = new Map<string, { delta: number; lastOrderAt: string }>();
      for (const { event } of accepted) {
        if (!fresh.has(event.eventId) || (event.type !== 'order' && event.type !== 'refund')) continue;
        const s = spend.get(event.customerId) ?? { delta: 0, lastOrderAt: '' };
        s.delta += (event.type === 'order' ? 1 : -1) * (event.amount ?? 0);
        const at = new Date(event.at).toISOString();
        if (event.type === 'order' && at > s.lastOrderAt) s.lastOrderAt = at;
        spend.set(event.customerId, s);
      }
      for (const [id, s] of spend) {
        const doc = known.get(id);
        if (!doc) continue;
        await doc.incrementalModify((c: CustomerDoc) => {
          c.totalSpend += s.delta;
          if (s.lastOrderAt && (!c.lastOrderAt || s.lastOrderAt > c.lastOrderAt)) c.lastOrderAt = s.lastOrderAt;
          return c;
        });
      }
      return issues;
    },
  };
}
