import { DAY_MS, daysFromCivil } from './calendar.ts';
import { endMs, timeMs, type OccurrenceSource } from './occurrence-source.ts';
import type { FixedPeriod } from './types.ts';

/** Type 2: one occurrence, from `start` to the end of `end`'s last second (00:00:00 = the whole day). */
export class FixedSource implements OccurrenceSource {
  readonly maxSpan: number;
  readonly always = false;
  private readonly start: number;
  private readonly end: number;

  constructor(period: FixedPeriod) {
    const { start, end } = period;
    this.start = daysFromCivil(start.year, start.month, start.day) * DAY_MS + timeMs(start);
    this.end = daysFromCivil(end.year, end.month, end.day) * DAY_MS + endMs(end);
    this.maxSpan = this.end - this.start;
  }

  next(wall: number, out: Float64Array): boolean {
    if (this.start < wall) return false;
    out[0] = this.start;
    out[1] = this.end;
    return true;
  }

  contains(wall: number): boolean {
    return wall >= this.start && wall < this.end;
  }
}
