import { describe, expect, it } from 'vitest';
import { POINT_VALUE_CENTS, rightCostCents } from './right-cost.ts';
import { paramsJsonSchema, parseRightParams } from './right-params.ts';
import { RIGHT_KINDS } from './right-kind.ts';
import { CampaignError } from '../errors/campaign-error.ts';

const validity = { type: 'days-from-grant', days: 7 };

describe('rightCostCents', () => {
  it('uses the explicit cost for every kind', () => {
    expect(rightCostCents('coupon', { benefit: { type: 'amount-off', amountOff: 500 }, cost: 320 })).toBe(320);
    expect(rightCostCents('points', { amount: 100, cost: 0 })).toBe(0);
    expect(rightCostCents('gift', { itemId: 'g1', itemName: 'Mug', quantity: 1, validity, cost: 1500 })).toBe(1500);
    expect(rightCostCents('free-shipping', { minSpend: 0, validity, cost: 800 })).toBe(800);
  });

  it('defaults: amount-off coupons their amount, points one cent each, the rest 0', () => {
    expect(POINT_VALUE_CENTS).toBe(1);
    expect(rightCostCents('coupon', { benefit: { type: 'amount-off', amountOff: 500 }, minSpend: 0, validity })).toBe(500);
    expect(rightCostCents('coupon', { benefit: { type: 'percent-off', percentOff: 10 }, validity })).toBe(0);
    expect(rightCostCents('points', { amount: 250 })).toBe(250 * POINT_VALUE_CENTS);
    for (const kind of ['points-multiplier', 'free-shipping', 'discount', 'gift', 'paid-content', 'experience-card', 'growth-value', 'custom'] as const) {
      expect(rightCostCents(kind, {})).toBe(0);
    }
  });

  it('never throws on odd stored params', () => {
    expect(rightCostCents('coupon', { benefit: null })).toBe(0);
    expect(rightCostCents('coupon', { benefit: 'x' })).toBe(0);
    expect(rightCostCents('points', { amount: 'many' })).toBe(0);
    expect(rightCostCents('points', { amount: 10, cost: -5 })).toBe(10);
    expect(rightCostCents('points', { amount: 10, cost: 1.5 })).toBe(10);
  });
});

describe('the cost parameter', () => {
  it('is an optional money field of every kind', () => {
    for (const kind of RIGHT_KINDS) {
      const schema = paramsJsonSchema(kind) as { properties: Record<string, Record<string, unknown>>; required?: string[] };
      expect(schema.properties.cost, kind).toMatchObject({ type: 'integer', minimum: 0, 'x-unit': 'cents' });
      expect(schema.required ?? []).not.toContain('cost');
    }
  });

  it('is validated: whole cents, not negative', () => {
    expect(parseRightParams('points', { amount: 5, cost: 12 })).toEqual({ amount: 5, cost: 12 });
    expect(parseRightParams('points', { amount: 5 })).toEqual({ amount: 5 });
    expect(() => parseRightParams('points', { amount: 5, cost: -1 })).toThrow(CampaignError);
    expect(() => parseRightParams('gift', { itemId: 'g', itemName: 'G', quantity: 1, validity, cost: 1.5 })).toThrow(CampaignError);
  });
});
