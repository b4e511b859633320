/**
 * The typed value of a parsed period expression. Plain JSON throughout, so it can cross the
 * service API and reach the renderer as is.
 */

/** The type codes of the last field (see the README's table). */
export const PERIOD_TYPE_CODES = {
  point: 1,
  fixed: 2,
  daily: 31,
  weekly: 32,
  monthly: 33,
  yearly: 34,
} as const;

export type PeriodKind = keyof typeof PERIOD_TYPE_CODES;
export type PeriodTypeCode = (typeof PERIOD_TYPE_CODES)[PeriodKind];

export function kindOfCode(code: number): PeriodKind | undefined {
  for (const [kind, c] of Object.entries(PERIOD_TYPE_CODES)) if (c === code) return kind as PeriodKind;
  return undefined;
}

/** A time of day; in a window's `to` it names the last second included. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** A calendar date and time as written in a fixed period. */
export interface DateTimeParts extends TimeOfDay {
  year: number;
  month: number;
  day: number;
}

/** A cron-style set of numbers. `wildcard` is true when the field was written `*` or `?`. */
export interface NumberSet {
  wildcard: boolean;
  /** Sorted, distinct. For day of week 0 = Sunday (7 is folded into 0). */
  values: number[];
}

export interface DayOfMonthSet extends NumberSet {
  /** `L`: the last day of the month. */
  last: boolean;
  /** `LW`: the last weekday (Monday-Friday) of the month. */
  lastWeekday: boolean;
  /** `15W`: the weekday nearest the 15th, within the same month. */
  nearestWeekdays: number[];
}

export interface DayOfWeekSet extends NumberSet {
  /** `2#3`: the third Tuesday of the month. */
  nth: { weekday: number; nth: number }[];
  /** `5L`: the last Friday of the month. */
  lastOf: number[];
}

/** Which days qualify, with cron's rule: when both day fields are restricted, either may match. */
export interface DayFilter {
  dayOfMonth: DayOfMonthSet;
  month: NumberSet;
  dayOfWeek: DayOfWeekSet;
  year: NumberSet;
}

/** A day of the month in a monthly window. */
export type MonthDay =
  | { kind: 'day'; day: number }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

interface PeriodBase {
  /** The expression as given. */
  source: string;
  code: PeriodTypeCode;
}

/** 1: the seconds matching all fields, as cron reads them. Used for execution times. */
export interface PointPeriod extends PeriodBase {
  kind: 'point';
  second: NumberSet;
  minute: NumberSet;
  hour: NumberSet;
  days: DayFilter;
}

/** 2: one continuous stretch from `start` to `end`. */
export interface FixedPeriod extends PeriodBase {
  kind: 'fixed';
  start: DateTimeParts;
  /** The last second included; 00:00:00 means the whole of that day (24:00). */
  end: DateTimeParts;
}

/** 31: every qualifying day, from `from` to `to` (past midnight when `to` is earlier). */
export interface DailyPeriod extends PeriodBase {
  kind: 'daily';
  from: TimeOfDay;
  to: TimeOfDay;
  days: DayFilter;
}

/** 32: each span of weekdays is one window, from `from` on its first day to `to` on its last. */
export interface WeeklyPeriod extends PeriodBase {
  kind: 'weekly';
  from: TimeOfDay;
  to: TimeOfDay;
  /** 0 = Sunday; `to` before `from` wraps through Sunday (5-0 = Friday to Sunday). */
  spans: { from: number; to: number }[];
  month: NumberSet;
  year: NumberSet;
}

/** 33: each span of month days is one window, from `from` on its first day to `to` on its last. */
export interface MonthlyPeriod extends PeriodBase {
  kind: 'monthly';
  from: TimeOfDay;
  to: TimeOfDay;
  /** A span whose end day is before its start ends in the next month. */
  spans: { from: MonthDay; to: MonthDay }[];
  month: NumberSet;
  year: NumberSet;
}

/** 34: once a year from `start` (month, day) at `from` to `end` at `to`. */
export interface YearlyPeriod extends PeriodBase {
  kind: 'yearly';
  from: TimeOfDay;
  to: TimeOfDay;
  start: { month: number; day: number };
  end: { month: number; day: number };
  year: NumberSet;
}

export type PeriodExpression = PointPeriod | FixedPeriod | DailyPeriod | WeeklyPeriod | MonthlyPeriod | YearlyPeriod;

/** A window of a period: instants in [start, end), epoch milliseconds. */
export interface Window {
  start: number;
  /** Exclusive. */
  end: number;
}
