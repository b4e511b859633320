import { CampaignError } from '../errors/campaign-error.ts';

/**
 * Calendar dates in an IANA time zone, as the rights rules need them: "valid until the end of
 * 2026-03-31 in the store's zone", "N days from the day of the grant", "this month".
 * A local date is `YYYY-MM-DD`; instants are epoch milliseconds.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new CampaignError('RT_BAD_ZONE', { zone });
  }
  formatters.set(zone, f);
  return f;
}

/** Throws RT_BAD_ZONE unless the runtime knows `zone`. */
export function assertZone(zone: string): void {
  formatter(zone);
}

/** The wall-clock reading at `instant` in `zone`, as milliseconds "as if UTC". */
function wallAt(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall + (instant - Math.floor(instant / 1000) * 1000);
}

export function isLocalDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

function dateToUtcMs(date: string): number {
  if (!isLocalDate(date)) throw new CampaignError('RT_BAD_DATE', { date });
  return Date.parse(`${date}T00:00:00Z`);
}

const lastDate = new Map<string, { instant: number; date: string }>();

/** The local date at `instant` in `zone`. */
export function localDateOf(instant: number, zone: string): string {
  const last = lastDate.get(zone);
  if (last?.instant === instant) return last.date;
  const date = new Date(wallAt(instant, zone)).toISOString().slice(0, 10);
  lastDate.set(zone, { instant, date });
  return date;
}

const sums = new Map<string, string>();

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const key = `${date}|${days}`;
  let sum = sums.get(key);
  if (sum === undefined) {
    sum = new Date(dateToUtcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
    if (sums.size > 10_000) sums.clear();
    sums.set(key, sum);
  }
  return sum;
}

// A grant batch asks for the same few days again and again: remember them.
const starts = new Map<string, number>();

/**
 * The first instant of `date` in `zone`. Where midnight is skipped by a DST jump, the first
 * instant the clock shows that date.
 */
export function startOfLocalDate(date: string, zone: string): number {
  const key = `${zone}|${date}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  const start = computeStartOfLocalDate(date, zone);
  if (starts.size > 10_000) starts.clear();
  starts.set(key, start);
  return start;
}

function computeStartOfLocalDate(date: string, zone: string): number {
  const wall = dateToUtcMs(date);
  // Offsets lie within -12h..+14h: the instant is wall - offset for one of the offsets seen
  // around it. Two refinements settle it, a third handles a DST jump at midnight.
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - (wallAt(guess, zone) - guess);
  if (localDateOf(guess, zone) !== date || localDateOf(guess - 1, zone) === date) {
    // Midnight falls in a gap or the guess overshot: search the first instant showing `date`.
    let lo = wall - 15 * 3_600_000;
    let hi = wall + 15 * 3_600_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDateOf(mid, zone) < date) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  return guess;
}

/** `YYYY-MM-DD HH:mm` at `instant` in `zone`, for messages people read. */
export function localDateTimeOf(instant: number, zone: string): string {
  return new Date(wallAt(instant, zone)).toISOString().slice(0, 16).replace('T', ' ');
}
