import type { RxJsonSchema } from 'rxdb';
import type { CustomerEvent } from '../../core/customers/customer.ts';

/** A behaviour event as stored: `category` is '' when unknown so it can be indexed. */
export type CustomerEventDoc = Omit<CustomerEvent, 'category'> & { category: string };

export function toEventDoc(event: CustomerEvent): CustomerEventDoc {
  return { ...event, at: new Date(event.at).toISOString(), category: event.category ?? '' };
}

export function fromEventDoc(doc: CustomerEventDoc): CustomerEvent {
  const { category, ...rest } = doc;
  return category === '' ? rest : { ...rest, category };
}

export const customerEventSchema: RxJsonSchema<CustomerEventDoc> = {
  title: 'customer events',
  description: 'Browse, add-to-cart, order, refund and interaction events',
  version: 0,
  primaryKey: 'eventId',
  type: 'object',
  properties: {
    eventId: { type: 'string', maxLength: 80 },
    customerId: { type: 'string', maxLength: 64 },
    storeId: { type: 'string', maxLength: 64 },
    type: { type: 'string', enum: ['browse', 'addToCart', 'order', 'refund', 'interaction'], maxLength: 12 },
    // Always UTC ISO with milliseconds, so string order is time order.
    at: { type: 'string', maxLength: 24 },
    productId: { type: 'string', maxLength: 64 },
    category: { type: 'string', maxLength: 64 },
    amount: { type: 'integer', minimum: 0 },
    itemCount: { type: 'integer', minimum: 0 },
    interaction: { type: 'string', enum: ['message', 'like', 'share'], maxLength: 8 },
  },
  required: ['eventId', 'customerId', 'storeId', 'type', 'at', 'category'],
  // A customer's timeline; behaviour in a window; behaviour in a category in a window.
  indexes: [['customerId', 'at'], ['type', 'at'], ['type', 'category', 'at']],
  additionalProperties: false,
};
