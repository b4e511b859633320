import { definePlugin, type FormSchema, type Json, type PlanView } from '../../sdk/campaign-desk-plugin.ts';
import { configChoice, configNumber, configString } from '../../shared/config.ts';
import { TIME_PATTERN, todayIn } from '../../shared/dates.ts';
import { consent, messageAction, ruleOf } from '../../shared/plan.ts';

/** Birthday care (生日关怀): one message per customer, relative to their birthday. */

const SCOPES = ['day', 'week', 'month'] as const;
type Scope = (typeof SCOPES)[number];
const LEAP_DAY = ['feb28', 'mar1'] as const;

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    scope: { type: 'string', title: 'When', description: 'day: the birthday itself; week: the first day of the birthday week; month: the 1st of the birthday month', enum: [...SCOPES], default: 'day' },
    offsetDays: { type: 'integer', title: 'Days before (-) or after (+)', minimum: -30, maximum: 30, default: 0 },
    time: { type: 'string', title: 'Send at (HH:MM)', pattern: TIME_PATTERN, default: '10:00' },
    leapDay: { type: 'string', title: 'February 29 birthdays in other years', description: 'feb28: on February 28; mar1: on March 1', enum: [...LEAP_DAY], default: 'feb28' },
  },
};

interface Settings {
  scope: Scope;
  offsetDays: number;
  time: string;
}

function settings(config: Record<string, Json>): Settings & { leapDay: (typeof LEAP_DAY)[number] } {
  return {
    scope: configChoice(configSchema, config, 'scope', SCOPES),
    offsetDays: configNumber(configSchema, config, 'offsetDays'),
    time: configString(configSchema, config, 'time'),
    leapDay: configChoice(configSchema, config, 'leapDay', LEAP_DAY),
  };
}

/** What the plan actually runs on: its timing (the user may have edited it), else its config. */
function planSettings(plan: PlanView): Settings {
  const e = plan.timing.execution;
  if (e.mode === 'birthday') return { scope: e.scope, offsetDays: e.offsetDays ?? 0, time: e.time };
  return settings(plan.config);
}

const ANCHOR: Record<Scope, { en: string; 'zh-CN': string }> = {
  day: { en: "each customer's birthday", 'zh-CN': '每位顾客生日' },
  week: { en: "the first day of each customer's birthday week", 'zh-CN': '每位顾客生日当周的第一天' },
  month: { en: "the 1st of each customer's birthday month", 'zh-CN': '每位顾客生日当月 1 日' },
};

function describeBirthday({ scope, offsetDays, time }: Settings, locale: 'en' | 'zh-CN'): string {
  const n = Math.abs(offsetDays);
  const anchor = ANCHOR[scope][locale];
  if (locale === 'zh-CN') {
    if (offsetDays === 0) return `${anchor}${scope === 'day' ? '当天' : ''} ${time}`;
    return `${anchor}${offsetDays < 0 ? '前' : '后'} ${n} 天 ${time}`;
  }
  if (offsetDays === 0) return `On ${anchor} at ${time}`;
  return `${n} day${n === 1 ? '' : 's'} ${offsetDays < 0 ? 'before' : 'after'} ${anchor}, at ${time}`;
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'birthday',
      name: { en: 'Birthday care', 'zh-CN': '生日关怀' },
      description: {
        en: 'A greeting on each customer’s birthday, or in their birthday week or month.',
        'zh-CN': '在顾客生日当天、生日当周或当月送上祝福。',
      },
      icon: 'Present',
      configSchema,
      template(config, context) {
        const s = settings(config);
        return {
          name: { en: 'Birthday care', 'zh-CN': '生日关怀' },
          description: { en: describeBirthday(s, 'en'), 'zh-CN': describeBirthday(s, 'zh-CN') },
          // The rule language cannot test "has a birthday": the birthday timing only ever
          // picks customers with one, and the eligibility hook below checks again.
          audience: { name: { en: 'Customers reachable by SMS', 'zh-CN': '可短信触达的顾客' }, rule: ruleOf(consent('sms')) },
          timing: {
            effective: { start: todayIn(context.now, context.timeZone) },
            execution: { mode: 'birthday', scope: s.scope, offsetDays: s.offsetDays, time: s.time, leapDay: s.leapDay },
          },
          // No grant: which rights to give is the store's choice, made in the editor.
          actions: [
            messageAction('greeting', 'sms', {
              'zh-CN': '{{name|亲爱的顾客}}，祝您生日快乐！感谢一直以来的支持，期待您的光临。',
              en: 'Happy birthday, {{name|dear customer}}! Thank you for being with us; we look forward to seeing you.',
            }),
          ],
        };
      },
      eligibility(customers) {
        return customers.map((c) => (c.birthday ? null : 'no birthday'));
      },
      describe(plan, locale) {
        return describeBirthday(planSettings(plan), locale);
      },
    });
  },
});
