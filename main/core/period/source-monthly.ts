import { DAY_MS, MAX_YEAR, MIN_YEAR, civilFromDays, daysFromCivil, daysInMonth } from './calendar.ts';
import { lastWeekday, monthTable, nearestWeekday, yearAllowed, yearTable } from './day-filter.ts';
import { containsByScan, endMs, timeMs, type OccurrenceSource } from './occurrence-source.ts';
import type { MonthDay, MonthlyPeriod } from './types.ts';

/** The day of month `md` names in a month, or -1 when that month has no such day. */
function dayIn(md: MonthDay, year: number, month: number, clamp: boolean): number {
  switch (md.kind) {
    case 'day': {
      const dim = daysInMonth(year, month);
      return md.day <= dim ? md.day : clamp ? dim : -1;
    }
    case 'last':
      return daysInMonth(year, month);
    case 'lastWeekday':
      return lastWeekday(year, month);
    case 'nearestWeekday':
      return nearestWeekday(year, month, md.day);
  }
}

/** Bounds for the look-back: the earliest a span can start and the latest it can end (day of month). */
function earliestDay(md: MonthDay): number {
  return md.kind === 'day' ? md.day : md.kind === 'nearestWeekday' ? Math.max(1, md.day - 2) : 26;
}

function latestDay(md: MonthDay): number {
  return md.kind === 'day' ? md.day : md.kind === 'nearestWeekday' ? Math.min(31, md.day + 2) : 31;
}

/**
 * Type 33: each span of month days opens on its first day at `from` and closes on its last
 * day after `to`. A start day the month lacks (31 in April) skips that month; an end day it
 * lacks is clamped to the month's last day; an end day before the start day (25-5) falls in
 * the next month.
 */
export class MonthlySource implements OccurrenceSource {
  readonly maxSpan: number;
  readonly always: boolean;
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly years: Uint8Array | null;
  private readonly months: Uint8Array;
  private readonly civil = new Int32Array(3);
  private readonly scratch = new Float64Array(2);

  constructor(private readonly period: MonthlyPeriod) {
    this.fromMs = timeMs(period.from);
    this.toMs = endMs(period.to);
    this.years = yearTable(period.year);
    this.months = monthTable(period.month);
    let longest = 0;
    for (const s of period.spans) {
      const wraps = s.to.kind === 'day' && s.from.kind === 'day' && s.to.day < s.from.day;
      const days = wraps ? 31 - earliestDay(s.from) + latestDay(s.to) : Math.max(0, latestDay(s.to) - earliestDay(s.from));
      // +2: the day the span ends on, and a window running past midnight.
      longest = Math.max(longest, days + 2);
    }
    this.maxSpan = longest * DAY_MS;
    const covered = new Set<number>();
    for (const s of period.spans) {
      if (s.from.kind === 'day' && s.to.kind === 'last') for (let d = s.from.day; d <= 31; d++) covered.add(d);
      else if (s.from.kind === 'day' && s.to.kind === 'day' && s.to.day >= s.from.day) {
        for (let d = s.from.day; d <= s.to.day; d++) covered.add(d);
      }
    }
    this.always =
      this.fromMs === 0 && this.toMs === DAY_MS && covered.size === 31 && this.years === null && period.month.values.length === 12;
  }

  /** Writes the earliest occurrence of month (year, month) starting at or after `wall`; false if none. */
  private inMonth(year: number, month: number, wall: number, out: Float64Array): boolean {
    let best = Number.POSITIVE_INFINITY;
    let bestEnd = 0;
    for (const span of this.period.spans) {
      const from = dayIn(span.from, year, month, false);
      if (from < 0) continue;
      const start = daysFromCivil(year, month, from) * DAY_MS + this.fromMs;
      if (start < wall || start > best) continue;
      let endDay: number;
      const wraps = span.to.kind === 'day' && span.from.kind === 'day' && span.to.day < span.from.day;
      if (wraps) {
        const ny = month === 12 ? year + 1 : year;
        const nm = month === 12 ? 1 : month + 1;
        endDay = daysFromCivil(ny, nm, dayIn(span.to, ny, nm, true));
      } else {
        endDay = daysFromCivil(year, month, Math.max(from, dayIn(span.to, year, month, true)));
      }
      let end = endDay * DAY_MS + this.toMs;
      if (end <= start) end += DAY_MS;
      if (start < best || end > bestEnd) {
        best = start;
        bestEnd = end;
      }
    }
    if (best === Number.POSITIVE_INFINITY) return false;
    out[0] = best;
    out[1] = bestEnd;
    return true;
  }

  next(wall: number, out: Float64Array): boolean {
    civilFromDays(Math.floor(wall / DAY_MS), this.civil);
    let year = this.civil[0] as number;
    let month = this.civil[1] as number;
    while (year <= MAX_YEAR) {
      if (!yearAllowed(this.years, year)) {
        year = year < MIN_YEAR ? MIN_YEAR : year + 1;
        month = 1;
        continue;
      }
      if (this.months[month] === 1 && this.inMonth(year, month, wall, out)) return true;
      if (month === 12) {
        year++;
        month = 1;
      } else month++;
    }
    return false;
  }

  contains(wall: number): boolean {
    return containsByScan(this, wall, this.scratch);
  }
}
