import type { Plan } from './plan.ts';
import { whoRunsPlan } from './plan-runner.ts';
import { effectivePlan, validateStoreOverrides } from './store-overrides.ts';

const hq = {
  id: 'P1', storeId: '', source: 'hq', overridable: ['quietHours', 'maxRate'],
  limits: { maxRate: 50, quietHours: { start: '21:00', end: '08:00' }, maxAttempts: 3 },
  time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
  storeOverrides: { S1: { quietHours: null, maxRate: 5, timeZone: 'Asia/Urumqi' } },
} as unknown as Plan;

describe('store overrides of HQ plans', () => {
  it('applies a store’s own values of the fields HQ allows, and nothing else', () => {
    const mine = effectivePlan(hq, 'S1');
    expect(mine.limits).toEqual({ maxRate: 5, quietHours: null, maxAttempts: 3 });
    // HQ does not allow the time zone (any more): the store's value is ignored.
    expect(mine.time.timeZone).toBe('Asia/Shanghai');
    expect(effectivePlan(hq, 'S2')).toBe(hq);
    expect(effectivePlan(hq, null)).toBe(hq);
    expect(effectivePlan({ ...hq, storeId: 'S1' }, 'S1').limits.maxRate).toBe(50);
  });

  it('refuses fields HQ does not allow, bad values and plans that are not HQ’s, naming what', () => {
    expect(validateStoreOverrides(hq, { maxRate: 9 })).toEqual({ maxRate: 9 });
    expect(() => validateStoreOverrides(hq, { timeZone: 'Asia/Urumqi' })).toThrow(expect.objectContaining({ code: 'EN_OVERRIDE_NOT_ALLOWED', params: { id: 'P1', field: 'timeZone' } }));
    expect(() => validateStoreOverrides(hq, { quietHours: { start: '25:00', end: '08:00' } })).toThrow(expect.objectContaining({ code: 'EN_PLAN_INVALID', params: expect.objectContaining({ path: 'overrides.quietHours.start' }) }));
    expect(() => validateStoreOverrides(hq, { name: 'x' })).toThrow(expect.objectContaining({ code: 'EN_PLAN_INVALID' }));
    expect(() => validateStoreOverrides({ ...hq, overridable: ['timeZone'] }, { timeZone: 'Nowhere/Land' })).toThrow(expect.objectContaining({ code: 'EN_PLAN_INVALID', params: expect.objectContaining({ path: 'overrides.timeZone' }) }));
    expect(() => validateStoreOverrides({ ...hq, storeId: 'S1' }, {})).toThrow(expect.objectContaining({ code: 'EN_OVERRIDE_NOT_ALLOWED' }));
  });

  it('says who runs a plan: standalone all, a store its own and HQ’s, HQ none', () => {
    const own = { source: 'local' as const, storeId: 'S1' };
    const unsynced = { source: 'local' as const, storeId: '' };
    const other = { source: 'local' as const, storeId: 'S2' };
    const store = { kind: 'store' as const, storeId: 'S1' };
    expect([own, unsynced, other, hq].map((p) => whoRunsPlan(p, { kind: 'standalone' }))).toEqual(['here', 'here', 'here', 'here']);
    expect([own, unsynced, other, hq].map((p) => whoRunsPlan(p, store))).toEqual(['here', 'here', 'elsewhere', 'here-local-schedule']);
    expect([own, unsynced, other, hq].map((p) => whoRunsPlan(p, { kind: 'hq' }))).toEqual(['elsewhere', 'elsewhere', 'elsewhere', 'elsewhere']);
  });
});
