import { describe, expect, it } from 'vitest';
import { computeLift, Z_95 } from './lift.ts';
import { attributeOrders, DAY_MS, groupOutcome, type OrderFact, type Touch } from './attribution.ts';

describe('computeLift (difference of proportions, normal approximation)', () => {
  it('12% vs 10% on 1000 each: +2 points, 95% CI [-0.74, +4.74] points, not significant', () => {
    const lift = computeLift({ size: 1000, converted: 120, revenue: 1_200_000 }, { size: 1000, converted: 100, revenue: 900_000 })!;
    expect(lift.treatment.rate).toBe(0.12);
    expect(lift.control.rate).toBe(0.1);
    expect(lift.difference).toBeCloseTo(0.02, 12);
    // SE = sqrt(.12 × .88 / 1000 + .1 × .9 / 1000) = sqrt(0.0001956)
    expect(lift.standardError).toBeCloseTo(0.0139857, 6);
    expect(lift.ciLow).toBeCloseTo(-0.0074115, 6);
    expect(lift.ciHigh).toBeCloseTo(0.0474115, 6);
    expect(lift.relative).toBeCloseTo(0.2, 12);
    expect(lift.significant).toBe(false);
    expect(lift.reliable).toBe(true);
    expect(lift.revenuePerMemberDifference).toBe(300);
  });

  it('15% vs 10% on 2000 / 1000: significant', () => {
    const lift = computeLift({ size: 2000, converted: 300, revenue: 0 }, { size: 1000, converted: 100, revenue: 0 })!;
    const se = Math.sqrt((0.15 * 0.85) / 2000 + (0.1 * 0.9) / 1000);
    expect(lift.ciLow).toBeCloseTo(0.05 - Z_95 * se, 12);
    expect(lift.ciLow).toBeCloseTo(0.0254, 3);
    expect(lift.ciHigh).toBeCloseTo(0.0746, 3);
    expect(lift.significant).toBe(true);
  });

  it('a negative lift, a control rate of 0, small groups and empty groups', () => {
    expect(computeLift({ size: 100, converted: 5, revenue: 0 }, { size: 100, converted: 20, revenue: 0 })!.ciHigh).toBeLessThan(0);
    const zero = computeLift({ size: 10, converted: 2, revenue: 0 }, { size: 10, converted: 0, revenue: 0 })!;
    expect(zero.relative).toBeNull();
    expect(zero.reliable).toBe(false);
    expect(computeLift({ size: 0, converted: 0, revenue: 0 }, { size: 10, converted: 1, revenue: 0 })).toBeNull();
    expect(computeLift({ size: 10, converted: 1, revenue: 0 }, { size: 0, converted: 0, revenue: 0 })).toBeNull();
  });
});

describe('attributeOrders (last touch within the window)', () => {
  const W = 7 * DAY_MS;
  const t = (customerId: string, planId: string, at: number, runId = 'r'): Touch => ({ customerId, planId, runId, at });
  const o = (id: string, customerId: string, at: number, amount = 100): OrderFact => ({ id, customerId, at, amount, storeId: 'S1' });

  it('most recent touch wins; window is [touch, touch + window)', () => {
    const touches = [t('c', 'A', 0), t('c', 'B', 2 * DAY_MS), t('c', 'C', 10 * DAY_MS)];
    const orders = [o('1', 'c', DAY_MS), o('2', 'c', 3 * DAY_MS), o('3', 'c', 9 * DAY_MS - 1), o('4', 'c', 9 * DAY_MS), o('5', 'c', -1), o('6', 'c', 10 * DAY_MS)];
    expect(attributeOrders(touches, orders, W, 'A').map((a) => a.order.id)).toEqual(['1']);
    expect(attributeOrders(touches, orders, W, 'B').map((a) => a.order.id)).toEqual(['2', '3']);
    expect(attributeOrders(touches, orders, W, 'C').map((a) => a.order.id)).toEqual(['6']);
  });

  it('with one window for all plans, the newest touch holding the order wins', () => {
    // With one window for all plans a newer touch always ends later: the newest holding touch wins.
    const touches = [t('c', 'A', 0), t('c', 'B', DAY_MS)];
    expect(attributeOrders(touches, [o('1', 'c', 7 * DAY_MS + 1)], W, 'B')).toHaveLength(1);
    expect(attributeOrders(touches, [o('1', 'c', 7 * DAY_MS + 1)], W, 'A')).toHaveLength(0);
  });

  it('ties at the same instant: smaller plan id, then smaller run id, whatever the input order', () => {
    const touches = [t('c', 'B', 0, 'r1'), t('c', 'A', 0, 'r2'), t('c', 'A', 0, 'r1')];
    for (const list of [touches, [...touches].reverse()]) {
      const won = attributeOrders(list, [o('1', 'c', 5)], W, 'A');
      expect(won.map((a) => a.touch.runId)).toEqual(['r1']);
      expect(attributeOrders(list, [o('1', 'c', 5)], W, 'B')).toHaveLength(0);
    }
  });

  it('other customers\' touches never count', () => {
    expect(attributeOrders([t('x', 'A', 0)], [o('1', 'c', 5)], W, 'A')).toHaveLength(0);
  });

  it('groupOutcome: any order in each member\'s own window, not exclusive', () => {
    const orders = [o('1', 'a', 5, 300), o('2', 'a', 6, 200), o('3', 'b', W, 999), o('4', 'c', 10, 50)];
    expect(groupOutcome([{ customerId: 'a', at: 0 }, { customerId: 'b', at: 0 }, { customerId: 'd', at: 0 }], orders, W)).toEqual({ size: 3, converted: 1, revenue: 500 });
  });
});
