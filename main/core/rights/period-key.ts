import { z } from 'zod';
import { addDays, localDateOf, startOfLocalDate } from './local-date.ts';

/** How often a periodic right is granted again. */
export const GRANT_PERIODS = ['day', 'week', 'month'] as const;
export type GrantPeriod = (typeof GRANT_PERIODS)[number];
export const grantPeriodSchema = z.enum(GRANT_PERIODS);

/** One period in a zone: its key (part of the idempotency key) and its local-time bounds. */
export interface PeriodWindow {
  /** `2026-03-05` (day), `2026-W10` (ISO week), `2026-03` (month). */
  key: string;
  /** First instant of the period. */
  start: number;
  /** First instant of the next period. */
  end: number;
}

/** Day of week of a local date, Monday = 1 .. Sunday = 7 (ISO). */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** ISO 8601 week key of a local date, e.g. `2026-W01`. */
export function isoWeekKey(date: string): string {
  // The ISO week's year is the year of its Thursday.
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const jan1 = `${year}-01-01`;
  const dayOfYear = Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${jan1}T00:00:00Z`)) / 86_400_000);
  const week = Math.floor(dayOfYear / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The period of `period` that contains `instant` in `zone`. */
export function periodWindow(period: GrantPeriod, instant: number, zone: string): PeriodWindow {
  const date = localDateOf(instant, zone);
  switch (period) {
    case 'day':
      return { key: date, start: startOfLocalDate(date, zone), end: startOfLocalDate(addDays(date, 1), zone) };
    case 'week': {
      const monday = addDays(date, 1 - isoWeekday(date));
      return { key: isoWeekKey(date), start: startOfLocalDate(monday, zone), end: startOfLocalDate(addDays(monday, 7), zone) };
    }
    case 'month': {
      const first = `${date.slice(0, 7)}-01`;
      const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
      const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
      return { key: date.slice(0, 7), start: startOfLocalDate(first, zone), end: startOfLocalDate(next, zone) };
    }
  }
}

/**
 * The occurrence part of a periodic grant's idempotency key: the same right granted twice in
 * one period maps to one key, so a customer gets it exactly once per period.
 */
export function periodOccurrence(period: GrantPeriod, instant: number, zone: string): string {
  return `${period}:${periodWindow(period, instant, zone).key}`;
}
