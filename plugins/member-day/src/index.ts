import { definePlugin, type FormSchema, type Json, type Localized } from '../../sdk/campaign-desk-plugin.ts';
import { configNumber, configString } from '../../shared/config.ts';
import { parseTime, TIME_PATTERN, todayIn, type TimeOfDay } from '../../shared/dates.ts';
import { consent, messageAction, ruleOf } from '../../shared/plan.ts';

/** Member day (会员日): a notice on one day each month; benefits valid only inside that day's window. */

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    // At most 28 so that every month has the day.
    dayOfMonth: { type: 'integer', title: 'Day of the month', minimum: 1, maximum: 28, default: 8 },
    startTime: { type: 'string', title: 'Member day starts at (HH:MM)', pattern: TIME_PATTERN, default: '00:00' },
    endTime: { type: 'string', title: 'Member day ends at (HH:MM, last minute included)', description: 'An end before the start runs past midnight', pattern: TIME_PATTERN, default: '23:59' },
    minLevel: { type: 'integer', title: 'Lowest member level', minimum: 0, maximum: 9, default: 1 },
    time: { type: 'string', title: 'Send the notice at (HH:MM)', pattern: TIME_PATTERN, default: '09:00' },
  },
};

interface Settings {
  day: number;
  start: TimeOfDay;
  end: TimeOfDay;
  minLevel: number;
  time: TimeOfDay;
}

function settings(config: Record<string, Json>): Settings {
  // The schema's pattern has checked the times; the fallback only satisfies the types.
  const time = (key: string) => parseTime(configString(configSchema, config, key)) ?? { hour: 0, minute: 0 };
  return {
    day: configNumber(configSchema, config, 'dayOfMonth'),
    start: time('startTime'),
    end: time('endTime'),
    minLevel: configNumber(configSchema, config, 'minLevel'),
    time: time('time'),
  };
}

const hhmm = (t: TimeOfDay) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
const allDay = (s: Settings) => s.start.hour === 0 && s.start.minute === 0 && s.end.hour === 23 && s.end.minute === 59;

/** The window as a daily-window expression (type 31) on that day of the month; `*` seconds make the end minute whole. */
function windowExpression(s: Settings): string {
  return `* ${s.start.minute}-${s.end.minute} ${s.start.hour}-${s.end.hour} ${s.day} * * * 31`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function windowText(s: Settings): Localized {
  if (allDay(s)) return { en: 'all day', 'zh-CN': '全天' };
  const text = `${hhmm(s.start)}–${hhmm(s.end)}`;
  return { en: text, 'zh-CN': text };
}

function describeMemberDay(s: Settings, locale: 'en' | 'zh-CN'): string {
  const window = windowText(s)[locale];
  if (locale === 'zh-CN') return `每月 ${s.day} 日会员日（${window}），等级 ${s.minLevel} 及以上，${hhmm(s.time)} 发送通知`;
  return `Member day on the ${ordinal(s.day)} of each month, ${window}, for level ${s.minLevel} and above; notice at ${hhmm(s.time)}`;
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'member-day',
      name: { en: 'Member day', 'zh-CN': '会员日' },
      description: {
        en: 'One day a month for members: a notice, and benefits valid only inside the member-day window.',
        'zh-CN': '每月一天的会员专属日：发送通知，权益仅在会员日时段内有效。',
      },
      icon: 'Medal',
      configSchema,
      template(config, context) {
        const s = settings(config);
        const window = windowText(s);
        return {
          name: { en: 'Member day', 'zh-CN': '会员日' },
          description: { en: describeMemberDay(s, 'en'), 'zh-CN': describeMemberDay(s, 'zh-CN') },
          audience: {
            name: { en: `Members of level ${s.minLevel} and above reachable by SMS`, 'zh-CN': `等级 ${s.minLevel} 及以上、可短信触达的会员` },
            rule: ruleOf({ kind: 'attribute', field: 'level', cmp: 'gte', value: s.minLevel }, consent('sms')),
          },
          timing: {
            effective: { start: todayIn(context.now, context.timeZone) },
            period: windowExpression(s),
            execution: { mode: 'periodic', expression: `0 ${s.time.minute} ${s.time.hour} ${s.day} * *` },
          },
          // No grant: which rights to give is the store's choice, made in the editor.
          actions: [
            messageAction('notice', 'sms', {
              'zh-CN': `{{name|亲爱的会员}}，今天是本店会员日（${window['zh-CN']}），会员专享优惠等您来！`,
              en: `Hi {{name|there}}, today is our member day (${window.en}): member-only offers are waiting for you!`,
            }),
          ],
        };
      },
      eligibility(customers, plan) {
        const { minLevel } = settings(plan.config);
        return customers.map((c) => (c.level >= minLevel ? null : 'below member level'));
      },
      describe(plan, locale) {
        return describeMemberDay(settings(plan.config), locale);
      },
    });
  },
});
