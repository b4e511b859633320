import { CampaignError } from '../errors/campaign-error.ts';
import { DAY_MS, HOUR_MS, SECOND_MS } from './calendar.ts';

/**
 * An IANA time zone as the evaluators need it: the offset at an instant, and the way back
 * from a wall-clock reading to an instant.
 *
 * "Wall time" is the local clock reading expressed as milliseconds since 1970-01-01T00:00
 * as if that clock were UTC, so calendar arithmetic on it is plain integer arithmetic.
 *
 * Offsets come from `Intl.DateTimeFormat` (one formatter per zone, cached), read once per UTC
 * day and cached: a day whose start and end offsets agree has no transition (zones change
 * offset at most once a day); on a day where they differ the transition instant is found by
 * bisection to the second and cached too.
 */
export interface Zone {
  readonly name: string;
  /** Offset (wall minus instant) in milliseconds at an instant. */
  offsetAt(instant: number): number;
  /** The wall-clock reading at an instant. */
  wallAt(instant: number): number;
  /**
   * The first instant at which the wall clock shows `wall` or later. A time the clock skips
   * (spring forward) resolves to the moment of the jump; a time it shows twice (fall back)
   * resolves to its first showing.
   */
  resolve(wall: number): number;
  /**
   * The smallest wall reading W (to the millisecond) whose `resolve(W)` lies after `instant`.
   * Normally one millisecond past the wall time at `instant`; inside the second showing of a
   * fall-back hour, the end of that hour (the wall times before it already happened).
   */
  wallLowerBound(instant: number): number;
  /**
   * Calls `visit` for each stretch of constant offset overlapping [from, to): its start,
   * end (exclusive) and offset. Stretches are clipped to [from, to).
   */
  forEachStretch(from: number, to: number, visit: (start: number, end: number, offset: number) => void): void;
  /** The offset when it is the same over [from, to], else NaN (a cheap pre-check for the common case). */
  uniformOffset(from: number, to: number): number;
  /** True when the offset changes at `instant` (a jump forward or back starts there). */
  isTransition(instant: number): boolean;
  /** Smallest wall reading at or after `instant` (less than `wallAt` inside a coming fall-back). */
  minWallFrom(instant: number): number;
  /** Largest wall reading at or before `instant` (more than `wallAt` after a recent fall-back). */
  maxWallUntil(instant: number): number;
}

const zones = new Map<string, Zone>();

/** The zone named `name` (an IANA name such as `Asia/Shanghai`); throws PE_BAD_TIME_ZONE. */
export function getZone(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    throw new CampaignError('PE_BAD_TIME_ZONE', { zone: name });
  }
  const zone = new IntlZone(name, formatter);
  zones.set(name, zone);
  return zone;
}

/** Throws PE_BAD_TIME_ZONE unless `name` is a zone this runtime knows. */
export function assertTimeZone(name: string): void {
  getZone(name);
}

// Search margins: no zone's offset is outside -12h..+14h, and no transition moves the clock
// back by more than a few hours, so a wall reading maps to instants within this distance.
const BEFORE_MARGIN = 15 * HOUR_MS;
// Day offsets are kept in an array from a month before 1970 to a month after 2099 (~380 kB a zone).
const TABLE_FIRST_DAY = -31;
const TABLE_DAYS = 47_546 + 62;
const AFTER_MARGIN = 13 * HOUR_MS;

class IntlZone implements Zone {
  readonly name: string;
  private readonly formatter: Intl.DateTimeFormat;
  /** UTC day number -> offset at that day's first instant: an array over the searchable years, a map outside. */
  private readonly dayTable = new Float64Array(TABLE_DAYS).fill(Number.NaN);
  private readonly dayOffsets = new Map<number, number>();
  /** UTC day number -> instant of the offset change inside that day. */
  private readonly transitions = new Map<number, number>();

  constructor(name: string, formatter: Intl.DateTimeFormat) {
    this.name = name;
    this.formatter = formatter;
  }

