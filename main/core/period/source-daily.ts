import { DAY_MS } from './calendar.ts';
import type { DayMatcher } from './day-filter.ts';
import { containsByScan, type OccurrenceSource } from './occurrence-source.ts';

/**
 * Types 31 and 1: on every qualifying day, the same time-of-day intervals (one for a daily
 * window, which may run past midnight; the runs of matching seconds for a cron set).
 */
export class DailySource implements OccurrenceSource {
  readonly maxSpan: number;
  readonly always: boolean;
  private readonly scratch = new Float64Array(2);

  /** `starts`/`ends`: sorted intervals in ms after midnight; only the last may end after 24:00. */
  constructor(
    private readonly days: DayMatcher,
    private readonly starts: Float64Array,
    private readonly ends: Float64Array,
  ) {
    let span = 0;
    for (let i = 0; i < starts.length; i++) span = Math.max(span, (ends[i] as number) - (starts[i] as number));
    this.maxSpan = span;
    // Every day, and one interval a whole day long (00:00-24:00, or 10:00 to 09:59:59 the next day).
    this.always = days.everyDay && starts.length === 1 && (ends[0] as number) - (starts[0] as number) >= DAY_MS;
  }

  /** Index of the first interval starting at or after `tod`, or the count. */
  private firstFrom(tod: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) < tod) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  next(wall: number, out: Float64Array): boolean {
    if (this.starts.length === 0) return false;
    let day = Math.floor(wall / DAY_MS);
    const tod = wall - day * DAY_MS;
    if (this.days.matches(day)) {
      const i = this.firstFrom(tod);
      if (i < this.starts.length) {
        out[0] = day * DAY_MS + (this.starts[i] as number);
        out[1] = day * DAY_MS + (this.ends[i] as number);
        return true;
      }
    }
    day = this.days.next(day + 1);
    if (day === Number.POSITIVE_INFINITY) return false;
    out[0] = day * DAY_MS + (this.starts[0] as number);
    out[1] = day * DAY_MS + (this.ends[0] as number);
    return true;
  }

  contains(wall: number): boolean {
    return containsByScan(this, wall, this.scratch);
  }
}
