import { DAY_MS, civilFromDays, daysFromCivil, weekdayOf } from './calendar.ts';
import { FIRST_DAY, LAST_DAY, monthTable, yearAllowed, yearTable } from './day-filter.ts';
import { containsByScan, endMs, timeMs, type OccurrenceSource } from './occurrence-source.ts';
import type { WeeklyPeriod } from './types.ts';

/** Type 32: each weekday span opens on its first day at `from` and closes on its last day after `to`. */
export class WeeklySource implements OccurrenceSource {
  readonly maxSpan: number;
  readonly always: boolean;
  private readonly startDays: Int8Array;
  /** Per span: end offset in ms from the start day's midnight. */
  private readonly endOffsets: Float64Array;
  private readonly fromMs: number;
  private readonly years: Uint8Array | null;
  private readonly months: Uint8Array;
  /** No month or year filter: skip the calendar lookups. */
  private readonly unfiltered: boolean;
  private readonly civil = new Int32Array(3);
  private readonly scratch = new Float64Array(2);

  constructor(period: WeeklyPeriod) {
    this.fromMs = timeMs(period.from);
    const toMs = endMs(period.to);
    this.startDays = Int8Array.from(period.spans, (s) => s.from);
    this.endOffsets = Float64Array.from(period.spans, (s) => {
      const days = (s.to - s.from + 7) % 7;
      // A one-day span whose end is not after its start runs past midnight.
      return days * DAY_MS + toMs + (days === 0 && toMs <= this.fromMs ? DAY_MS : 0);
    });
    this.maxSpan = Math.max(...this.endOffsets) - this.fromMs;
    this.years = yearTable(period.year);
    this.months = monthTable(period.month);
    this.unfiltered = this.years === null && period.month.values.length === 12;
    const covered = new Set<number>();
    period.spans.forEach((s) => {
      for (let d = s.from, n = 0; n <= (s.to - s.from + 7) % 7; n++, d = (d + 1) % 7) covered.add(d);
    });
    this.always =
      this.fromMs === 0 && toMs === DAY_MS && covered.size === 7 && this.years === null && period.month.values.length === 12;
  }

  private allowed(day: number): boolean {
    if (this.unfiltered) return true;
    civilFromDays(day, this.civil);
    return yearAllowed(this.years, this.civil[0] as number) && this.months[this.civil[1] as number] === 1;
  }

  /** The first day >= `day` with weekday `wd` in an allowed month and year, or Infinity. */
  private nextStartDay(day: number, wd: number): number {
    const from = Math.max(day, FIRST_DAY);
    let d = from + ((wd - weekdayOf(from) + 7) % 7);
    while (d <= LAST_DAY) {
      if (this.allowed(d)) return d;
      const year = this.civil[0] as number;
      if (yearAllowed(this.years, year)) d += 7;
      else {
        // Jump to the next year, then realign to the weekday.
        const jan1 = daysFromCivil(year + 1, 1, 1);
        d = jan1 + ((wd - weekdayOf(jan1) + 7) % 7);
      }
    }
    return Number.POSITIVE_INFINITY;
  }

  next(wall: number, out: Float64Array): boolean {
    const day = Math.floor(wall / DAY_MS);
    let best = Number.POSITIVE_INFINITY;
    let bestEnd = 0;
    for (let i = 0; i < this.startDays.length; i++) {
      let d = this.nextStartDay(day, this.startDays[i] as number);
      if (d === Number.POSITIVE_INFINITY) continue;
      if (d * DAY_MS + this.fromMs < wall) d = this.nextStartDay(d + 1, this.startDays[i] as number);
      if (d === Number.POSITIVE_INFINITY) continue;
      const start = d * DAY_MS + this.fromMs;
      const end = d * DAY_MS + (this.endOffsets[i] as number);
      if (start < best || (start === best && end > bestEnd)) {
        best = start;
        bestEnd = end;
      }
    }
    if (best === Number.POSITIVE_INFINITY) return false;
    out[0] = best;
    out[1] = bestEnd;
    return true;
  }

  contains(wall: number): boolean {
    return containsByScan(this, wall, this.scratch);
  }
}
