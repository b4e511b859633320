import { customersDue, nextCustomerExecution, nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, customer, customerView, NO_CANCEL, planViewOf, RUN, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';

const SH = 'Asia/Shanghai';
const context = { now: '2026-12-01T09:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('birthday');

describe('birthday template', () => {
  it('passes the app’s plan and audience validation for several configs', () => {
    const configs: Record<string, Json>[] = [{}, { scope: 'week', offsetDays: -7, time: '08:30' }, { scope: 'month', offsetDays: 30, leapDay: 'mar1' }, { scope: 'day', offsetDays: -30, time: '23:59' }];
    for (const config of configs) {
      const template = templateOf(type, config, context);
      const { plan, rule } = validateTemplate(template, SH, 'birthday');
      expect(plan.actions).toEqual([expect.objectContaining({ type: 'message', channel: 'sms', via: 'outbox' })]);
      expect(rule.root).toEqual({ kind: 'consent', channel: 'sms' });
    }
  });

  it('uses the form defaults: on the day at 10:00, Feb 29 on Feb 28, live from today', () => {
    expect(templateOf(type, {}, context).timing).toEqual({
      effective: { start: '2026-12-01' },
      execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00', leapDay: 'feb28' },
    });
    // 2026-12-01 00:30 in Shanghai is still November 30 in UTC: "today" is the store's.
    expect(templateOf(type, {}, { now: '2026-11-30T16:30:00Z', timeZone: SH }).timing.effective.start).toBe('2026-12-01');
    expect(type.configSchema?.properties).toMatchObject({ offsetDays: { minimum: -30, maximum: 30, default: 0 }, time: { default: '10:00' } });
  });

  it('refuses config values outside its form', () => {
    expect(() => type.template({ offsetDays: 31 }, context)).toThrow(/offsetDays/);
    expect(() => type.template({ scope: 'year' }, context)).toThrow(/scope/);
    expect(() => type.template({ time: '25:00' }, context)).toThrow(/time/);
  });
});

describe('birthday executions (the app’s time model)', () => {
  const people = [
    { id: 'leap', birthday: '2000-02-29' },
    { id: 'june', birthday: '1990-06-15' },
    { id: 'none', birthday: null },
  ];

  it('keeps a February 29 birthday on Feb 28 in 2027 with feb28, on Mar 1 with mar1', () => {
    const feb28 = timeSpecOf(templateOf(type, { leapDay: 'feb28' }, context), SH);
    expect(customersDue(feb28, '2027-02-28', people)).toEqual(['leap']);
    expect(customersDue(feb28, '2027-03-01', people)).toEqual([]);
    expect(nextCustomerExecution(feb28, '2000-02-29', Date.parse(context.now))).toBe(Date.parse('2027-02-28T10:00:00+08:00'));

    const mar1 = timeSpecOf(templateOf(type, { leapDay: 'mar1' }, context), SH);
    expect(customersDue(mar1, '2027-02-28', people)).toEqual([]);
    expect(customersDue(mar1, '2027-03-01', people)).toEqual(['leap']);
    expect(nextCustomerExecution(mar1, '2000-02-29', Date.parse(context.now))).toBe(Date.parse('2027-03-01T10:00:00+08:00'));
  });

  it('moves the day by offsetDays (-3: three days before)', () => {
    const spec = timeSpecOf(templateOf(type, { offsetDays: -3, time: '09:15' }, context), SH);
    expect(customersDue(spec, '2027-06-12', people)).toEqual(['june']);
    expect(customersDue(spec, '2027-06-15', people)).toEqual([]);
    expect(customersDue(spec, '2027-02-25', people)).toEqual(['leap']); // Feb 28 - 3
    expect(nextCustomerExecution(spec, '1990-06-15', Date.parse(context.now))).toBe(Date.parse('2027-06-12T09:15:00+08:00'));
  });

  it('runs its daily sweep at the configured time, from today', () => {
    const spec = timeSpecOf(templateOf(type, {}, context), SH);
    expect(nextPlanExecution(spec, Date.parse(context.now))).toBe(Date.parse('2026-12-01T10:00:00+08:00'));
    expect(nextPlanExecution(spec, Date.parse('2026-12-01T10:00:00+08:00'))).toBe(Date.parse('2026-12-02T10:00:00+08:00'));
  });
});

describe('birthday hooks', () => {
  it('skips customers without a birthday', async () => {
    const template = templateOf(type, {}, context);
    const customers = [customer({ externalId: 'c1', birthday: '1990-06-15' }), customer({ externalId: 'c2' })].map(customerView);
    const answer = await type.eligibility?.(customers, planViewOf(template, 'birthday', {}), RUN, NO_CANCEL);
    expect(answer).toEqual([null, 'no birthday']);
  });

  it('describes the plan in both languages, from the timing it runs on', () => {
    const describe = (config: Record<string, string | number>, locale: 'en' | 'zh-CN') => type.describe?.(planViewOf(templateOf(type, config, context), 'birthday', config), locale);
    expect(describe({}, 'en')).toBe("On each customer's birthday at 10:00");
    expect(describe({}, 'zh-CN')).toBe('每位顾客生日当天 10:00');
    expect(describe({ offsetDays: -3 }, 'en')).toBe("3 days before each customer's birthday, at 10:00");
    expect(describe({ offsetDays: -3 }, 'zh-CN')).toBe('每位顾客生日前 3 天 10:00');
    expect(describe({ scope: 'week', offsetDays: 1, time: '08:00' }, 'en')).toBe("1 day after the first day of each customer's birthday week, at 08:00");
    expect(describe({ scope: 'month' }, 'zh-CN')).toBe('每位顾客生日当月 1 日 10:00');
    // The user edited the timing in the plan editor: the description follows it, not the config.
    const edited = planViewOf(templateOf(type, {}, context), 'birthday', {});
    edited.timing = { ...edited.timing, execution: { mode: 'birthday', scope: 'day', offsetDays: 2, time: '11:00' } };
    expect(type.describe?.(edited, 'en')).toBe("2 days after each customer's birthday, at 11:00");
  });
});
