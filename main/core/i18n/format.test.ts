import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.ts';
import { formatError, localizeErrorParams, type MessageTree } from './format.ts';

const ASCII_WORD = /[A-Za-z]/;

describe('formatError', () => {
  it('shows the key-valued params of SY_FORBIDDEN in words of the locale', () => {
    expect(formatError('en', 'SY_FORBIDDEN', { role: 'read-only', action: 'push' })).toBe('This HQ read-only credential may not write documents.');
    expect(formatError('zh-CN', 'SY_FORBIDDEN', { role: 'read-only', action: 'push' })).toBe('总部只读凭据不能写入文档。');
    expect(formatError('zh-CN', 'SY_FORBIDDEN', { role: 'store', action: 'hold-leases' })).toBe('门店凭据不能持有全链库存的份额租约（仅限门店）。');
  });

  it('has a zh-CN phrase without English words for every role and action, and an English one', () => {
    const words = (locale: 'en' | 'zh-CN') => (catalog[locale].errorParams as MessageTree).SY_FORBIDDEN as Record<string, Record<string, string>>;
    for (const param of ['role', 'action']) {
      const en = words('en')[param]!;
      const zh = words('zh-CN')[param]!;
      expect(Object.keys(zh).sort(), param).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en)) {
        if (key === '_other') continue;
        expect(zh[key], `${param}.${key}`).not.toMatch(ASCII_WORD);
        expect(en[key], `${param}.${key}`).toMatch(ASCII_WORD);
      }
    }
  });

  it('renders an unknown action key, or old free text, as a sensible phrase, never "undefined"', () => {
    expect(formatError('en', 'SY_FORBIDDEN', { role: 'store', action: 'frobnicate' })).toBe('This store credential may not do this (frobnicate).');
    expect(formatError('zh-CN', 'SY_FORBIDDEN', { role: 'store', action: 'frobnicate' })).toBe('门店凭据不能执行此操作（frobnicate）。');
    expect(formatError('zh-CN', 'SY_FORBIDDEN', { role: 'admin', action: 'lease chain stock (stores only)' })).toBe('总部管理员凭据不能执行此操作（lease chain stock (stores only)）。');
    expect(formatError('en', 'SY_FORBIDDEN', { role: 'auditor', action: '_other' })).toBe('This auditor credential may not do this (_other).');
    expect(formatError('zh-CN', 'SY_FORBIDDEN', {})).not.toContain('undefined');
  });

  it('leaves the params of codes without word tables as they are', () => {
    expect(formatError('en', 'SY_FOREIGN_STORE', { id: 'p1', collection: 'plans', owner: 'S02', storeId: 'S01' })).toBe('Document p1 in plans belongs to store "S02", not to this store (S01); refused.');
    expect(formatError('en', 'SY_LEASE_OVERDRAWN', { lease: 'L1', consumed: 3, reason: 'only 2 leased' })).toBe('Lease L1 cannot take 3 consumed units: only 2 leased.');
  });
});

describe('localizeErrorParams', () => {
  it('translates only string params found in the tables, through the given lookup', () => {
    const seen: string[] = [];
    const translate = (key: string, p?: Record<string, unknown>) => {
      seen.push(key);
      return key === 'errorParams.X.kind.a' ? 'Ay' : key === 'errorParams.X.kind._other' ? `other ${String(p?.value)}` : undefined;
    };
    expect(localizeErrorParams('X', { kind: 'a', n: 3, flag: true, none: null }, translate)).toEqual({ kind: 'Ay', n: 3, flag: true, none: null });
    expect(localizeErrorParams('X', { kind: 'b.c' }, translate)).toEqual({ kind: 'other b.c' });
    expect(seen).not.toContain('errorParams.X.kind.b.c');
    expect(localizeErrorParams('X', { other: 'z' }, translate)).toEqual({ other: 'z' });
  });
});
