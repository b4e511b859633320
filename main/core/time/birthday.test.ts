import { describe, expect, it } from 'vitest';
import { parseLocalDate, formatLocalDate } from './instant.ts';
import { birthdaysDueOn, customersDueOn, nextDueDay, readBirthday, type BirthdayRule } from './birthday.ts';

const rule = (r: Partial<BirthdayRule>): BirthdayRule => ({ scope: 'day', offsetDays: 0, leapDay: 'feb28', weekStartsOn: 1, ...r });
const due = (date: string, r: Partial<BirthdayRule>) => birthdaysDueOn(parseLocalDate(date), rule(r));

describe('birthdays', () => {
  it('reads MM-DD and YYYY-MM-DD', () => {
    expect(readBirthday('03-08')).toEqual({ month: 3, day: 8 });
    expect(readBirthday('1990-02-29')).toEqual({ month: 2, day: 29 });
    expect(readBirthday('02-30')).toBeNull();
    expect(readBirthday('3-8')).toBeNull();
  });

  it('is due on the day, with an offset', () => {
    expect(due('2026-03-08', {})).toEqual(['03-08']);
    // Three days before: a 03-11 birthday is due on 03-08.
    expect(due('2026-03-08', { offsetDays: -3 })).toEqual(['03-11']);
    // Across the year end: a 01-02 birthday three days earlier is due on 2025-12-30.
    expect(due('2025-12-30', { offsetDays: -3 })).toEqual(['01-02']);
  });

  it('keeps February 29 on February 28 in other years, or March 1 when configured', () => {
    expect(due('2026-02-28', {})).toEqual(['02-28', '02-29']);
    expect(due('2026-03-01', {})).toEqual(['03-01']);
    expect(due('2026-03-01', { leapDay: 'mar1' })).toEqual(['02-29', '03-01']);
    expect(due('2028-02-29', {})).toEqual(['02-29']);
    expect(due('2028-02-28', {})).toEqual(['02-28']);
  });

  it('is due on the first day of the birthday week (Monday, or Sunday)', () => {
    // 2026-03-09 is a Monday: its week holds 03-09 .. 03-15.
    expect(due('2026-03-09', { scope: 'week' })).toEqual(['03-09', '03-10', '03-11', '03-12', '03-13', '03-14', '03-15']);
    expect(due('2026-03-10', { scope: 'week' })).toEqual([]);
    expect(due('2026-03-08', { scope: 'week', weekStartsOn: 0 })).toHaveLength(7);
    // The week of 2025-12-29 holds 2026's Jan 1-4 birthdays.
    expect(due('2025-12-29', { scope: 'week' })).toEqual(['01-01', '01-02', '01-03', '01-04', '12-29', '12-30', '12-31']);
  });

  it('is due on the first of the birthday month, with an offset', () => {
    expect(due('2026-03-01', { scope: 'month' })).toHaveLength(31);
    expect(due('2026-02-01', { scope: 'month' })).toContain('02-29');
    expect(due('2026-02-22', { scope: 'month', offsetDays: -7 })).toHaveLength(31); // a week before March
    expect(due('2026-02-01', { scope: 'month', leapDay: 'mar1' })).not.toContain('02-29');
    expect(due('2026-03-01', { scope: 'month', leapDay: 'mar1' })).toContain('02-29');
  });

  it('picks the due customers and skips those without a birthday', () => {
    const customers = [
      { id: 'a', birthday: '1990-03-08' },
      { id: 'b', birthday: '03-09' },
      { id: 'c', birthday: null },
      { id: 'd', birthday: 'garbage' },
      { id: 'e', birthday: '2000-02-29' },
    ];
    expect(customersDueOn(parseLocalDate('2026-03-08'), rule({}), customers)).toEqual(['a']);
    expect(customersDueOn(parseLocalDate('2026-02-28'), rule({}), customers)).toEqual(['e']);
  });

  it('finds the next due day', () => {
    expect(formatLocalDate(nextDueDay('03-08', parseLocalDate('2026-03-09'), rule({})))).toBe('2027-03-08');
    expect(formatLocalDate(nextDueDay('01-02', parseLocalDate('2025-12-01'), rule({ offsetDays: -3 })))).toBe('2025-12-30');
    expect(formatLocalDate(nextDueDay('02-29', parseLocalDate('2026-01-01'), rule({})))).toBe('2026-02-28');
  });
});
