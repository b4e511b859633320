import { describe, expect, it } from 'vitest';
import { customerEventSchema, customerSchema } from '../../main/core/customers/customer.ts';
import { generateDemo } from './generate-demo.ts';

describe('demo data', () => {
  const now = Date.parse('2026-11-25T00:00:00Z');
  const chain = [...generateDemo({ stores: 3, customers: 2000, now, seed: 7 })];

  it('produces valid customers and events', () => {
    for (const { customer, events } of chain) {
      expect(customerSchema.safeParse(customer).success).toBe(true);
      for (const e of events) {
        expect(customerEventSchema.safeParse(e).success).toBe(true);
        expect(Date.parse(e.at)).toBeLessThanOrEqual(now);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const again = [...generateDemo({ stores: 3, customers: 50, now, seed: 7 })];
    expect(again.map((c) => c.customer)).toEqual(chain.slice(0, 50).map((c) => c.customer));
  });

  it('spreads birthdays over every month and levels as a pyramid, with funnels', () => {
    const months = new Set(chain.map((c) => c.customer.birthday?.slice(5, 7)).filter(Boolean));
    expect(months.size).toBe(12);
    const levels = chain.map((c) => c.customer.level);
    expect(levels.filter((l) => l === 0).length).toBeGreaterThan(levels.filter((l) => l === 3).length);
    const count = (type: string) => chain.reduce((n, c) => n + c.events.filter((e) => e.type === type).length, 0);
    expect(count('browse')).toBeGreaterThan(count('addToCart'));
    expect(count('addToCart')).toBeGreaterThan(count('order'));
    expect(count('order')).toBeGreaterThan(count('refund'));
    expect(new Set(chain.map((c) => c.customer.storeId)).size).toBe(3);
    expect(chain.some((c) => c.customer.birthday?.endsWith('02-29'))).toBe(true);
    expect(chain.some((c) => c.customer.birthday === undefined)).toBe(true);
  });
});
