import { CampaignError } from '../errors/campaign-error.ts';
import { assertWithinCap, capRemaining } from './customer-cap.ts';
import { DAY, NOW, ZONE } from './test-fixtures.ts';

const ctx = { planId: 'p1', now: NOW, zone: ZONE };

describe('per-customer caps', () => {
  it('has no limit without a cap', () => {
    expect(capRemaining(null, [{ planId: 'p1', at: NOW, counts: true }], ctx)).toBe(Infinity);
  });

  it('counts per plan, ignoring released or recovered bundles', () => {
    const prior = [
      { planId: 'p1', at: NOW - DAY, counts: true },
      { planId: 'p2', at: NOW - DAY, counts: true },
      { planId: 'p1', at: NOW - DAY, counts: false },
    ];
    expect(capRemaining({ limit: 1, per: 'plan' }, prior, ctx)).toBe(0);
    expect(capRemaining({ limit: 2, per: 'plan' }, prior, ctx)).toBe(1);
    expect(capRemaining({ limit: 3, per: 'ever' }, prior, ctx)).toBe(1);
  });

  it('counts per calendar month in the zone', () => {
    // NOW is 2026-03-10 in Shanghai; 2026-02-28 16:30 UTC is already 2026-03-01 00:30 there.
    const prior = [
      { planId: 'p1', at: Date.UTC(2026, 1, 28, 16, 30), counts: true },
      { planId: 'p1', at: Date.UTC(2026, 1, 28, 15, 30), counts: true },
    ];
    expect(capRemaining({ limit: 1, per: 'month' }, prior, ctx)).toBe(0);
    expect(capRemaining({ limit: 1, per: 'day' }, prior, ctx)).toBe(1);
    expect(() => assertWithinCap({ limit: 1, per: 'month' }, prior, { ...ctx, customerId: 'c1', subject: 'coupon' })).toThrowError(
      expect.objectContaining({ code: 'RT_CUSTOMER_CAP', params: { customer: 'c1', subject: 'coupon', limit: 1, per: 'month' } }),
    );
  });

  it('words the cap period in both locales', () => {
    const prior = [{ planId: 'p1', at: Date.UTC(2026, 2, 9), counts: true }];
    let error: unknown;
    try {
      assertWithinCap({ limit: 1, per: 'week' }, prior, { ...ctx, customerId: 'c1', subject: 'coupon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CampaignError);
    expect((error as CampaignError).message).toBe('Customer c1 already received coupon the allowed 1 times (per week).');
    expect((error as CampaignError).localized('zh-CN')).toBe('客户 c1 已领取 coupon 达到上限 1 次（每周）。');
  });
});
