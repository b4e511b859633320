// Civil-calendar arithmetic on day numbers (days since 1970-01-01), allocation-free: the
// evaluators run it for every step, so it avoids Date objects and returns plain numbers.

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Years a period expression may name, and the bounds every search stops at. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2099;

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Day number of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month (1-12) and day of a day number, written into `out` (no allocation). */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month] ?? 31);
}

/** The most days a month can have (February counts 29). */
export function maxDaysInMonth(month: number): number {
  return month === 2 ? 29 : (MONTH_DAYS[month] ?? 31);
}

/** Day of week of a day number, 0 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDay(days: number): string {
  const c = new Int32Array(3);
  civilFromDays(days, c);
  return `${pad4(c[0] ?? 0)}-${pad2(c[1] ?? 0)}-${pad2(c[2] ?? 0)}`;
}

/** 'HH:MM' or 'HH:MM:SS' of milliseconds since midnight (seconds shown only when not zero, or when asked). */
export function formatTimeOfDay(ms: number, withSeconds = false): string {
  const total = Math.floor(ms / SECOND_MS);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return withSeconds || s !== 0 ? `${pad2(h)}:${pad2(m)}:${pad2(s)}` : `${pad2(h)}:${pad2(m)}`;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

/** Wall-clock milliseconds ("local time read as if it were UTC") of the first moment of a year. */
export function yearStartWall(year: number): number {
  return daysFromCivil(year, 1, 1) * DAY_MS;
}

/** The wall-clock range every search is confined to: years MIN_YEAR..MAX_YEAR. */
export const WALL_MIN = daysFromCivil(MIN_YEAR, 1, 1) * DAY_MS;
export const WALL_MAX = daysFromCivil(MAX_YEAR + 1, 1, 1) * DAY_MS;
