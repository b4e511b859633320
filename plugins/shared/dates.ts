/**
 * Dates and wall-clock times in a store's zone, for plugin code: no Node modules, only
 * `Intl.DateTimeFormat` (which every JavaScript realm has), so it runs in the plugin worker.
 * Days are counted as "day numbers": days since 1970-01-01 in the proleptic Gregorian calendar.
 */

/** A calendar date. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading in some zone, to the minute. */
export interface WallTime extends CivilDate {
  hour: number;
  minute: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: some engines print midnight as "24" with hour12: false.
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at an ISO 8601 instant; throws on an unreadable instant or zone. */
export function wallTimeAt(instant: string, timeZone: string): WallTime {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO 8601 instant: ${JSON.stringify(instant)}`);
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0 };
}

/** Days since 1970-01-01. */
export function dayNumber(date: CivilDate): number {
  return Math.round(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
}

/** The date of a day number. */
export function dateOfDay(day: number): CivilDate {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday.
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD'. */
export function formatDate(date: CivilDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/** A time of day written 'HH:MM' (00:00-23:59). */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

export const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/** Reads 'HH:MM'; null when it is not one. */
export function parseTime(text: string): TimeOfDay | null {
  if (!new RegExp(TIME_PATTERN).test(text)) return null;
  return { hour: Number(text.slice(0, 2)), minute: Number(text.slice(3, 5)) };
}

export function formatTime(time: TimeOfDay): string {
  return `${pad(time.hour)}:${pad(time.minute)}`;
}

/** Today's date ('YYYY-MM-DD') in `timeZone` at instant `now`. */
export function todayIn(now: string, timeZone: string): string {
  return formatDate(wallTimeAt(now, timeZone));
}

/** Minutes since the epoch of a wall time, for ordering wall times of one zone. */
export function wallMinutes(day: number, time: TimeOfDay): number {
  return day * 1440 + time.hour * 60 + time.minute;
}
