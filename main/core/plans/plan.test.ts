import { withinFrequencyCap } from './frequency-cap.ts';
import { validatePlanInput, type PlanInput } from './plan.ts';
import { canApply, nextPlanStatus } from './plan-status.ts';
import { quietUntil } from './quiet-hours.ts';
import { DEFAULT_RETRY, retryDelay } from './retry.ts';

const base: PlanInput = {
  name: 'Birthday',
  audienceId: 'a1',
  time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
  actions: [
    { id: 'gift', type: 'grant', subject: { type: 'right', id: 'R-1' } },
    { id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}} 生日快乐，券码 {{couponCode}}' } } },
  ],
};

function rejection(input: unknown): unknown {
  try {
    validatePlanInput(input);
  } catch (error) {
    return error;
  }
  return null;
}

describe('validatePlanInput', () => {
  it('accepts a plan and fills the defaults', () => {
    expect(validatePlanInput(base)).toMatchObject({ misfire: 'fire-once', limits: {}, description: '', marketingType: 'precise-audience' });
  });

  it('names the bad path: no actions, duplicate action ids, bad limits', () => {
    expect(rejection({ ...base, actions: [] })).toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'actions' } });
    expect(rejection({ ...base, actions: [base.actions[0], base.actions[0]] })).toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'actions.1.id' } });
    expect(rejection({ ...base, limits: { quietHours: { start: '25:00', end: '08:00' } } })).toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'limits.quietHours.start' } });
    expect(rejection({ ...base, extra: 1 })).toMatchObject({ code: 'EN_PLAN_INVALID' });
  });

  it('checks the time settings and the message templates', () => {
    expect(rejection({ ...base, time: { ...base.time, timeZone: 'Mars/Base' } })).toMatchObject({ code: 'PE_BAD_TIME_ZONE' });
    const broken = { ...base, actions: [base.actions[0], { ...base.actions[1], template: { 'zh-CN': { body: '你好 {{name' } } }] };
    expect(rejection(broken)).toMatchObject({ code: 'TP_SYNTAX' });
    const coupon = { ...base, actions: [base.actions[1]] };
    expect(rejection(coupon)).toMatchObject({ code: 'EN_PLAN_INVALID', params: { path: 'actions.0.template', reason: '{{couponCode}} needs a grant action in the plan' } });
  });
});

describe('plan status', () => {
  it('moves through its lifecycle and refuses the rest', () => {
    expect(nextPlanStatus('p', 'draft', 'activate')).toBe('scheduled');
    expect(nextPlanStatus('p', 'scheduled', 'fired')).toBe('active');
    expect(nextPlanStatus('p', 'active', 'pause')).toBe('paused');
    expect(nextPlanStatus('p', 'paused', 'resume')).toBe('scheduled');
    expect(nextPlanStatus('p', 'active', 'exhausted')).toBe('completed');
    expect(() => nextPlanStatus('p', 'completed', 'edit')).toThrow(/completed: it cannot be edited now/);
    expect(canApply('cancelled', 'activate')).toBe(false);
  });
});

describe('quietUntil', () => {
  const quiet = { start: '21:00', end: '08:00' };
  it('is the end of the window inside it (across midnight), else null', () => {
    // 22:30 and 03:00 in Shanghai → 08:00 the next / same morning.
    expect(quietUntil(quiet, Date.UTC(2026, 2, 10, 14, 30), 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 11, 0, 0));
    expect(quietUntil(quiet, Date.UTC(2026, 2, 10, 19, 0), 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 11, 0, 0));
    expect(quietUntil(quiet, Date.UTC(2026, 2, 10, 2, 0), 'Asia/Shanghai')).toBeNull();
    expect(quietUntil({ start: '12:00', end: '14:00' }, Date.UTC(2026, 2, 10, 5, 0), 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 10, 6, 0));
    expect(quietUntil(null, Date.UTC(2026, 2, 10, 14, 30), 'Asia/Shanghai')).toBeNull();
  });
  it('ends at 08:00 local time across a DST change in the night', () => {
    // New York springs forward on 2026-03-08: 23:00 EST on the 7th → 08:00 EDT = 12:00Z.
    expect(quietUntil(quiet, Date.UTC(2026, 2, 8, 4, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 12, 0));
  });
});

describe('retryDelay and withinFrequencyCap', () => {
  it('backs off exponentially with jitter, never below Retry-After, and stops after the last try', () => {
    const policy = { ...DEFAULT_RETRY, maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3].map((a) => retryDelay(policy, a, 0))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((a) => retryDelay(policy, a, 0.999))).toEqual([1000, 1999, 3998]);
    expect(retryDelay(policy, 1, 0, 30_000)).toBe(30_000);
    expect(retryDelay(policy, 4, 0)).toBeNull();
  });
  it('counts messages inside the rolling window only', () => {
    const day = 86_400_000;
    const now = 100 * day;
    expect(withinFrequencyCap({ max: 2, days: 7 }, [now - day, now - 2 * day], now)).toBe(false);
    expect(withinFrequencyCap({ max: 2, days: 7 }, [now - day, now - 8 * day], now)).toBe(true);
    expect(withinFrequencyCap(null, [now, now, now], now)).toBe(true);
  });
});
