import { CampaignError } from '../errors/campaign-error.ts';
import { DAY_MS, civilFromDays, daysFromCivil, daysInMonth, pad2, pad4 } from '../period/calendar.ts';
import { getZone } from '../period/zone.ts';

const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads an ISO 8601 date-time as epoch ms. With `Z` or an offset it is absolute; without, it
 * is a wall-clock time in `timeZone`, resolved like every wall time here (a skipped time to
 * the moment of the jump, a repeated time to its first showing). A date alone is midnight.
 * Throws TM_BAD_INSTANT.
 */
export function parseInstant(text: string, timeZone: string): number {
  const m = INSTANT_RE.exec(text.trim());
  const bad = (): never => {
    throw new CampaignError('TM_BAD_INSTANT', { value: text });
  };
  if (!m) return bad();
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) bad();
  const wall = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  const zone = m[8];
  if (zone === undefined) return getZone(timeZone).resolve(wall);
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  return wall - offset;
}

/** An instant as local ISO 8601 with its offset, e.g. '2026-03-08T03:00:00-04:00'. */
export function formatInstant(instant: number, timeZone: string): string {
  const zone = getZone(timeZone);
  const offset = zone.offsetAt(instant);
  const wall = instant + offset;
  const day = Math.floor(wall / DAY_MS);
  const c = new Int32Array(3);
  civilFromDays(day, c);
  const seconds = Math.floor((wall - day * DAY_MS) / 1000);
  const sign = offset < 0 ? '-' : '+';
  const off = Math.abs(Math.round(offset / 60_000));
  return (
    `${pad4(c[0] ?? 0)}-${pad2(c[1] ?? 0)}-${pad2(c[2] ?? 0)}T` +
    `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}` +
    `${sign}${pad2(Math.floor(off / 60))}:${pad2(off % 60)}`
  );
}

/** The day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws TM_BAD_DATE. */
export function parseLocalDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  if (!m || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new CampaignError('TM_BAD_DATE', { value: text });
  }
  return daysFromCivil(year, month, day);
}

/** 'YYYY-MM-DD' of a day number. */
export function formatLocalDate(day: number): string {
  const c = new Int32Array(3);
  civilFromDays(day, c);
  return `${pad4(c[0] ?? 0)}-${pad2(c[1] ?? 0)}-${pad2(c[2] ?? 0)}`;
}

/** The local date (day number) an instant falls on in `timeZone`. */
export function localDayOf(instant: number, timeZone: string): number {
  return Math.floor(getZone(timeZone).wallAt(instant) / DAY_MS);
}

/** The instant a local date and time ('HH:MM' or 'HH:MM:SS', as ms after midnight) happen in `timeZone`. */
export function instantOfLocal(day: number, timeOfDayMs: number, timeZone: string): number {
  return getZone(timeZone).resolve(day * DAY_MS + timeOfDayMs);
}

/** Milliseconds after midnight of 'HH:MM' or 'HH:MM:SS', or null when malformed. */
export function readTimeOfDay(text: string): number | null {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  return ((h * 60 + min) * 60 + s) * 1000;
}
