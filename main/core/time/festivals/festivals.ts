import { LunarDay, LunarMonth } from 'tyme4ts';
import data from '../../../../resources/festivals/festivals.json' with { type: 'json' };
import { BugError, CampaignError } from '../../errors/campaign-error.ts';
import type { Locale } from '../../i18n/format.ts';
import { civilFromDays, daysFromCivil, daysInMonth, weekdayOf } from '../../period/calendar.ts';
import { formatLocalDate, parseLocalDate } from '../instant.ts';

export type FestivalKind = 'gregorian' | 'commerce' | 'lunar';

export type FestivalRule =
  | { type: 'fixed'; month: number; day: number }
  /** The `nth` `weekday` (0 = Sunday) of a Gregorian month: Mother's Day is the 2nd Sunday of May. */
  | { type: 'nth-weekday'; month: number; weekday: number; nth: number }
  /** A Chinese lunar month and day; 'last' is the month's last day (29th or 30th). */
  | { type: 'lunar'; month: number; day: number | 'last' };

export interface FestivalDefinition {
  id: string;
  kind: FestivalKind;
  rule: FestivalRule;
  names: { en: string; 'zh-CN': string };
}

/** A festival on a date ('YYYY-MM-DD'). */
export interface FestivalDate {
  id: string;
  date: string;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

/** Checks the JSON once at load: a malformed rule file is a build problem, not user input. */
function readDefinitions(raw: unknown): { min: number; max: number; festivals: FestivalDefinition[] } {
  const fail = (what: string): never => {
    throw new BugError(`resources/festivals/festivals.json: ${what}`);
  };
  const root = raw as { years?: { min?: unknown; max?: unknown }; festivals?: unknown };
  const min = root.years?.min;
  const max = root.years?.max;
  if (!isInt(min, 1, 9999) || !isInt(max, min, 9999)) return fail('years.min/max');
  if (!Array.isArray(root.festivals)) return fail('festivals');
  const seen = new Set<string>();
  const festivals = root.festivals.map((f: unknown, i): FestivalDefinition => {
    const def = f as Omit<Partial<FestivalDefinition>, 'rule'> & { rule?: Record<string, unknown> };
    if (typeof def.id !== 'string' || seen.has(def.id)) fail(`festivals[${i}].id`);
    seen.add(def.id as string);
    if (def.kind !== 'gregorian' && def.kind !== 'commerce' && def.kind !== 'lunar') fail(`festivals[${i}].kind`);
    if (typeof def.names?.en !== 'string' || typeof def.names['zh-CN'] !== 'string') fail(`festivals[${i}].names`);
    const r: Record<string, unknown> = def.rule ?? {};
    const ok =
      (r.type === 'fixed' && isInt(r.month, 1, 12) && isInt(r.day, 1, 31)) ||
      (r.type === 'nth-weekday' && isInt(r.month, 1, 12) && isInt(r.weekday, 0, 6) && isInt(r.nth, 1, 5)) ||
      (r.type === 'lunar' && isInt(r.month, 1, 12) && (isInt(r.day, 1, 30) || r.day === 'last'));
    if (!ok) fail(`festivals[${i}].rule`);
    return def as unknown as FestivalDefinition;
  });
  return { min, max, festivals };
}

const definitions = readDefinitions(data);

/** The years festival dates are computed for. */
export const FESTIVAL_YEARS = { min: definitions.min, max: definitions.max } as const;

/** Every festival, in the file's order. */
export const FESTIVALS: readonly FestivalDefinition[] = definitions.festivals;

function definition(id: string): FestivalDefinition {
  const def = FESTIVALS.find((f) => f.id === id);
  if (!def) throw new CampaignError('TM_UNKNOWN_FESTIVAL', { id });
  return def;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < FESTIVAL_YEARS.min || year > FESTIVAL_YEARS.max) {
    throw new CampaignError('TM_YEAR_OUT_OF_RANGE', { year, min: FESTIVAL_YEARS.min, max: FESTIVAL_YEARS.max });
  }
}

