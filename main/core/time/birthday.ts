import { CampaignError } from '../errors/campaign-error.ts';
import { daysFromCivil, civilFromDays, isLeapYear, weekdayOf } from '../period/calendar.ts';
import type { BirthdayScope, CustomerBirthday, LeapDayRule } from './types.ts';

/** The birthday settings of an execution time, with defaults filled in. */
export interface BirthdayRule {
  scope: BirthdayScope;
  offsetDays: number;
  leapDay: LeapDayRule;
  weekStartsOn: 0 | 1;
}

/** Month and day of a birthday written 'MM-DD' or 'YYYY-MM-DD' (the year is ignored); null if malformed. */
export function readBirthday(text: string): { month: number; day: number } | null {
  const m = /^(?:\d{4}-)?(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  const max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (max === undefined || day < 1 || day > max) return null;
  return { month, day };
}

/** The day (day number) a birthday is kept in `year`: Feb 29 moves to Feb 28 or Mar 1 in other years. */
export function celebrationDay(month: number, day: number, year: number, leapDay: LeapDayRule): number {
  if (month === 2 && day === 29 && !isLeapYear(year)) {
    return leapDay === 'mar1' ? daysFromCivil(year, 3, 1) : daysFromCivil(year, 2, 28);
  }
  return daysFromCivil(year, month, day);
}

/** The day the customer is due in the cycle of `year`: the birthday, its week's or month's first day, plus the offset. */
export function dueDay(month: number, day: number, year: number, rule: BirthdayRule): number {
  const celebration = celebrationDay(month, day, year, rule.leapDay);
  let base = celebration;
  if (rule.scope === 'week') base = celebration - ((weekdayOf(celebration) - rule.weekStartsOn + 7) % 7);
  else if (rule.scope === 'month') {
    const c = new Int32Array(3);
    civilFromDays(celebration, c);
    base = daysFromCivil(c[0] ?? year, c[1] ?? month, 1);
  }
  return base + rule.offsetDays;
}

const ALL_BIRTHDAYS: { key: string; month: number; day: number }[] = [];
for (let month = 1; month <= 12; month++) {
  const max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
  for (let day = 1; day <= max; day++) {
    ALL_BIRTHDAYS.push({ key: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, month, day });
  }
}

/**
 * The birthdays ('MM-DD') due on local day `day`: what a store queries its customers by.
 * Offsets are at most a year, so the cycles of the previous, same and next year are checked.
 */
export function birthdaysDueOn(day: number, rule: BirthdayRule): string[] {
  const c = new Int32Array(3);
  civilFromDays(day, c);
  const year = c[0] ?? 1970;
  const keys: string[] = [];
  for (const b of ALL_BIRTHDAYS) {
    for (const y of [year - 1, year, year + 1]) {
      if (dueDay(b.month, b.day, y, rule) === day) {
        keys.push(b.key);
        break;
      }
    }
  }
  return keys;
}

/** The customers due on local day `day`, in the order given; customers without a (valid) birthday are never due. */
export function customersDueOn(day: number, rule: BirthdayRule, customers: readonly CustomerBirthday[]): string[] {
  const due = new Set(birthdaysDueOn(day, rule));
  const out: string[] = [];
  for (const customer of customers) {
    if (!customer.birthday) continue;
    const b = readBirthday(customer.birthday);
    if (b && due.has(`${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`)) out.push(customer.id);
  }
  return out;
}

/** The first day on or after `fromDay` a customer with this birthday is due; throws TM_BAD_DATE for a bad birthday. */
export function nextDueDay(birthday: string, fromDay: number, rule: BirthdayRule): number {
  const b = readBirthday(birthday);
  if (!b) throw new CampaignError('TM_BAD_DATE', { value: birthday });
  const c = new Int32Array(3);
  civilFromDays(fromDay, c);
  const year = c[0] ?? 1970;
  for (let y = year - 1; y <= year + 2; y++) {
    const d = dueDay(b.month, b.day, y, rule);
    if (d >= fromDay) return d;
  }
  return dueDay(b.month, b.day, year + 3, rule);
}
