import { contains } from '../../../main/core/period/index.ts';
import { festivalDate, nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json, PlanAction } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, planViewOf, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';
import { FESTIVAL_IDS, festivalDay, type FestivalId } from './festivals.ts';
import { formatDate, dateOfDay } from '../../shared/dates.ts';

const SH = 'Asia/Shanghai';
const june = { now: '2026-06-01T10:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('festival');
const at = (iso: string) => Date.parse(iso);

function body(action: PlanAction | undefined, locale: 'en' | 'zh-CN'): string {
  return action?.type === 'message' ? (action.template[locale]?.body ?? '') : '';
}

/** The app's festival ids where they differ from the plugin's. */
const APP_ID: Partial<Record<FestivalId, string>> = {
  lantern: 'lantern-festival',
  'dragon-boat': 'dragon-boat-festival',
  'mid-autumn': 'mid-autumn-festival',
  valentines: 'valentines-day',
};

describe('festival dates', () => {
  it('agree with the app’s festival calendar for every festival, 2025-2035', () => {
    for (const id of FESTIVAL_IDS) {
      for (let year = 2025; year <= 2035; year++) expect(formatDate(dateOfDay(festivalDay(id, year))), `${id} ${year}`).toBe(festivalDate(APP_ID[id] ?? id, year));
    }
  });
});

describe('festival template', () => {
  it('passes the app’s plan and audience validation for every festival and the bounds of the form', () => {
    const configs: Record<string, Json>[] = [{}, { daysBefore: 0, windowDays: 1 }, { daysBefore: 30, windowDays: 30, time: '23:59' }];
    for (const festival of FESTIVAL_IDS) {
      for (const config of configs) {
        const template = templateOf(type, { ...config, festival }, june);
        const { plan, rule } = validateTemplate(template, SH, 'festival');
        expect(plan.time.execution.mode).toBe('fixed');
        expect(rule.root).toEqual({ kind: 'consent', channel: 'sms' });
      }
    }
  });

  it('dates the next Spring Festival (2027-02-06) three days early at 10:00 Shanghai time', () => {
    const template = templateOf(type, { festival: 'spring-festival' }, june);
    expect(template.timing).toEqual({
      effective: { start: '2027-02-03', end: '2027-02-12' },
      period: '0-0 0-0 0-0 3-12 2-2 * 2027-2027 2',
      execution: { mode: 'fixed', at: '2027-02-03T10:00' },
    });
    const spec = timeSpecOf(template, SH);
    expect(nextPlanExecution(spec, at(june.now))).toBe(at('2027-02-03T10:00:00+08:00'));
    expect(nextPlanExecution(spec, at('2027-02-03T10:00:00+08:00'))).toBeNull();
    // Benefits: from the send day to the festival + 7 days - 1, whole days.
    expect(contains(spec.period ?? '', at('2027-02-03T00:00:00+08:00'), SH)).toBe(true);
    expect(contains(spec.period ?? '', at('2027-02-12T23:59:59+08:00'), SH)).toBe(true);
    expect(contains(spec.period ?? '', at('2027-02-02T23:59:59+08:00'), SH)).toBe(false);
    expect(contains(spec.period ?? '', at('2027-02-13T00:00:00+08:00'), SH)).toBe(false);
    expect(template.name).toEqual({ en: 'Spring Festival 2027', 'zh-CN': '2027 春节' });
    expect(body(template.actions[0], 'zh-CN')).toContain('春节（2月6日）就要到了');
    expect(body(template.actions[0], 'en')).toContain('Spring Festival is coming on February 6');
  });

  it('dates Mid-Autumn this year (2026-09-25), and next year’s (2027-09-15) once it has passed', () => {
    const thisYear = timeSpecOf(templateOf(type, { festival: 'mid-autumn', daysBefore: 5, time: '09:30' }, june), SH);
    expect(nextPlanExecution(thisYear, at(june.now))).toBe(at('2026-09-20T09:30:00+08:00'));
    const after = { now: '2026-09-26T08:00:00+08:00', timeZone: SH };
    const nextYear = templateOf(type, { festival: 'mid-autumn' }, after);
    expect(nextYear.timing.execution).toEqual({ mode: 'fixed', at: '2027-09-12T10:00' });
    expect(nextYear.timing.effective).toEqual({ start: '2027-09-12', end: '2027-09-21' });
  });

  it('sends at the next possible time when the plan is made after the planned send day', () => {
    // Two days before Mid-Autumn, after 10:00: tomorrow at 10:00.
    const late = templateOf(type, { festival: 'mid-autumn' }, { now: '2026-09-23T12:00:00+08:00', timeZone: SH });
    expect(late.timing.execution).toEqual({ mode: 'fixed', at: '2026-09-24T10:00' });
    expect(late.timing.effective).toEqual({ start: '2026-09-24', end: '2026-10-01' });
    // On the day, before 10:00: today, with "happy festival".
    const onDay = templateOf(type, { festival: 'mid-autumn' }, { now: '2026-09-25T08:00:00+08:00', timeZone: SH });
    expect(onDay.timing.execution).toEqual({ mode: 'fixed', at: '2026-09-25T10:00' });
    expect(body(onDay.actions[0], 'zh-CN')).toContain('祝您中秋节快乐');
    // On the day after 10:00 with a one-day window: nothing is left this year.
    const missed = templateOf(type, { festival: 'mid-autumn', windowDays: 1 }, { now: '2026-09-25T11:00:00+08:00', timeZone: SH });
    expect(missed.timing.execution).toEqual({ mode: 'fixed', at: '2027-09-12T10:00' });
  });

  it('reads "today" in the store’s zone', () => {
    // 2026-12-26 01:00 in Shanghai (Christmas is over), still Christmas Day 17:00 in UTC.
    const now = '2026-12-25T17:00:00Z';
    const config = { festival: 'christmas', daysBefore: 0, time: '18:00' };
    expect(templateOf(type, config, { now, timeZone: SH }).timing.execution).toEqual({ mode: 'fixed', at: '2027-12-25T18:00' });
    expect(templateOf(type, config, { now, timeZone: 'UTC' }).timing.execution).toEqual({ mode: 'fixed', at: '2026-12-25T18:00' });
    expect(templateOf(type, { festival: 'new-year', daysBefore: 0 }, { now, timeZone: SH }).timing.execution).toEqual({ mode: 'fixed', at: '2027-01-01T10:00' });
  });

  it('covers a campaign across the year end in its fixed period', () => {
    const template = templateOf(type, { festival: 'christmas', daysBefore: 2, windowDays: 10 }, june);
    expect(template.timing.period).toBe('0-0 0-0 0-0 23-3 12-1 * 2026-2027 2');
    const spec = timeSpecOf(template, SH);
    expect(contains(spec.period ?? '', at('2027-01-03T12:00:00+08:00'), SH)).toBe(true);
    expect(contains(spec.period ?? '', at('2027-01-04T00:00:00+08:00'), SH)).toBe(false);
  });

  it('describes the plan in both languages', () => {
    const config = { festival: 'mid-autumn' };
    const plan = planViewOf(templateOf(type, config, june), 'festival', config);
    expect(type.describe?.(plan, 'en')).toBe('Mid-Autumn Festival: sent 2026-09-22 at 10:00, valid 2026-09-22 to 2026-10-01');
    expect(type.describe?.(plan, 'zh-CN')).toBe('中秋节：2026-09-22 10:00 发送，有效期 2026-09-22 至 2026-10-01');
  });
});
