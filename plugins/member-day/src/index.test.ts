import { matchesRule } from '../../../main/core/audience/evaluate.ts';
import { contains } from '../../../main/core/period/index.ts';
import { isInOperationPeriod, nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, customer, customerView, NO_CANCEL, planViewOf, RUN, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';

const SH = 'Asia/Shanghai';
const context = { now: '2026-06-10T12:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('member-day');
const at = (iso: string) => Date.parse(iso);

describe('member-day template', () => {
  it('passes the app’s plan and audience validation for several configs', () => {
    const configs: Record<string, Json>[] = [{}, { dayOfMonth: 28, startTime: '20:00', endTime: '02:00', minLevel: 0, time: '19:30' }, { dayOfMonth: 1, startTime: '10:30', endTime: '12:15', minLevel: 9 }];
    for (const config of configs) {
      const { plan, rule } = validateTemplate(templateOf(type, config, context), SH, 'member-day');
      expect(plan.time.execution.mode).toBe('periodic');
      expect(rule.root).toMatchObject({ op: 'and' });
    }
  });

  it('runs on the 8th at 09:00 Shanghai time, month after month', () => {
    const template = templateOf(type, {}, context);
    expect(template.timing).toEqual({
      effective: { start: '2026-06-10' },
      period: '* 0-59 0-23 8 * * * 31',
      execution: { mode: 'periodic', expression: '0 0 9 8 * *' },
    });
    const spec = timeSpecOf(template, SH);
    const runs: number[] = [];
    let after = at(context.now);
    for (let i = 0; i < 3; i++) {
      const next = nextPlanExecution(spec, after);
      if (next === null) break;
      runs.push(next);
      after = next;
    }
    expect(runs).toEqual([at('2026-07-08T09:00:00+08:00'), at('2026-08-08T09:00:00+08:00'), at('2026-09-08T09:00:00+08:00')]);
  });

  it('makes benefits valid on the 8th only (the whole day by default)', () => {
    const spec = timeSpecOf(templateOf(type, {}, context), SH);
    const period = spec.period ?? '';
    expect(contains(period, at('2026-07-08T00:00:00+08:00'), SH)).toBe(true);
    expect(contains(period, at('2026-07-08T12:00:00+08:00'), SH)).toBe(true);
    expect(contains(period, at('2026-07-08T23:59:59+08:00'), SH)).toBe(true);
    expect(contains(period, at('2026-07-09T00:00:00+08:00'), SH)).toBe(false);
    expect(contains(period, at('2026-07-09T12:00:00+08:00'), SH)).toBe(false);
    expect(contains(period, at('2026-07-07T23:59:59+08:00'), SH)).toBe(false);
    expect(isInOperationPeriod(spec, at('2026-07-08T12:00:00+08:00'))).toBe(true);
    expect(isInOperationPeriod(spec, at('2026-07-09T12:00:00+08:00'))).toBe(false);
  });

  it('keeps a window that runs past midnight in one piece', () => {
    const spec = timeSpecOf(templateOf(type, { dayOfMonth: 28, startTime: '20:00', endTime: '02:00' }, context), SH);
    const period = spec.period ?? '';
    expect(contains(period, at('2026-06-28T19:59:59+08:00'), SH)).toBe(false);
    expect(contains(period, at('2026-06-28T20:00:00+08:00'), SH)).toBe(true);
    expect(contains(period, at('2026-06-29T02:00:59+08:00'), SH)).toBe(true);
    expect(contains(period, at('2026-06-29T02:01:00+08:00'), SH)).toBe(false);
  });

  it('picks members of at least the level who consented to SMS (the app’s evaluator)', () => {
    const rule = validateTemplate(templateOf(type, { minLevel: 2 }, context), SH, 'member-day').rule;
    const people = [
      customer({ externalId: 'gold', level: 3, consent: { sms: true } }),
      customer({ externalId: 'silver', level: 2, consent: { sms: true } }),
      customer({ externalId: 'bronze', level: 1, consent: { sms: true } }),
      customer({ externalId: 'quiet', level: 5, consent: { sms: false } }),
      customer({ externalId: 'unknown', level: 5 }),
    ];
    const ctx = { now: at(context.now), zoneOf: () => SH };
    expect(people.filter((c) => matchesRule(rule.root, c, [], ctx)).map((c) => c.externalId)).toEqual(['gold', 'silver']);
  });

  it('skips customers below the member level', async () => {
    const customers = [0, 1, 5].map((level) => customerView(customer({ externalId: `l${level}`, level })));
    const check = (config: Record<string, Json>) => type.eligibility?.(customers, planViewOf(templateOf(type, config, context), 'member-day', config), RUN, NO_CANCEL);
    expect(await check({})).toEqual(['below member level', null, null]);
    expect(await check({ minLevel: 5 })).toEqual(['below member level', 'below member level', null]);
  });

  it('describes the plan in both languages', () => {
    const describe = (config: Record<string, Json>, locale: 'en' | 'zh-CN') => type.describe?.(planViewOf(templateOf(type, config, context), 'member-day', config), locale);
    expect(describe({}, 'en')).toBe('Member day on the 8th of each month, all day, for level 1 and above; notice at 09:00');
    expect(describe({}, 'zh-CN')).toBe('每月 8 日会员日（全天），等级 1 及以上，09:00 发送通知');
    expect(describe({ dayOfMonth: 22, startTime: '10:00', endTime: '21:30', minLevel: 3, time: '09:30' }, 'en')).toBe(
      'Member day on the 22nd of each month, 10:00–21:30, for level 3 and above; notice at 09:30',
    );
    expect(describe({ dayOfMonth: 11 }, 'en')).toContain('the 11th');
  });
});
