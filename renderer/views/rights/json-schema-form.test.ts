import { describe, expect, it } from 'vitest';
import { branchFor, defaultValue, discriminatorOf, fieldKind, nullableInner, switchBranch, yuanToCents, type JsonSchema } from './json-schema-form.ts';

const validity: JsonSchema = {
  oneOf: [
    { type: 'object', properties: { type: { type: 'string', const: 'days-from-grant' }, days: { type: 'integer', minimum: 1 } }, required: ['type', 'days'] },
    { type: 'object', properties: { type: { type: 'string', const: 'fixed' }, from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } }, required: ['type', 'from', 'to'] },
  ],
};
const coupon: JsonSchema = {
  type: 'object',
  properties: {
    minSpend: { type: 'integer', minimum: 0, default: 0, 'x-unit': 'cents' },
    validity,
    note: { type: 'string' },
    optionalValidity: { anyOf: [validity, { type: 'null' }] },
    ids: { type: 'array', items: { type: 'string' } },
  },
  required: ['validity'],
};

describe('JSON Schema forms', () => {
  it('classifies fields', () => {
    const p = coupon.properties as Record<string, JsonSchema>;
    expect(fieldKind(p.minSpend as JsonSchema)).toBe('money');
    expect(fieldKind(validity)).toBe('union');
    expect(fieldKind(p.optionalValidity as JsonSchema)).toBe('nullable');
    expect(nullableInner(p.optionalValidity as JsonSchema)).toBe(validity);
    expect(fieldKind(p.ids as JsonSchema)).toBe('tags');
    expect(fieldKind({ type: 'string', format: 'date' })).toBe('date');
    expect(fieldKind({ type: 'string', enum: ['a', 'b'] })).toBe('choice');
  });

  it('finds the discriminator and the branch of a value', () => {
    const branches = validity.oneOf as JsonSchema[];
    expect(discriminatorOf(branches)).toBe('type');
    expect(branchFor(branches, 'type', { type: 'fixed' })).toBe(branches[1]);
    expect(switchBranch(branches, 'type', 'fixed')).toEqual({ type: 'fixed', from: '', to: '' });
  });

  it('starts a new form with defaults, required fields and the first branch', () => {
    expect(defaultValue(coupon)).toEqual({ minSpend: 0, validity: { type: 'days-from-grant', days: 1 } });
  });

  it('converts yuan to cents without float noise', () => {
    expect(yuanToCents(19.99)).toBe(1999);
    expect(yuanToCents(0.1 + 0.2)).toBe(30);
  });
});