  /** Offset read from Intl, to the second. */
  private readOffset(instant: number): number {
    const whole = Math.floor(instant / SECOND_MS) * SECOND_MS;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.formatter.formatToParts(whole)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value) % 24;
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          bc = part.value.startsWith('B');
          break;
        default:
          break;
      }
    }
    const wall = Date.UTC(bc ? 1 - year : year, month - 1, day, hour, minute, second);
    // Date.UTC maps years 0-99 to 1900-1999; such instants are far outside any search.
    return wall - whole;
  }

  private dayStartOffset(day: number): number {
    const index = day - TABLE_FIRST_DAY;
    if (index >= 0 && index < TABLE_DAYS) {
      let cached = this.dayTable[index] as number;
      if (Number.isNaN(cached)) {
        cached = this.readOffset(day * DAY_MS);
        this.dayTable[index] = cached;
      }
      return cached;
    }
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      offset = this.readOffset(day * DAY_MS);
      this.dayOffsets.set(day, offset);
    }
    return offset;
  }

  /** The instant of the offset change inside UTC day `day` (whose ends disagree). */
  private transitionIn(day: number): number {
    let at = this.transitions.get(day);
    if (at === undefined) {
      const before = this.dayStartOffset(day);
      let lo = day * DAY_MS; // offset here is `before`
      let hi = (day + 1) * DAY_MS; // offset here differs
      while (hi - lo > SECOND_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
        if (mid === lo) break;
        if (this.readOffset(mid) === before) lo = mid;
        else hi = mid;
      }
      at = hi;
      this.transitions.set(day, at);
    }
    return at;
  }

  offsetAt(instant: number): number {
    const day = Math.floor(instant / DAY_MS);
    const start = this.dayStartOffset(day);
    const end = this.dayStartOffset(day + 1);
    if (start === end) return start;
    return instant < this.transitionIn(day) ? start : end;
  }

  wallAt(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  forEachStretch(from: number, to: number, visit: (start: number, end: number, offset: number) => void): void {
    if (to <= from) return;
    let day = Math.floor(from / DAY_MS);
    const lastDay = Math.floor((to - 1) / DAY_MS);
    let start = from;
    let offset = this.offsetAt(from);
    for (; day <= lastDay; day++) {
      if (this.dayStartOffset(day) === this.dayStartOffset(day + 1)) continue;
      const at = this.transitionIn(day);
      if (at <= start) continue;
      if (at >= to) break;
      visit(start, at, offset);
      start = at;
      offset = this.dayStartOffset(day + 1);
    }
    visit(start, to, offset);
  }

  resolve(wall: number): number {
    const from = wall - BEFORE_MARGIN;
    const to = wall + AFTER_MARGIN;
    // Fast path: one offset over the whole neighbourhood.
    if (this.uniform(from, to)) return wall - this.dayStartOffset(Math.floor(from / DAY_MS));
    let best = Number.POSITIVE_INFINITY;
    let jump = Number.POSITIVE_INFINITY;
    this.forEachStretch(from, to, (start, end, offset) => {
      const candidate = wall - offset;
      if (candidate >= start && candidate < end && candidate < best) best = candidate;
      // The first stretch that already shows a later time: the jump over `wall`.
      if (start + offset > wall && start < jump) jump = start;
    });
    return best !== Number.POSITIVE_INFINITY ? best : jump;
  }

  /** True when no offset change happens in [from, to] (checked at UTC day granularity). */
  private uniform(from: number, to: number): boolean {
    const d0 = Math.floor(from / DAY_MS);
    const d1 = Math.floor(to / DAY_MS) + 1;
    const o = this.dayStartOffset(d0);
    for (let d = d0 + 1; d <= d1; d++) if (this.dayStartOffset(d) !== o) return false;
    return true;
  }

  uniformOffset(from: number, to: number): number {
    return this.uniform(from, to) ? this.dayStartOffset(Math.floor(from / DAY_MS)) : Number.NaN;
  }

  wallLowerBound(instant: number): number {
    let bound = this.wallAt(instant) + 1;
    if (this.uniform(instant - 4 * HOUR_MS, instant)) return bound;
    // Inside the second showing of a fall-back hour, the readings up to the end of the
    // repeated hour resolve to their first showing, which is already past.
    this.forEachStretch(instant - 4 * HOUR_MS, instant + 1, (_start, end, offset) => {
      if (end <= instant && end + offset > bound) bound = end + offset;
    });
    return bound;
  }

  isTransition(instant: number): boolean {
    return this.offsetAt(instant) !== this.offsetAt(instant - 1);
  }

  minWallFrom(instant: number): number {
    let min = this.wallAt(instant);
    if (this.uniform(instant, instant + 26 * HOUR_MS)) return min;
    this.forEachStretch(instant, instant + 26 * HOUR_MS, (start, _end, offset) => {
      if (start + offset < min) min = start + offset;
    });
    return min;
  }

  maxWallUntil(instant: number): number {
    let max = this.wallAt(instant);
    if (this.uniform(instant - 26 * HOUR_MS, instant)) return max;
    this.forEachStretch(instant - 26 * HOUR_MS, instant + 1, (_start, end, offset) => {
      const last = Math.min(end, instant + 1) + offset - 1;
      if (last > max) max = last;
    });
    return max;
  }
}
