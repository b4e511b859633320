import { definePlugin, type FormSchema, type Json, type Localized, type PlanTemplate, type PlanView, type TemplateContext } from '../../sdk/campaign-desk-plugin.ts';
import { configChoice, configNumber, configString } from '../../shared/config.ts';
import { dateOfDay, dayNumber, formatDate, parseTime, TIME_PATTERN, wallMinutes, wallTimeAt, type CivilDate } from '../../shared/dates.ts';
import { consent, messageAction, ruleOf } from '../../shared/plan.ts';
import { FESTIVAL_IDS, FESTIVALS, festivalDay, type FestivalId } from './festivals.ts';

/** Festival marketing (节日营销): one message before the next occurrence of a festival, benefits valid for its window. */

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    festival: { type: 'string', title: 'Festival', enum: [...FESTIVAL_IDS], default: 'spring-festival' },
    daysBefore: { type: 'integer', title: 'Send this many days before the festival', minimum: 0, maximum: 30, default: 3 },
    time: { type: 'string', title: 'Send at (HH:MM)', pattern: TIME_PATTERN, default: '10:00' },
    windowDays: { type: 'integer', title: 'Campaign days from the festival on', description: 'Benefits stay valid from the send day to the festival plus this many days, less one', minimum: 1, maximum: 30, default: 7 },
  },
};

/** The dates of one campaign, as day numbers in the store's zone. */
interface Campaign {
  festival: FestivalId;
  festivalDay: number;
  sendDay: number;
  lastDay: number;
  time: string;
}

/**
 * The campaign for the festival's next occurrence on or after today (in the store's zone).
 * The message goes `daysBefore` days early at `time`; when that moment has passed already
 * (the plan is made late), at the next `time` still inside the campaign, else next year's.
 */
function campaign(config: Record<string, Json>, context: TemplateContext): Campaign {
  const festival = configChoice(configSchema, config, 'festival', FESTIVAL_IDS);
  const daysBefore = configNumber(configSchema, config, 'daysBefore');
  const time = configString(configSchema, config, 'time');
  const windowDays = configNumber(configSchema, config, 'windowDays');
  const at = parseTime(time) ?? { hour: 0, minute: 0 };
  const now = wallTimeAt(context.now, context.timeZone);
  const today = dayNumber(now);
  const nowMinutes = wallMinutes(today, now);
  for (let year = now.year; year <= now.year + 2; year++) {
    const day = festivalDay(festival, year);
    if (day < today) continue;
    const lastDay = day + windowDays - 1;
    let sendDay = day - daysBefore;
    if (wallMinutes(sendDay, at) <= nowMinutes) sendDay = wallMinutes(today, at) > nowMinutes ? today : today + 1;
    if (sendDay <= lastDay) return { festival, festivalDay: day, sendDay, lastDay, time };
  }
  // Unreachable: some occurrence within two years is on or after today and ahead of its time.
  throw new Error(`no next date for ${festival}`);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function spokenDate(d: CivilDate): Localized {
  return { en: `${MONTHS[d.month - 1]} ${d.day}`, 'zh-CN': `${d.month}月${d.day}日` };
}

/** A fixed period (type 2) over whole days: the end's 00:00:00 stands for the end of that day. */
function fixedPeriod(first: CivilDate, last: CivilDate): string {
  return `0-0 0-0 0-0 ${first.day}-${last.day} ${first.month}-${last.month} * ${first.year}-${last.year} 2`;
}

function template(c: Campaign): PlanTemplate {
  const name = FESTIVALS[c.festival].name;
  const festivalDate = dateOfDay(c.festivalDay);
  const first = dateOfDay(c.sendDay);
  const last = dateOfDay(c.lastDay);
  const when = spokenDate(festivalDate);
  const early = c.sendDay < c.festivalDay;
  const body: Localized = early
    ? {
        'zh-CN': `{{name|亲爱的顾客}}，${name['zh-CN']}（${when['zh-CN']}）就要到了，本店为您准备了节日惊喜，欢迎光临！`,
        en: `Hi {{name|there}}, ${name.en} is coming on ${when.en}: we have a festive surprise for you. See you soon!`,
      }
    : {
        'zh-CN': `{{name|亲爱的顾客}}，祝您${name['zh-CN']}快乐！本店为您准备了节日惊喜，欢迎光临！`,
        en: `Happy ${name.en}, {{name|dear customer}}! We have a festive surprise for you. See you soon!`,
      };
  const timing = {
    effective: { start: formatDate(first), end: formatDate(last) },
    period: fixedPeriod(first, last),
    execution: { mode: 'fixed' as const, at: `${formatDate(first)}T${c.time}` },
  };
  return {
    name: { en: `${name.en} ${festivalDate.year}`, 'zh-CN': `${festivalDate.year} ${name['zh-CN']}` },
    description: {
      en: `${name.en} on ${formatDate(festivalDate)}: ${describeTiming(timing, 'en')}`,
      'zh-CN': `${name['zh-CN']}（${formatDate(festivalDate)}）：${describeTiming(timing, 'zh-CN')}`,
    },
    audience: { name: { en: 'Customers reachable by SMS', 'zh-CN': '可短信触达的顾客' }, rule: ruleOf(consent('sms')) },
    timing,
    // No grant: which rights to give is the store's choice, made in the editor.
    actions: [messageAction('greeting', 'sms', body)],
  };
}

/** "sent 2026-09-22 at 10:00, valid 2026-09-22 to 2026-10-01", from the timing the plan runs on. */
function describeTiming(timing: PlanView['timing'], locale: 'en' | 'zh-CN'): string {
  const e = timing.execution;
  const parts: string[] = [];
  if (e.mode === 'fixed') {
    const [date, time] = e.at.split('T');
    parts.push(locale === 'en' ? `sent ${date} at ${time?.slice(0, 5)}` : `${date} ${time?.slice(0, 5)} 发送`);
  }
  const { start, end } = timing.effective;
  if (start && end) parts.push(locale === 'en' ? `valid ${start} to ${end}` : `有效期 ${start} 至 ${end}`);
  return parts.join(locale === 'en' ? ', ' : '，');
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'festival',
      name: { en: 'Festival marketing', 'zh-CN': '节日营销' },
      description: {
        en: 'A message before a festival, with benefits valid through its campaign days.',
        'zh-CN': '节前发送消息，权益在节日活动期内有效。',
      },
      icon: 'Calendar',
      configSchema,
      template(config, context) {
        return template(campaign(config, context));
      },
      describe(plan, locale) {
        const id = configChoice(configSchema, plan.config, 'festival', FESTIVAL_IDS);
        const detail = describeTiming(plan.timing, locale);
        const name = FESTIVALS[id].name[locale];
        return detail ? `${name}${locale === 'en' ? ': ' : '：'}${detail}` : name;
      },
    });
  },
});
