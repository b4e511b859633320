import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.ts';
import { formatError, type MessageTree } from './format.ts';

type Tables = Record<string, Record<string, Record<string, string>>>;
const tables = (locale: 'en' | 'zh-CN') => catalog[locale].errorParams as MessageTree as unknown as Tables;

/** Latin text that may stand inside a Chinese phrase: protocol words, options, placeholders. */
const ALLOWED_LATIN = [/Authorization: Bearer/g, /--token/g, /CAMPAIGN_DESK_SYNC_TOKEN/g, /\{value\}/g];
const latinLeft = (text: string) => ALLOWED_LATIN.reduce((t, re) => t.replace(re, ''), text);

describe('errorParams tables', () => {
  const en = tables('en');
  const zh = tables('zh-CN');

  it('word every key of every code in both locales, the Chinese without English words', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [code, params] of Object.entries(en)) {
      expect(Object.keys(zh[code]!).sort(), code).toEqual(Object.keys(params).sort());
      for (const [param, words] of Object.entries(params)) {
        const zhWords = zh[code]![param]!;
        expect(Object.keys(zhWords).sort(), `${code}.${param}`).toEqual(Object.keys(words).sort());
        if (words._other !== undefined) expect(words._other, `${code}.${param}._other`).toContain('{value}');
        if (zhWords._other !== undefined) expect(zhWords._other, `${code}.${param}._other`).toContain('{value}');
        for (const key of Object.keys(words)) {
          if (key === '_other') continue;
          expect(latinLeft(zhWords[key]!), `${code}.${param}.${key}`).not.toMatch(/[A-Za-z]/);
          expect(words[key], `${code}.${param}.${key}`).toMatch(/[A-Za-z]/);
        }
      }
    }
  });

  it('are used by a message of each code that names the param', () => {
    for (const [code, params] of Object.entries(en)) {
      for (const param of Object.keys(params)) {
        for (const locale of ['en', 'zh-CN'] as const) {
          const template = (catalog[locale].errors as MessageTree)[code];
          expect(template, `${locale} ${code}`).toContain(`{${param}}`);
        }
      }
    }
  });
});

describe('formatError of the sync codes with key-valued params', () => {
  it('words SY_NOT_FOUND and SY_ALREADY_EXISTS by `what`', () => {
    expect(formatError('en', 'SY_NOT_FOUND', { what: 'chain-stock', id: 'coupons' })).toBe('No chain stock "coupons" on the sync server.');
    expect(formatError('zh-CN', 'SY_NOT_FOUND', { what: 'chain-stock', id: 'coupons' })).toBe('同步服务器上没有全链库存“coupons”。');
    expect(formatError('zh-CN', 'SY_NOT_FOUND', { what: 'document', id: 'plans/p1' })).toBe('同步服务器上没有文档“plans/p1”。');
    expect(formatError('en', 'SY_ALREADY_EXISTS', { what: 'credential-token', id: 'c1' })).toBe('A credential with this token "c1" already exists on the sync server.');
    expect(formatError('zh-CN', 'SY_ALREADY_EXISTS', { what: 'credential-token', id: 'c1' })).toBe('同步服务器上已有使用此令牌的凭据“c1”。');
  });

  it('words SY_UNAUTHORIZED, SY_NOT_CONFIGURED and SY_LEASE_CLOSED', () => {
    expect(formatError('zh-CN', 'SY_UNAUTHORIZED', { reason: 'no-user' })).toBe('同步服务器需要有效凭据（Authorization: Bearer 令牌）：令牌不属于任何用户。');
    expect(formatError('en', 'SY_UNAUTHORIZED', { reason: 'no-user' })).toBe('The sync server needs a valid credential (Authorization: Bearer TOKEN): the token belongs to no user.');
    expect(formatError('zh-CN', 'SY_NOT_CONFIGURED', { reason: 'no-token' })).toBe('尚未设置同步（没有凭据：请传入 --token 或设置 CAMPAIGN_DESK_SYNC_TOKEN）：请在“同步”页面填写服务器地址和凭据。');
    expect(formatError('en', 'SY_NOT_CONFIGURED', { reason: 'paused' })).toBe('Sync is not set up (sync is paused): enter the server URL and credential on the Sync screen.');
    expect(formatError('zh-CN', 'SY_LEASE_CLOSED', { lease: 'L1', state: 'reclaimed' })).toBe('份额租约 L1 已关闭（已收回），不再接受上报。');
  });

  it('shows free text from an older peer as it is', () => {
    expect(formatError('zh-CN', 'SY_NOT_FOUND', { what: 'document in plans', id: 'p1' })).toBe('同步服务器上没有document in plans“p1”。');
    expect(formatError('en', 'SY_NOT_CONFIGURED', { reason: 'no /tmp/sync.json' })).toBe('Sync is not set up (no /tmp/sync.json): enter the server URL and credential on the Sync screen.');
  });
});

describe('formatError of SYS_NOT_FOUND', () => {
  it('words `what` in both locales', () => {
    expect(formatError('en', 'SYS_NOT_FOUND', { what: 'grant-bundle', id: 'b1' })).toBe('Grant bundle "b1" was not found.');
    expect(formatError('zh-CN', 'SYS_NOT_FOUND', { what: 'grant-bundle', id: 'b1' })).toBe('未找到发放批次“b1”。');
    expect(formatError('zh-CN', 'SYS_NOT_FOUND', { what: 'right-version', id: 'R1@2' })).toBe('未找到权益版本“R1@2”。');
  });
});

describe('formatError of RT_CUSTOMER_CAP and PL_BUILTIN', () => {
  it('words the cap period and the refused plugin action in both locales', () => {
    const cap = { customer: 'c1', subject: 'coupon', limit: 1 };
    expect(formatError('en', 'RT_CUSTOMER_CAP', { ...cap, per: 'month' })).toBe('Customer c1 already received coupon the allowed 1 times (per month).');
    expect(formatError('en', 'RT_CUSTOMER_CAP', { ...cap, per: 'ever' })).toBe('Customer c1 already received coupon the allowed 1 times (in all).');
    expect(formatError('zh-CN', 'RT_CUSTOMER_CAP', { ...cap, per: 'ever' })).toBe('客户 c1 已领取 coupon 达到上限 1 次（累计）。');
    expect(formatError('zh-CN', 'RT_CUSTOMER_CAP', { ...cap, per: 'plan' })).toBe('客户 c1 已领取 coupon 达到上限 1 次（每个计划）。');
    expect(formatError('en', 'PL_BUILTIN', { id: 'com.x', action: 'uninstalled' })).toBe('Plugin com.x is built into the app and cannot be uninstalled.');
    expect(formatError('zh-CN', 'PL_BUILTIN', { id: 'com.x', action: 'uninstalled' })).toBe('插件 com.x 是应用内置插件，不能卸载。');
  });
});
