import type { RxJsonSchema } from 'rxdb';
import type { Customer, EventType } from '../../core/customers/customer.ts';

/** The newest event time per event type (UTC ISO), kept by `recordEvents`. */
export type LastEventAt = Partial<Record<EventType, string>>;

/**
 * A customer as stored: the domain model plus derived fields: `birthMonthDay` ('MM-DD', ''
 * when unknown) so "birthday this week/month" is an index lookup, and `lastEventAt` so
 * "did X in the last N days (and no Y since)" needs no event scan. Events are written only
 * through `engine/customers/record-events.ts`, which keeps `lastEventAt` in step.
 */
export type CustomerDoc = Customer & { birthMonthDay: string; lastEventAt?: LastEventAt };

/** Instants are stored as UTC ISO with milliseconds, so string order is time order. */
function canonical(instant: string | undefined): string | undefined {
  return instant === undefined ? undefined : new Date(instant).toISOString();
}

export function toCustomerDoc(customer: Customer): CustomerDoc {
  const doc: CustomerDoc = { ...customer, registeredAt: new Date(customer.registeredAt).toISOString(), birthMonthDay: customer.birthday ? customer.birthday.slice(5) : '' };
  const fanSince = canonical(customer.fanSince);
  const lastOrderAt = canonical(customer.lastOrderAt);
  if (fanSince !== undefined) doc.fanSince = fanSince;
  if (lastOrderAt !== undefined) doc.lastOrderAt = lastOrderAt;
  return doc;
}

export function fromCustomerDoc(doc: CustomerDoc): Customer {
  const { birthMonthDay: _derived, lastEventAt: _digest, ...customer } = doc;
  return customer;
}

const instant = { type: 'string', maxLength: 40 } as const;

export const customerSchema: RxJsonSchema<CustomerDoc> = {
  title: 'customers',
  description: 'Members, fans and visitors of the chain',
  version: 0,
  primaryKey: 'externalId',
  type: 'object',
  properties: {
    externalId: { type: 'string', maxLength: 64 },
    storeId: { type: 'string', maxLength: 64 },
    name: { type: 'string', maxLength: 100 },
    phone: { type: 'string', maxLength: 32 },
    email: { type: 'string', maxLength: 254 },
    gender: { type: 'string', enum: ['female', 'male', 'unknown'], maxLength: 8 },
    birthday: { type: 'string', maxLength: 10 },
    birthMonthDay: { type: 'string', maxLength: 5 },
    level: { type: 'integer', minimum: 0, maximum: 9, multipleOf: 1 },
    tags: { type: 'array', items: { type: 'string', maxLength: 40 } },
    points: { type: 'integer', minimum: 0 },
    growth: { type: 'integer', minimum: 0 },
    isFan: { type: 'boolean' },
    fanSince: instant,
    registeredAt: instant,
    totalSpend: { type: 'integer' },
    lastOrderAt: instant,
    lastEventAt: {
      type: 'object',
      properties: { browse: instant, addToCart: instant, order: instant, refund: instant, interaction: instant },
      additionalProperties: false,
    },
    consent: {
      type: 'object',
      properties: { sms: { type: 'boolean' }, email: { type: 'boolean' }, wechat: { type: 'boolean' }, app: { type: 'boolean' } },
      additionalProperties: false,
    },
  },
  required: ['externalId', 'storeId', 'name', 'gender', 'birthMonthDay', 'level', 'tags', 'points', 'growth', 'isFan', 'registeredAt', 'totalSpend', 'consent'],
  // Audience rules narrow by store, level and birthday first; the list screen sorts by name.
  indexes: [['storeId', 'level'], 'level', 'birthMonthDay', ['isFan', 'storeId'], 'registeredAt', 'name'],
  additionalProperties: false,
};
