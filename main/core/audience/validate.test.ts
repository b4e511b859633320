import { describe, expect, it } from 'vitest';
import { validateRule } from './validate.ts';

function errorOf(raw: unknown): { code: string; params: Record<string, unknown> } {
  try {
    validateRule(raw);
  } catch (error) {
    return error as { code: string; params: Record<string, unknown> };
  }
  throw new Error('expected the rule to be refused');
}

describe('validateRule', () => {
  it('accepts a nested rule and fills defaults', () => {
    const rule = validateRule({
      version: 1,
      root: {
        op: 'and',
        children: [
          { kind: 'attribute', field: 'level', cmp: 'gte', value: 3 },
          { kind: 'birthday', when: 'thisMonth' },
          { op: 'not', child: { kind: 'behaviour', event: 'order', within: { days: 7 } } },
        ],
      },
    });
    expect(rule.root).toMatchObject({ op: 'and' });
    const children = (rule.root as { children: unknown[] }).children;
    expect(children[1]).toEqual({ kind: 'birthday', when: 'thisMonth', offsetDays: 0 });
    expect(children[2]).toMatchObject({ child: { minCount: 1, filter: {} } });
  });

  it('names the bad node by its path', () => {
    const e = errorOf({ version: 1, root: { op: 'or', children: [{ kind: 'fan' }, { kind: 'attribute', field: 'level', cmp: 'gt', value: 'gold' }] } });
    expect(e.code).toBe('AU_INVALID_RULE');
    expect(e.params.path).toBe('root.children[1].value');
    expect(String(e.params.reason)).toContain('numbers');
  });

  it('refuses unknown kinds, operators, fields and empty groups', () => {
    expect(errorOf({ version: 1, root: { kind: 'astrology' } }).params.path).toBe('root.kind');
    expect(errorOf({ version: 1, root: { op: 'xor', children: [] } }).params.path).toBe('root.op');
    expect(errorOf({ version: 1, root: { op: 'and', children: [] } }).params.path).toBe('root.children');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'shoeSize', cmp: 'eq', value: 42 } }).params.path).toBe('root.field');
    expect(errorOf({ version: 1, root: 'everyone' }).params.path).toBe('root');
  });

  it('checks comparator and value shapes', () => {
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'tags', cmp: 'gt', value: 'vip' } }).params.path).toBe('root.cmp');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'points', cmp: 'between', value: [1] } }).params.path).toBe('root.value');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'level', cmp: 'in', value: [] } }).params.path).toBe('root.value');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'registeredAt', cmp: 'gte', value: 'yesterday' } }).params.path).toBe('root.value');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'gender', cmp: 'eq', value: 'robot' } }).params.path).toBe('root.value');
    expect(errorOf({ version: 1, root: { kind: 'attribute', field: 'level', cmp: 'hasAll', value: [1] } }).params.path).toBe('root.cmp');
  });

  it('checks windows, fan ranges and absence', () => {
    expect(errorOf({ version: 1, root: { kind: 'behaviour', event: 'browse', within: { days: 7, hours: 3 } } }).params.path).toBe('root.within');
    expect(errorOf({ version: 1, root: { kind: 'behaviour', event: 'browse', within: {} } }).params.path).toBe('root.within');
    expect(errorOf({ version: 1, root: { kind: 'fan', minDays: 30, maxDays: 7 } }).params.path).toBe('root.minDays');
    expect(errorOf({ version: 1, root: { kind: 'absence', event: 'order', within: { days: 1 }, thenNo: 'order' } }).params.path).toBe('root.thenNo');
    expect(errorOf({ version: 1, root: { kind: 'sample', percent: 120, seed: 'x' } }).params.path).toBe('root.percent');
  });

  it('refuses other versions and non-objects', () => {
    expect(errorOf({ version: 2, root: { kind: 'fan' } }).code).toBe('AU_UNSUPPORTED_VERSION');
    expect(errorOf(null).code).toBe('AU_INVALID_RULE');
  });
});