/** The Gregorian day number of lunar (year, month, day), or null when tyme4ts cannot place it. */
function lunarDay(lunarYear: number, month: number, day: number | 'last'): number | null {
  try {
    const d = day === 'last' ? LunarMonth.fromYm(lunarYear, month).getDayCount() : day;
    const solar = LunarDay.fromYmd(lunarYear, month, d).getSolarDay();
    return daysFromCivil(solar.getYear(), solar.getMonth(), solar.getDay());
  } catch {
    return null;
  }
}

/** The day number of a festival in Gregorian `year`. */
function festivalDay(def: FestivalDefinition, year: number): number {
  const rule = def.rule;
  switch (rule.type) {
    case 'fixed':
      return daysFromCivil(year, rule.month, Math.min(rule.day, daysInMonth(year, rule.month)));
    case 'nth-weekday': {
      const first = daysFromCivil(year, rule.month, 1);
      return first + ((rule.weekday - weekdayOf(first) + 7) % 7) + (rule.nth - 1) * 7;
    }
    case 'lunar': {
      // The lunar year starts in January or February, so a festival late in the lunar year
      // (New Year's Eve) falls in the next Gregorian year: take whichever lands in `year`.
      const c = new Int32Array(3);
      for (const lunarYear of [year, year - 1]) {
        const day = lunarDay(lunarYear, rule.month, rule.day);
        if (day === null) continue;
        civilFromDays(day, c);
        if (c[0] === year) return day;
      }
      throw new BugError(`festival ${def.id} has no date in ${year}`);
    }
  }
}

/** The date ('YYYY-MM-DD') of festival `id` in Gregorian `year` (1900-2100). Throws TM_UNKNOWN_FESTIVAL or TM_YEAR_OUT_OF_RANGE. */
export function festivalDate(id: string, year: number): string {
  const def = definition(id);
  checkYear(year);
  return formatLocalDate(festivalDay(def, year));
}

/** Every festival of a Gregorian year, by date. */
export function festivalsInYear(year: number): FestivalDate[] {
  checkYear(year);
  return FESTIVALS.map((def) => ({ id: def.id, day: festivalDay(def, year) }))
    .sort((a, b) => a.day - b.day)
    .map(({ id, day }) => ({ id, date: formatLocalDate(day) }));
}

/** The festivals on a date ('YYYY-MM-DD'). */
export function festivalsOn(date: string): string[] {
  const day = parseLocalDate(date);
  const c = new Int32Array(3);
  civilFromDays(day, c);
  const year = c[0] ?? 0;
  checkYear(year);
  return FESTIVALS.filter((def) => festivalDay(def, year) === day).map((def) => def.id);
}

/** The festival's next date on or after `date`, or null past 2100. */
export function nextFestivalDate(id: string, date: string): string | null {
  const def = definition(id);
  const day = parseLocalDate(date);
  const c = new Int32Array(3);
  civilFromDays(day, c);
  for (let year = Math.max(c[0] ?? 0, FESTIVAL_YEARS.min); year <= FESTIVAL_YEARS.max; year++) {
    const d = festivalDay(def, year);
    if (d >= day) return formatLocalDate(d);
  }
  return null;
}

/** A festival's display name. */
export function festivalName(id: string, locale: Locale): string {
  return definition(id).names[locale];
}

/**
 * A fixed-period expression (type 2) covering the festival in `year`, widened by whole days:
 * e.g. Mid-Autumn 2026 with one day either side is `0-0 0-0 0-0 24-26 9-9 * 2026-2026 2`.
 */
export function festivalPeriodExpression(id: string, year: number, daysBefore = 0, daysAfter = 0): string {
  const day = parseLocalDate(festivalDate(id, year));
  const s = new Int32Array(3);
  const e = new Int32Array(3);
  civilFromDays(day - Math.max(0, daysBefore), s);
  civilFromDays(day + Math.max(0, daysAfter), e);
  return `0-0 0-0 0-0 ${s[2]}-${e[2]} ${s[1]}-${e[1]} * ${s[0]}-${e[0]} 2`;
}
