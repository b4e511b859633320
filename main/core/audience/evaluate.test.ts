import { describe, expect, it } from 'vitest';
import { customerSchema, type Customer, type CustomerEvent } from '../customers/customer.ts';
import { matchesRule, type EvaluationContext } from './evaluate.ts';
import { validateRule } from './validate.ts';
import { matchingMonthDays, birthdayMatches } from './birthday.ts';
import { daysFromCivil } from '../period/calendar.ts';
import type { CustomerInput } from '../customers/customer.ts';

function customer(input: Partial<CustomerInput> & { externalId: string }): Customer {
  return customerSchema.parse({ storeId: 's1', registeredAt: '2024-01-01T00:00:00Z', ...input });
}

let eventSeq = 0;
function event(customerId: string, type: CustomerEvent['type'], at: string, extra: Partial<CustomerEvent> = {}): CustomerEvent {
  return { eventId: `e${++eventSeq}`, customerId, storeId: 's1', type, at, ...extra };
}

// Wednesday 2026-11-25 10:00 in Shanghai.
const ctx: EvaluationContext = { now: Date.parse('2026-11-25T02:00:00Z'), zoneOf: () => 'Asia/Shanghai' };

function matches(root: unknown, c: Customer, events: CustomerEvent[] = [], context = ctx): boolean {
  return matchesRule(validateRule({ version: 1, root }).root, c, events, context);
}

describe('attribute conditions', () => {
  const gold = customer({ externalId: 'c1', level: 3, tags: ['vip', 'coffee'], points: 500, gender: 'female', lastOrderAt: '2026-11-20T00:00:00Z' });
  const fresh = customer({ externalId: 'c2', level: 0, tags: [], points: 0 });

  it('compares numbers, strings and instants', () => {
    expect(matches({ kind: 'attribute', field: 'level', cmp: 'gte', value: 3 }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'level', cmp: 'gte', value: 3 }, fresh)).toBe(false);
    expect(matches({ kind: 'attribute', field: 'points', cmp: 'between', value: [100, 500] }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'gender', cmp: 'eq', value: 'female' }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'storeId', cmp: 'in', value: ['s1', 's2'] }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'lastOrderAt', cmp: 'gte', value: '2026-11-19T00:00:00+08:00' }, gold)).toBe(true);
  });

  it('treats a missing value as matching only neq, notIn and exists:false', () => {
    const rule = (cmp: string, value: unknown) => ({ kind: 'attribute', field: 'lastOrderAt', cmp, value });
    expect(matches(rule('lt', '2030-01-01T00:00:00Z'), fresh)).toBe(false);
    expect(matches(rule('neq', '2030-01-01T00:00:00Z'), fresh)).toBe(true);
    expect(matches(rule('exists', false), fresh)).toBe(true);
    expect(matches(rule('exists', true), gold)).toBe(true);
  });

  it('matches tags by any or all', () => {
    expect(matches({ kind: 'attribute', field: 'tags', cmp: 'hasAny', value: ['tea', 'coffee'] }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'tags', cmp: 'hasAll', value: ['vip', 'tea'] }, gold)).toBe(false);
    expect(matches({ kind: 'attribute', field: 'tags', cmp: 'eq', value: 'vip' }, gold)).toBe(true);
    expect(matches({ kind: 'attribute', field: 'tags', cmp: 'notIn', value: ['vip'] }, fresh)).toBe(true);
  });

  it('combines with and, or, not', () => {
    const root = { op: 'or', children: [{ op: 'not', child: { kind: 'attribute', field: 'level', cmp: 'gt', value: 0 } }, { kind: 'attribute', field: 'points', cmp: 'gt', value: 1000 }] };
    expect(matches(root, fresh)).toBe(true);
    expect(matches(root, gold)).toBe(false);
  });
});

describe('birthday conditions', () => {
  it('matches today in the store zone, not in UTC', () => {
    // 2026-11-25 00:30 in Shanghai is still 2026-11-24 in UTC.
    const early: EvaluationContext = { now: Date.parse('2026-11-24T16:30:00Z'), zoneOf: () => 'Asia/Shanghai' };
    const c = customer({ externalId: 'b', birthday: '1990-11-25' });
    expect(matches({ kind: 'birthday', when: 'today' }, c, [], early)).toBe(true);
    expect(matches({ kind: 'birthday', when: 'today' }, c, [], { ...early, zoneOf: () => 'UTC' })).toBe(false);
  });

  it('applies the offset in days', () => {
    const c = customer({ externalId: 'b', birthday: '1990-11-28' });
    expect(matches({ kind: 'birthday', when: 'today', offsetDays: 3 }, c)).toBe(true);
    expect(matches({ kind: 'birthday', when: 'today' }, c)).toBe(false);
    expect(matches({ kind: 'birthday', when: 'thisMonth', offsetDays: 7 }, customer({ externalId: 'd', birthday: '1990-12-05' }))).toBe(true);
  });

  it('uses ISO weeks (Monday to Sunday), across a year boundary', () => {
    // 2026-11-25 is a Wednesday: the week is Nov 23 (Mon) to Nov 29 (Sun).
    expect(matches({ kind: 'birthday', when: 'thisWeek' }, customer({ externalId: 'm', birthday: '1980-11-23' }))).toBe(true);
    expect(matches({ kind: 'birthday', when: 'thisWeek' }, customer({ externalId: 's', birthday: '1980-11-29' }))).toBe(true);
    expect(matches({ kind: 'birthday', when: 'thisWeek' }, customer({ externalId: 'n', birthday: '1980-11-30' }))).toBe(false);
    // The week of Thursday 2026-12-31 runs Dec 28 to Jan 3.
    const newYear = daysFromCivil(2026, 12, 31);
    expect(birthdayMatches({ month: 1, day: 2 }, 'thisWeek', newYear)).toBe(true);
    expect(birthdayMatches({ month: 12, day: 27 }, 'thisWeek', newYear)).toBe(false);
  });

  it('celebrates Feb 29 on Feb 28 in non-leap years (or Mar 1 when configured)', () => {
    const leapling = customer({ externalId: 'l', birthday: '2000-02-29' });
    const feb28 = { now: Date.parse('2027-02-28T04:00:00Z'), zoneOf: () => 'Asia/Shanghai' };
    const mar1 = { now: Date.parse('2027-03-01T04:00:00Z'), zoneOf: () => 'Asia/Shanghai' };
    expect(matches({ kind: 'birthday', when: 'today' }, leapling, [], feb28)).toBe(true);
    expect(matches({ kind: 'birthday', when: 'today' }, leapling, [], mar1)).toBe(false);
    expect(matches({ kind: 'birthday', when: 'today' }, leapling, [], { ...mar1, leapDay: 'mar1' as const })).toBe(true);
    expect(matches({ kind: 'birthday', when: 'today' }, leapling, [], { now: Date.parse('2028-02-29T04:00:00Z'), zoneOf: () => 'Asia/Shanghai' })).toBe(true);
    expect(matchingMonthDays('today', daysFromCivil(2027, 2, 28))).toEqual(['02-28', '02-29']);
  });

  it('never matches a missing birthday', () => {
    expect(matches({ kind: 'birthday', when: 'thisMonth' }, customer({ externalId: 'x' }))).toBe(false);
  });
});

