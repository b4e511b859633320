import type { RowIssue } from '../../core/customers/map-row.ts';
import type { Customer, CustomerEvent } from '../../core/customers/customer.ts';
import { toCustomerDoc } from '../../db/schemas/customers.ts';
import { recordEvents } from '../customers/record-events.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import type { ImportSink } from './import-file.ts';

/**
 * Writes imported rows into the database. Customers are upserted by external id (keeping what
 * was derived from their events). Events go through `recordEvents`: an id already there is
 * skipped, so re-running an import adds nothing.
 */
export function rxdbImportSink(data: AudienceData): ImportSink {
  return {
    async upsertCustomers(customers: Customer[]) {
      // Keep what was derived from events already stored.
      const existing = await data.customers.findByIds(customers.map((c) => c.externalId)).exec();
      const docs = customers.map((c) => {
        const doc = toCustomerDoc(c);
        const digest = existing.get(c.externalId)?.lastEventAt;
        if (digest) doc.lastEventAt = { ...digest };
        return doc;
      });
      const result = await data.customers.bulkUpsert(docs);
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
      await recordEvents(data, accepted.map((a) => a.event));
      return issues;
    },
  };
}
