import {
  MAX_YEAR,
  MIN_YEAR,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  weekdayOf,
} from './calendar.ts';
import type { DayFilter, NumberSet } from './types.ts';

/** Day numbers outside the searchable years. */
export const FIRST_DAY = daysFromCivil(MIN_YEAR, 1, 1);
export const LAST_DAY = daysFromCivil(MAX_YEAR, 12, 31);

/** The weekday (Monday-Friday) nearest day `n` of a month, staying in the month; -1 if the month is shorter. */
export function nearestWeekday(year: number, month: number, n: number): number {
  const dim = daysInMonth(year, month);
  if (n > dim) return -1;
  const wd = weekdayOf(daysFromCivil(year, month, n));
  if (wd === 6) return n > 1 ? n - 1 : n + 2;
  if (wd === 0) return n < dim ? n + 1 : n - 2;
  return n;
}

/** The last weekday (Monday-Friday) of a month. */
export function lastWeekday(year: number, month: number): number {
  const dim = daysInMonth(year, month);
  const wd = weekdayOf(daysFromCivil(year, month, dim));
  return wd === 6 ? dim - 1 : wd === 0 ? dim - 2 : dim;
}

/** A year set as a lookup table (null: any year). */
export function yearTable(set: NumberSet): Uint8Array | null {
  if (set.wildcard) return null;
  const table = new Uint8Array(MAX_YEAR - MIN_YEAR + 1);
  for (const y of set.values) table[y - MIN_YEAR] = 1;
  return table;
}

export function monthTable(set: NumberSet): Uint8Array {
  const table = new Uint8Array(13);
  for (const m of set.values) table[m] = 1;
  return table;
}

export function yearAllowed(table: Uint8Array | null, year: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  return table === null || table[year - MIN_YEAR] === 1;
}

/**
 * Decides which days a cron day filter admits, with cron-parser's rule for the two day fields:
 * when both are restricted (not `*`/`?`) a day matching either qualifies; otherwise the
 * restricted one decides. Works on day numbers, without allocation.
 */
export class DayMatcher {
  private readonly years: Uint8Array | null;
  private readonly months: Uint8Array;
  private readonly dom = new Uint8Array(32);
  private readonly dow = new Uint8Array(7);
  private readonly lastOf = new Uint8Array(7);
  private readonly last: boolean;
  private readonly lastWeekday: boolean;
  private readonly nearest: number[];
  private readonly nth: { weekday: number; nth: number }[];
  private readonly domAny: boolean;
  private readonly dowAny: boolean;
  /** Every day of every year qualifies. */
  readonly everyDay: boolean;
  private readonly civil = new Int32Array(3);

  constructor(filter: DayFilter) {
    this.years = yearTable(filter.year);
    this.months = monthTable(filter.month);
    for (const d of filter.dayOfMonth.values) this.dom[d] = 1;
    for (const d of filter.dayOfWeek.values) this.dow[d] = 1;
    for (const d of filter.dayOfWeek.lastOf) this.lastOf[d] = 1;
    this.last = filter.dayOfMonth.last;
    this.lastWeekday = filter.dayOfMonth.lastWeekday;
    this.nearest = filter.dayOfMonth.nearestWeekdays;
    this.nth = filter.dayOfWeek.nth;
    this.domAny = filter.dayOfMonth.wildcard;
    this.dowAny = filter.dayOfWeek.wildcard;
    const allMonths = filter.month.values.length === 12;
    const allDom = filter.dayOfMonth.values.length === 31;
    const allDow = filter.dayOfWeek.values.length === 7;
    const daysAll = this.domAny ? this.dowAny || allDow : this.dowAny ? allDom : allDom || allDow;
    this.everyDay = this.years === null && allMonths && daysAll;
  }

  matches(day: number): boolean {
    if (this.everyDay) return day >= FIRST_DAY && day <= LAST_DAY;
    const c = this.civil;
    civilFromDays(day, c);
    const year = c[0] as number;
    const month = c[1] as number;
    if (!yearAllowed(this.years, year) || this.months[month] !== 1) return false;
    return this.daysMatch(day, year, month, c[2] as number);
  }

  private daysMatch(day: number, year: number, month: number, d: number): boolean {
    if (this.domAny && this.dowAny) return true;
    if (this.domAny) return this.dowMatch(day, year, month, d);
    if (this.dowAny) return this.domMatch(year, month, d);
    return this.domMatch(year, month, d) || this.dowMatch(day, year, month, d);
  }

  private domMatch(year: number, month: number, d: number): boolean {
    if (this.dom[d] === 1) return true;
    if (this.last && d === daysInMonth(year, month)) return true;
    if (this.lastWeekday && d === lastWeekday(year, month)) return true;
    for (const n of this.nearest) if (nearestWeekday(year, month, n) === d) return true;
    return false;
  }

  private dowMatch(day: number, year: number, month: number, d: number): boolean {
    const wd = weekdayOf(day);
    if (this.dow[wd] === 1) return true;
    if (this.lastOf[wd] === 1 && d + 7 > daysInMonth(year, month)) return true;
    for (const { weekday, nth } of this.nth) if (weekday === wd && Math.ceil(d / 7) === nth) return true;
    return false;
  }

  /** The first qualifying day number >= `day`, or Infinity when none before the end of MAX_YEAR. */
  next(day: number): number {
    if (day < FIRST_DAY) day = FIRST_DAY;
    if (this.everyDay) return day <= LAST_DAY ? day : Number.POSITIVE_INFINITY;
    const c = this.civil;
    while (day <= LAST_DAY) {
      civilFromDays(day, c);
      const year = c[0] as number;
      const month = c[1] as number;
      if (!yearAllowed(this.years, year)) {
        day = daysFromCivil(year + 1, 1, 1);
        continue;
      }
      if (this.months[month] !== 1) {
        day = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
        continue;
      }
      if (this.daysMatch(day, year, month, c[2] as number)) return day;
      day++;
    }
    return Number.POSITIVE_INFINITY;
  }
}
