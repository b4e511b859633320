import { DAY_MS } from '../period/calendar.ts';
import { getZone } from '../period/zone.ts';
import { readTimeOfDay } from '../time/instant.ts';
import type { QuietHours } from './plan.ts';

/**
 * If `at` lies inside the quiet hours (store time), the instant they end; else null.
 * A window may cross midnight (21:00-08:00); start = end means no quiet hours. The end is
 * resolved in the zone, so a DST change inside the night is handled.
 */
export function quietUntil(quiet: QuietHours | null | undefined, at: number, timeZone: string): number | null {
  if (!quiet) return null;
  const start = readTimeOfDay(quiet.start);
  const end = readTimeOfDay(quiet.end);
  if (start === null || end === null || start === end) return null;
  const zone = getZone(timeZone);
  const wall = zone.wallAt(at);
  const day = Math.floor(wall / DAY_MS) * DAY_MS;
  const t = wall - day;
  if (start < end) return t >= start && t < end ? zone.resolve(day + end) : null;
  if (t >= start) return zone.resolve(day + DAY_MS + end);
  if (t < end) return zone.resolve(day + end);
  return null;
}
