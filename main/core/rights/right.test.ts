import { parseCustomSchema } from './custom-schema.ts';
import { balanceCredit, isRedeemable, nextRightVersion, type RightInput } from './right.ts';
import { RIGHT_KINDS, type RightKind } from './right-kind.ts';
import { paramsJsonSchema, parseRightParams } from './right-params.ts';
import { couponInput, makeRight, NOW } from './test-fixtures.ts';

const days30 = { type: 'days-from-grant', days: 30 } as const;
const custom = {
  schema: {
    type: 'object',
    properties: {
      venue: { type: 'string', title: '场馆', minLength: 1 },
      sessions: { type: 'integer', minimum: 1, maximum: 20 },
      date: { type: 'string', format: 'date' },
    },
    required: ['venue', 'sessions'],
  },
  values: { venue: '瑜伽馆', sessions: 3 },
  validity: days30,
};

/** One valid parameter set per kind. */
const valid: Record<RightKind, unknown> = {
  points: { amount: 100 },
  'points-multiplier': { multiplier: 2, validity: { type: 'fixed', from: '2026-03-01', to: '2026-03-07' } },
  coupon: { benefit: { type: 'percent-off', percentOff: 20, maxOff: 5000 }, minSpend: 0, applicable: { scope: 'categories', categoryIds: ['tea'] }, validity: days30 },
  'free-shipping': { minSpend: 9900, validity: days30 },
  discount: { payPercent: 85, applicable: { scope: 'products', productIds: ['sku-1', 'sku-2'] }, validity: days30 },
  gift: { itemId: 'cup', itemName: '保温杯', quantity: 1, validity: days30 },
  'paid-content': { contentId: 'course-1', contentName: '咖啡入门', validity: days30 },
  'experience-card': { levelId: 'gold', levelName: '金卡', days: 7, validity: days30 },
  'growth-value': { amount: 50 },
  custom,
};

/** For each kind, a broken parameter set and the path the error must name. */
const invalid: Record<RightKind, [unknown, string]> = {
  points: [{ amount: 0 }, 'amount'],
  'points-multiplier': [{ multiplier: 1, validity: days30 }, 'multiplier'],
  coupon: [{ benefit: { type: 'amount-off', amountOff: 2000 }, minSpend: 1000, validity: days30 }, 'benefit.amountOff'],
  'free-shipping': [{ minSpend: -1, validity: days30 }, 'minSpend'],
  discount: [{ payPercent: 100, validity: days30 }, 'payPercent'],
  gift: [{ itemId: 'cup', itemName: '', quantity: 1, validity: days30 }, 'itemName'],
  'paid-content': [{ contentId: 'c', contentName: 'n', validity: { type: 'fixed', from: '2026-03-05', to: '2026-03-01' } }, 'validity.to'],
  'experience-card': [{ levelId: 'gold', levelName: '金卡', days: 0, validity: days30 }, 'days'],
  'growth-value': [{ amount: 1.5 }, 'amount'],
  custom: [{ ...custom, values: { venue: '瑜伽馆', sessions: 30 } }, 'values.sessions'],
};

describe('right parameters', () => {
  for (const kind of RIGHT_KINDS) {
    it(`accepts valid ${kind} parameters and refuses invalid ones with their path`, () => {
      expect(() => parseRightParams(kind, valid[kind])).not.toThrow();
      const [bad, path] = invalid[kind];
      expect(() => parseRightParams(kind, bad)).toThrowError(expect.objectContaining({ code: 'RT_INVALID_PARAMS', params: expect.objectContaining({ kind, path }) }));
    });

    it(`describes ${kind} parameters as a JSON Schema for forms`, () => {
      const schema = paramsJsonSchema(kind);
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties as object).length).toBeGreaterThan(0);
    });
  }

  it('fills defaults and refuses unknown fields', () => {
    const p = parseRightParams('coupon', { benefit: { type: 'amount-off', amountOff: 100 }, validity: days30 });
    expect(p.minSpend).toBe(0);
    expect(p.applicable).toEqual({ scope: 'all' });
    expect(() => parseRightParams('points', { amount: 1, extra: true })).toThrowError(expect.objectContaining({ code: 'RT_INVALID_PARAMS' }));
  });

  it('marks money fields for forms', () => {
    const schema = paramsJsonSchema('free-shipping') as { properties: { minSpend: Record<string, unknown> } };
    expect(schema.properties.minSpend['x-unit']).toBe('cents');
  });
});

describe('custom right schemas', () => {
  it('refuses schemas a form cannot be made from', () => {
    const bad = [
      { type: 'array' },
      { type: 'object', properties: {} },
      { type: 'object', properties: { 'bad name': { type: 'string' } } },
      { type: 'object', properties: { nested: { type: 'object' } } },
      { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] },
      { type: 'object', properties: { a: { type: 'string', pattern: '(' } } },
    ];
    for (const schema of bad) expect(() => parseCustomSchema(schema), JSON.stringify(schema)).toThrowError(expect.objectContaining({ code: 'RT_CUSTOM_SCHEMA_INVALID' }));
  });

  it('refuses values of unknown fields, wrong types and bad formats', () => {
    const base = custom;
    for (const values of [{ venue: 'x', sessions: 1, other: 1 }, { venue: 'x', sessions: '1' }, { venue: 'x', sessions: 1, date: '2026-02-30' }, { sessions: 1 }]) {
      expect(() => parseRightParams('custom', { ...base, values }), JSON.stringify(values)).toThrowError(expect.objectContaining({ code: 'RT_INVALID_PARAMS' }));
    }
  });
});

describe('right versions', () => {
  it('starts at version 1 and counts edits; keeps the id and kind', () => {
    const v1 = makeRight(couponInput, 'r-x');
    expect(v1).toMatchObject({ id: 'r-x', version: 1, kind: 'coupon', archived: false, cap: null, savedAt: NOW });
    const edited: RightInput = { ...couponInput, name: '满200减30' };
    const v2 = nextRightVersion(v1, edited, { id: 'ignored', now: NOW + 1, actor: 'user:b', expectedVersion: 1 });
    expect(v2).toMatchObject({ id: 'r-x', version: 2, name: '满200减30', savedBy: 'user:b' });
    expect(v1.name).toBe('满100减10');
  });

  it('refuses an edit of a stale version and a change of kind', () => {
    const v1 = makeRight(couponInput);
    expect(() => nextRightVersion(v1, couponInput, { id: 'x', now: NOW, actor: 'u', expectedVersion: 0 })).toThrowError(expect.objectContaining({ code: 'RT_VERSION_CONFLICT' }));
    expect(() => nextRightVersion(v1, { name: 'p', kind: 'points', params: { amount: 1 } }, { id: 'x', now: NOW, actor: 'u' })).toThrowError(expect.objectContaining({ code: 'RT_KIND_CHANGED' }));
  });

  it('knows which rights are redeemed by code and which credit a balance', () => {
    expect(isRedeemable(makeRight(couponInput))).toBe(true);
    expect(isRedeemable(makeRight({ name: 'p', kind: 'points', params: { amount: 5 } }))).toBe(false);
    expect(isRedeemable(makeRight({ name: 'c', kind: 'custom', params: { ...custom, redeemable: false } }))).toBe(false);
    expect(isRedeemable(makeRight({ name: 'c', kind: 'custom', params: custom }))).toBe(true);
    expect(balanceCredit(makeRight({ name: 'g', kind: 'growth-value', params: { amount: 7 } }))).toEqual({ points: 0, growth: 7 });
  });
});
