import { z } from 'zod';
import type { MangoQuerySelector } from 'rxdb';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../core/i18n/locales/errors.ts';
import type { Customer, CustomerEvent } from '../core/customers/customer.ts';
import { fromCustomerDoc, type CustomerDoc } from '../db/schemas/customers.ts';
import { fromEventDoc } from '../db/schemas/customer-events.ts';
import { defineQuery } from './define.ts';

export interface CustomerPage {
  items: Customer[];
  /** Matching customers in all pages. */
  total: number;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const customerMethods = [
  /** A page of customers, searched by name, phone or id and filtered by store and level. */
  defineQuery(
    'customers/list-customers',
    z.object({
      search: z.string().max(100).optional(),
      storeId: z.string().max(64).optional(),
      level: z.number().int().min(0).max(9).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    async (input, ctx): Promise<CustomerPage> => {
      const { customers } = ctx.services.database.collections;
      const and: MangoQuerySelector<CustomerDoc>[] = [];
      if (input.storeId) and.push({ storeId: input.storeId });
      if (input.level !== undefined) and.push({ level: input.level });
      const search = input.search?.trim();
      if (search) {
        const pattern = escapeRegex(search);
        and.push({ $or: [{ name: { $regex: pattern } }, { phone: { $regex: pattern } }, { externalId: { $regex: pattern } }] });
      }
      const selector: MangoQuerySelector<CustomerDoc> = and.length === 0 ? {} : { $and: and };
      const [docs, total] = await Promise.all([
        customers.find({ selector, sort: [{ externalId: 'asc' }], skip: input.offset, limit: input.limit }).exec(),
        customers.count({ selector }).exec(),
      ]);
      return { items: docs.map((d) => fromCustomerDoc(d.toMutableJSON() as CustomerDoc)), total };
    },
  ),
  /** One customer with their behaviour timeline (newest first). */
  defineQuery('customers/get-customer', z.object({ externalId: z.string().min(1).max(64), events: z.number().int().min(0).max(1000).default(200) }), async (input, ctx): Promise<{ customer: Customer; events: CustomerEvent[] }> => {
    const { customers, events } = ctx.services.database.collections;
    const doc = await customers.findOne(input.externalId).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'customer' satisfies NotFoundWhat, id: input.externalId });
    const timeline = await events.find({ selector: { customerId: input.externalId }, sort: [{ customerId: 'desc' }, { at: 'desc' }], limit: input.events }).exec();
    return { customer: fromCustomerDoc(doc.toMutableJSON() as CustomerDoc), events: timeline.map((e) => fromEventDoc(e.toMutableJSON())) };
  }),
] as const;