describe('fan, behaviour, absence and sample conditions', () => {
  it('checks fan status and fan age', () => {
    const fan = customer({ externalId: 'f', isFan: true, fanSince: '2026-11-01T00:00:00Z' });
    expect(matches({ kind: 'fan' }, fan)).toBe(true);
    expect(matches({ kind: 'fan', minDays: 30 }, fan)).toBe(false);
    expect(matches({ kind: 'fan', maxDays: 30 }, fan)).toBe(true);
    expect(matches({ kind: 'fan', isFan: false }, customer({ externalId: 'g' }))).toBe(true);
  });

  it('counts behaviour in the window with filters', () => {
    const c = customer({ externalId: 'c' });
    const events = [
      event('c', 'browse', '2026-11-24T00:00:00Z', { category: 'shoes' }),
      event('c', 'browse', '2026-11-22T00:00:00Z', { category: 'shoes' }),
      event('c', 'browse', '2026-11-10T00:00:00Z', { category: 'shoes' }),
      event('c', 'browse', '2026-11-23T00:00:00Z', { category: 'hats' }),
    ];
    expect(matches({ kind: 'behaviour', event: 'browse', within: { days: 7 }, filter: { category: 'shoes' }, minCount: 2 }, c, events)).toBe(true);
    expect(matches({ kind: 'behaviour', event: 'browse', within: { days: 7 }, filter: { category: 'shoes' }, minCount: 3 }, c, events)).toBe(false);
    expect(matches({ kind: 'behaviour', event: 'browse', within: { days: 30 }, filter: { category: 'shoes' }, minCount: 3 }, c, events)).toBe(true);
  });

  it('finds abandoned carts: added in the last 24 h and no order since', () => {
    const c = customer({ externalId: 'c' });
    const cart = event('c', 'addToCart', '2026-11-24T20:00:00Z');
    expect(matches({ kind: 'absence', event: 'addToCart', within: { hours: 24 }, thenNo: 'order' }, c, [cart])).toBe(true);
    expect(matches({ kind: 'absence', event: 'addToCart', within: { hours: 24 }, thenNo: 'order' }, c, [cart, event('c', 'order', '2026-11-24T21:00:00Z')])).toBe(false);
    // Ordered before adding to cart again: still abandoned.
    expect(matches({ kind: 'absence', event: 'addToCart', within: { hours: 24 }, thenNo: 'order' }, c, [event('c', 'order', '2026-11-24T19:00:00Z'), cart])).toBe(true);
    expect(matches({ kind: 'absence', event: 'addToCart', within: { hours: 2 }, thenNo: 'order' }, c, [cart])).toBe(false);
  });

  it('keeps only customers reachable on a channel; opted out or never asked is not consent', () => {
    const rule = { kind: 'consent', channel: 'sms' };
    expect(matches(rule, customer({ externalId: 'yes', consent: { sms: true } }))).toBe(true);
    expect(matches(rule, customer({ externalId: 'out', consent: { sms: false, wechat: true } }))).toBe(false);
    expect(matches(rule, customer({ externalId: 'unknown' }))).toBe(false);
    expect(matches({ op: 'not', child: rule }, customer({ externalId: 'out', consent: { sms: false } }))).toBe(true);
  });

  it('samples a stable share', () => {
    const ids = Array.from({ length: 10000 }, (_, i) => customer({ externalId: `id-${i}` }));
    const picked = ids.filter((c) => matches({ kind: 'sample', percent: 10, seed: 'plan-1' }, c));
    expect(picked.length).toBeGreaterThan(900);
    expect(picked.length).toBeLessThan(1100);
    const again = ids.filter((c) => matches({ kind: 'sample', percent: 10, seed: 'plan-1' }, c));
    expect(again.map((c) => c.externalId)).toEqual(picked.map((c) => c.externalId));
    const other = ids.filter((c) => matches({ kind: 'sample', percent: 10, seed: 'plan-2' }, c));
    expect(other.map((c) => c.externalId)).not.toEqual(picked.map((c) => c.externalId));
  });
});
