import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, civilFromDays, daysFromCivil, daysInMonth, formatTimeOfDay, isLeapYear, weekdayOf } from './calendar.ts';

describe('calendar arithmetic', () => {
  it('agrees with Date for day numbers, dates and weekdays', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (day) => {
        const date = new Date(day * DAY_MS);
        const out = new Int32Array(3);
        civilFromDays(day, out);
        expect([...out]).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
        expect(daysFromCivil(out[0] ?? 0, out[1] ?? 0, out[2] ?? 0)).toBe(day);
        expect(weekdayOf(day)).toBe(date.getUTCDay());
      }),
      { numRuns: 500 },
    );
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2024, 2026].map(isLeapYear)).toEqual([false, true, true, false]);
    expect([daysInMonth(2028, 2), daysInMonth(2026, 2), daysInMonth(2026, 4), daysInMonth(2026, 12)]).toEqual([29, 28, 30, 31]);
  });

  it('formats times of day', () => {
    expect(formatTimeOfDay(8 * 3_600_000 + 20 * 60_000)).toBe('08:20');
    expect(formatTimeOfDay(8 * 3_600_000 + 5_000)).toBe('08:00:05');
  });
});
