import { DAY_MS, MAX_YEAR, MIN_YEAR, civilFromDays, daysFromCivil, daysInMonth } from './calendar.ts';
import { yearAllowed, yearTable } from './day-filter.ts';
import { containsByScan, endMs, timeMs, type OccurrenceSource } from './occurrence-source.ts';
import type { YearlyPeriod } from './types.ts';

/**
 * Type 34: once a year from (start month, day) at `from` to (end month, day) after `to`; an
 * end before the start falls in the next year. February 29 as a start skips other years; as
 * an end it is clamped to February 28.
 */
export class YearlySource implements OccurrenceSource {
  readonly maxSpan: number;
  readonly always: boolean;
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly wraps: boolean;
  private readonly years: Uint8Array | null;
  private readonly civil = new Int32Array(3);
  private readonly scratch = new Float64Array(2);

  constructor(private readonly period: YearlyPeriod) {
    this.fromMs = timeMs(period.from);
    this.toMs = endMs(period.to);
    const { start, end } = period;
    const startKey = (start.month * 32 + start.day) * DAY_MS + this.fromMs;
    const endKey = (end.month * 32 + end.day) * DAY_MS + this.toMs;
    this.wraps = endKey <= startKey;
    // Measured in a leap year (the longest case), plus a day for a window past midnight.
    const startDay = daysFromCivil(2000, start.month, start.day);
    const endDay = daysFromCivil(this.wraps ? 2001 : 2000, end.month, end.day);
    this.maxSpan = (endDay - startDay + 2) * DAY_MS;
    this.years = yearTable(period.year);
    this.always =
      this.years === null &&
      start.month === 1 &&
      start.day === 1 &&
      this.fromMs === 0 &&
      end.month === 12 &&
      end.day === 31 &&
      this.toMs === DAY_MS;
  }

  private occurrence(year: number, out: Float64Array): boolean {
    const { start, end } = this.period;
    if (!yearAllowed(this.years, year) || start.day > daysInMonth(year, start.month)) return false;
    const endYear = this.wraps ? year + 1 : year;
    const endDay = Math.min(end.day, daysInMonth(endYear, end.month));
    out[0] = daysFromCivil(year, start.month, start.day) * DAY_MS + this.fromMs;
    out[1] = daysFromCivil(endYear, end.month, endDay) * DAY_MS + this.toMs;
    if (out[1] <= out[0]) out[1] = (out[1] as number) + DAY_MS;
    return true;
  }

  next(wall: number, out: Float64Array): boolean {
    civilFromDays(Math.floor(wall / DAY_MS), this.civil);
    for (let year = Math.max(MIN_YEAR, this.civil[0] as number); year <= MAX_YEAR; year++) {
      if (this.occurrence(year, out) && (out[0] as number) >= wall) return true;
    }
    return false;
  }

  contains(wall: number): boolean {
    return containsByScan(this, wall, this.scratch);
  }
}
