import { DAY_MS, SECOND_MS } from './calendar.ts';
import type { DayMatcher } from './day-filter.ts';
import type { NumberSet } from './types.ts';

/** `table[x]` = the smallest allowed value >= x, or -1; one spare slot so `x + 1` is safe. */
function nextTable(set: NumberSet, size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  const allowed = new Uint8Array(size);
  for (const v of set.values) allowed[v] = 1;
  let next = -1;
  for (let x = size - 1; x >= 0; x--) {
    if (allowed[x] === 1) next = x;
    table[x] = next;
  }
  return table;
}

/**
 * The second-by-second cron set of a type 1 expression, compiled to lookup tables so the
 * next matching second is a handful of array reads (no Date, no per-step allocation).
 */
export class PointInTime {
  private readonly nextSecond: Int8Array;
  private readonly nextMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly firstSecond: number;
  private readonly firstMinute: number;
  private intervals: { starts: Float64Array; ends: Float64Array } | null = null;

  constructor(
    private readonly second: NumberSet,
    private readonly minute: NumberSet,
    private readonly hour: NumberSet,
    readonly days: DayMatcher,
  ) {
    this.nextSecond = nextTable(second, 60);
    this.nextMinute = nextTable(minute, 60);
    this.nextHour = nextTable(hour, 24);
    this.firstSecond = this.nextSecond[0] ?? -1;
    this.firstMinute = this.nextMinute[0] ?? -1;
  }

  /** The first matching second of the day at or after second-of-day `tod`, or -1. */
  private nextTimeOfDay(tod: number): number {
    const h = Math.floor(tod / 3600);
    const m = Math.floor(tod / 60) % 60;
    const s = tod % 60;
    let h2: number;
    if (this.nextHour[h] === h) {
      let m2: number;
      if (this.nextMinute[m] === m) {
        const s2 = this.nextSecond[s] as number;
        if (s2 >= 0) return h * 3600 + m * 60 + s2;
        m2 = this.nextMinute[m + 1] as number;
      } else m2 = this.nextMinute[m] as number;
      if (m2 >= 0) return h * 3600 + m2 * 60 + this.firstSecond;
      h2 = this.nextHour[h + 1] as number;
    } else h2 = this.nextHour[h] as number;
    return h2 >= 0 ? h2 * 3600 + this.firstMinute * 60 + this.firstSecond : -1;
  }

  /** Wall time of the first matching second at or after `wall`, or NaN. */
  nextWall(wall: number): number {
    const aligned = Math.ceil(wall / SECOND_MS) * SECOND_MS;
    let day = Math.floor(aligned / DAY_MS);
    let tod = (aligned - day * DAY_MS) / SECOND_MS;
    for (;;) {
      if (this.days.matches(day)) {
        const t = this.nextTimeOfDay(tod);
        if (t >= 0) return day * DAY_MS + t * SECOND_MS;
      }
      day = this.days.next(day + 1);
      if (day === Number.POSITIVE_INFINITY) return Number.NaN;
      tod = 0;
    }
  }

  containsWall(wall: number): boolean {
    const day = Math.floor(wall / DAY_MS);
    const tod = Math.floor((wall - day * DAY_MS) / SECOND_MS);
    const h = Math.floor(tod / 3600);
    const m = Math.floor(tod / 60) % 60;
    const s = tod % 60;
    return this.nextHour[h] === h && this.nextMinute[m] === m && this.nextSecond[s] === s && this.days.matches(day);
  }

  /**
   * The matching seconds of one day as sorted, merged [start, end) intervals in milliseconds
   * since midnight: the windows of a point-in-time expression are its runs of seconds.
   * Built on first use (up to 43,200 intervals for `*\/2` seconds).
   */
  timeIntervals(): { starts: Float64Array; ends: Float64Array } {
    if (this.intervals) return this.intervals;
    const starts: number[] = [];
    const ends: number[] = [];
    const push = (a: number, b: number): void => {
      const last = ends.length - 1;
      if (last >= 0 && ends[last] === a) ends[last] = b;
      else {
        starts.push(a);
        ends.push(b);
      }
    };
    const allSeconds = this.second.values.length === 60;
    const allMinutes = this.minute.values.length === 60;
    for (const h of this.hour.values) {
      if (allSeconds && allMinutes) {
        push(h * 3600, (h + 1) * 3600);
        continue;
      }
      for (const m of this.minute.values) {
        const base = h * 3600 + m * 60;
        if (allSeconds) push(base, base + 60);
        else for (const s of this.second.values) push(base + s, base + s + 1);
      }
    }
    this.intervals = {
      starts: Float64Array.from(starts, (x) => x * SECOND_MS),
      ends: Float64Array.from(ends, (x) => x * SECOND_MS),
    };
    return this.intervals;
  }
}
