import { describe, expect, it } from 'vitest';
import { CUSTOMER_COLUMNS, EVENT_COLUMNS, guessMapping } from './columns.ts';
import { contentEventId, rowToCustomer, rowToEvent } from './map-row.ts';

const options = { zone: 'Asia/Shanghai', defaultStoreId: 'store-1', importedAt: '2026-11-25T00:00:00.000Z' };

describe('CSV rows to customers', () => {
  it('guesses Chinese and English headers', () => {
    const mapping = guessMapping(['会员编号', '姓名', '手机号', '生日', '会员等级', 'Tags', 'points'], CUSTOMER_COLUMNS);
    expect(mapping).toEqual({ externalId: '会员编号', name: '姓名', phone: '手机号', birthday: '生日', level: '会员等级', tags: 'Tags', points: 'points' });
  });

  it('reads a full row', () => {
    const mapping = guessMapping(['id', 'name', 'gender', 'birthday', 'level', 'tags', 'fan', 'registered_at', 'total_spend', 'sms'], CUSTOMER_COLUMNS);
    const result = rowToCustomer(
      { id: 'C001', name: '张三', gender: '女', birthday: '1990/2/29'.replace('1990', '1992'), level: '3', tags: 'vip;咖啡', fan: '是', registered_at: '2024-03-01 09:30', total_spend: '1,234.50', sms: '0' },
      mapping,
      options,
    );
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        externalId: 'C001',
        storeId: 'store-1',
        name: '张三',
        gender: 'female',
        birthday: '1992-02-29',
        level: 3,
        tags: ['vip', '咖啡'],
        isFan: true,
        registeredAt: '2024-03-01T01:30:00.000Z',
        totalSpend: 123450,
        consent: { sms: false },
      }),
    });
  });

  it('reports every bad cell with its column', () => {
    const mapping = guessMapping(['id', 'birthday', 'level', 'gender', 'email'], CUSTOMER_COLUMNS);
    const result = rowToCustomer({ id: '', birthday: '1991-02-29', level: 'gold', gender: 'x', email: 'not-an-email' }, mapping, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.column)).toEqual(['id', 'gender', 'birthday', 'level']);
    expect(result.issues[1]?.reason).toContain('gender');
    expect(result.issues[2]?.reason).toContain('not a real date');
    const emailOnly = rowToCustomer({ id: 'C2', email: 'not-an-email' }, mapping, options);
    expect(emailOnly).toEqual({ ok: false, issues: [{ column: 'email', reason: expect.any(String) }] });
  });
});

describe('CSV rows to events', () => {
  const mapping = guessMapping(['会员编号', '事件类型', '发生时间', '商品类目', '金额'], EVENT_COLUMNS);

  it('reads Chinese event types and local times', () => {
    const result = rowToEvent({ 会员编号: 'C001', 事件类型: '下单', 发生时间: '2026-11-11 00:05:00', 商品类目: '鞋', 金额: '299' }, mapping, options);
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ customerId: 'C001', type: 'order', at: '2026-11-10T16:05:00.000Z', category: '鞋', amount: 29900 }) });
  });

  it('gives rows without an id a stable id from their content', () => {
    const row = { 会员编号: 'C001', 事件类型: 'browse', 发生时间: '2026-11-11T00:05:00+08:00', 商品类目: '鞋', 金额: '' };
    const a = rowToEvent(row, mapping, options);
    const b = rowToEvent({ ...row }, mapping, options);
    const c = rowToEvent({ ...row, 商品类目: '帽' }, mapping, options);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.value.eventId).toBe(b.value.eventId);
    expect(a.value.eventId).not.toBe(c.value.eventId);
    expect(contentEventId(['x'])).toMatch(/^ev-[0-9a-f]{16}$/);
  });

  it('refuses unknown types and missing times', () => {
    const result = rowToEvent({ 会员编号: 'C001', 事件类型: 'teleport', 发生时间: '' }, mapping, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.column)).toEqual(['事件类型', '发生时间']);
  });
});
