import { LunarDay } from 'tyme4ts';
import type { Localized } from '../../sdk/campaign-desk-plugin.ts';
import { dateOfDay, dayNumber, weekdayOfDay } from '../../shared/dates.ts';

/**
 * The festivals a festival plan can be built around, as rules (dates are computed, so every
 * year works): a Gregorian month and day, the nth weekday of a month, or a Chinese lunar month
 * and day (resolved with tyme4ts).
 */

type Rule =
  | { type: 'fixed'; month: number; day: number }
  /** The `nth` `weekday` (0 = Sunday) of a Gregorian month. */
  | { type: 'nth-weekday'; month: number; weekday: number; nth: number }
  | { type: 'lunar'; month: number; day: number };

export const FESTIVAL_IDS = [
  'spring-festival',
  'lantern',
  'dragon-boat',
  'qixi',
  'mid-autumn',
  'national-day',
  'double-11',
  'double-12',
  'christmas',
  'new-year',
  'valentines',
  'womens-day',
  'mothers-day',
  'fathers-day',
] as const;
export type FestivalId = (typeof FESTIVAL_IDS)[number];

export const FESTIVALS: Record<FestivalId, { name: Localized; rule: Rule }> = {
  'spring-festival': { name: { en: 'Spring Festival', 'zh-CN': '春节' }, rule: { type: 'lunar', month: 1, day: 1 } },
  lantern: { name: { en: 'Lantern Festival', 'zh-CN': '元宵节' }, rule: { type: 'lunar', month: 1, day: 15 } },
  'dragon-boat': { name: { en: 'Dragon Boat Festival', 'zh-CN': '端午节' }, rule: { type: 'lunar', month: 5, day: 5 } },
  qixi: { name: { en: 'Qixi Festival', 'zh-CN': '七夕' }, rule: { type: 'lunar', month: 7, day: 7 } },
  'mid-autumn': { name: { en: 'Mid-Autumn Festival', 'zh-CN': '中秋节' }, rule: { type: 'lunar', month: 8, day: 15 } },
  'national-day': { name: { en: 'National Day', 'zh-CN': '国庆节' }, rule: { type: 'fixed', month: 10, day: 1 } },
  'double-11': { name: { en: 'Double 11', 'zh-CN': '双十一' }, rule: { type: 'fixed', month: 11, day: 11 } },
  'double-12': { name: { en: 'Double 12', 'zh-CN': '双十二' }, rule: { type: 'fixed', month: 12, day: 12 } },
  christmas: { name: { en: 'Christmas', 'zh-CN': '圣诞节' }, rule: { type: 'fixed', month: 12, day: 25 } },
  'new-year': { name: { en: "New Year's Day", 'zh-CN': '元旦' }, rule: { type: 'fixed', month: 1, day: 1 } },
  valentines: { name: { en: "Valentine's Day", 'zh-CN': '情人节' }, rule: { type: 'fixed', month: 2, day: 14 } },
  'womens-day': { name: { en: "Women's Day", 'zh-CN': '妇女节' }, rule: { type: 'fixed', month: 3, day: 8 } },
  'mothers-day': { name: { en: "Mother's Day", 'zh-CN': '母亲节' }, rule: { type: 'nth-weekday', month: 5, weekday: 0, nth: 2 } },
  'fathers-day': { name: { en: "Father's Day", 'zh-CN': '父亲节' }, rule: { type: 'nth-weekday', month: 6, weekday: 0, nth: 3 } },
};

/** The day number of a lunar date of lunar year `lunarYear`. */
function lunarToDay(lunarYear: number, month: number, day: number): number {
  const solar = LunarDay.fromYmd(lunarYear, month, day).getSolarDay();
  return dayNumber({ year: solar.getYear(), month: solar.getMonth(), day: solar.getDay() });
}

/** The day number of festival `id` in Gregorian `year`. */
export function festivalDay(id: FestivalId, year: number): number {
  const rule = FESTIVALS[id].rule;
  switch (rule.type) {
    case 'fixed':
      return dayNumber({ year, month: rule.month, day: rule.day });
    case 'nth-weekday': {
      const first = dayNumber({ year, month: rule.month, day: 1 });
      return first + ((rule.weekday - weekdayOfDay(first) + 7) % 7) + (rule.nth - 1) * 7;
    }
    case 'lunar': {
      // A lunar year starts in late January or February, so a date late in it could fall in
      // the next Gregorian year: take the lunar year whose date lands in `year`.
      for (const lunarYear of [year, year - 1]) {
        const day = lunarToDay(lunarYear, rule.month, rule.day);
        if (dateOfDay(day).year === year) return day;
      }
      throw new Error(`${id} has no date in ${year}`);
    }
  }
}
