import { civilFromDays, DAY_MS, daysFromCivil, isLeapYear, weekdayOf } from '../period/calendar.ts';
import { getZone } from '../period/zone.ts';

/** How a Feb 29 birthday is celebrated in a non-leap year. */
export type LeapDayRule = 'feb28' | 'mar1';

/** The local day number (days since 1970-01-01) of `instant` in `zone`. */
export function localDay(instant: number, zone: string): number {
  return Math.floor(getZone(zone).wallAt(instant) / DAY_MS);
}

/** The day number on which a birthday (month, day) is celebrated in `year`. */
export function celebrationDay(year: number, month: number, day: number, leap: LeapDayRule = 'feb28'): number {
  if (month === 2 && day === 29 && !isLeapYear(year)) return leap === 'feb28' ? daysFromCivil(year, 2, 28) : daysFromCivil(year, 3, 1);
  return daysFromCivil(year, month, day);
}

/** Month and day of a `YYYY-MM-DD` birthday, or undefined when missing or malformed. */
export function parseBirthday(birthday: string | undefined): { month: number; day: number } | undefined {
  const m = birthday ? /^\d{4}-(\d\d)-(\d\d)$/.exec(birthday) : null;
  return m ? { month: Number(m[1]), day: Number(m[2]) } : undefined;
}

const civil = new Int32Array(3);

/**
 * Whether a birthday falls on / in the ISO week (Monday-Sunday) / in the month of `targetDay`
 * (a local day number: today plus the rule's offset, in the store's zone).
 */
export function birthdayMatches(
  birthday: { month: number; day: number },
  when: 'today' | 'thisWeek' | 'thisMonth',
  targetDay: number,
  leap: LeapDayRule = 'feb28',
): boolean {
  civilFromDays(targetDay, civil);
  const year = civil[0] ?? 0;
  const month = civil[1] ?? 0;
  if (when === 'today') return celebrationDay(year, birthday.month, birthday.day, leap) === targetDay;
  if (when === 'thisMonth') {
    // A Feb 29 birthday celebrated on Mar 1 belongs to March in non-leap years.
    const celebrated = celebrationDay(year, birthday.month, birthday.day, leap);
    civilFromDays(celebrated, civil);
    return civil[1] === month;
  }
  const monday = targetDay - ((weekdayOf(targetDay) + 6) % 7);
  // The week may span two years: check the celebration in each.
  for (const y of new Set([year - 1, year, year + 1])) {
    const day = celebrationDay(y, birthday.month, birthday.day, leap);
    if (day >= monday && day < monday + 7) return true;
  }
  return false;
}

/**
 * The `MM-DD` keys of birthdays that match (for an index lookup). Includes `02-29` whenever
 * its celebration day matches.
 */
export function matchingMonthDays(when: 'today' | 'thisWeek' | 'thisMonth', targetDay: number, leap: LeapDayRule = 'feb28'): string[] {
  const keys: string[] = [];
  for (let month = 1; month <= 12; month++) {
    const days = month === 2 ? 29 : [4, 6, 9, 11].includes(month) ? 30 : 31;
    for (let day = 1; day <= days; day++) {
      if (birthdayMatches({ month, day }, when, targetDay, leap)) keys.push(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    }
  }
  return keys;
}
