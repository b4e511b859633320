/**
 * Period expressions (期限表达式): `second minute hour day-of-month month day-of-week year type`.
 * The type code says how the fields are read (see README "Period expressions"): 1 point in
 * time (cron set), 2 fixed period, 31 daily, 32 weekly, 33 monthly, 34 yearly window.
 *
 * Every instant is epoch milliseconds; every operation takes an IANA time zone (the store's).
 * Operations accept the expression text, its parsed value, or a compiled period (cached, so
 * passing text repeatedly costs a map lookup).
 *
 * - `parse(text): PeriodExpression`, `tryParse(text)`: typed value, or a CampaignError PE_*
 *   naming field, column and reason.
 * - `contains(period, instant, tz): boolean`
 * - `nextWindow(period, from, tz)`, `previousWindow(period, from, tz): Window | null`: the
 *   window in effect at `from`, else the next / previous one ({ start, end } with end exclusive).
 * - `windowsBetween(period, from, to, tz, limit?): Window[]`
 * - `nextExecution(period, from, tz): number | null`, `nextExecutions(period, from, tz, count): number[]`
 * - `describe(period, locale): string` in zh-CN or en.
 * - `formToExpression(form): string`, `expressionToForm(period): PeriodForm`, `normalizeForm(form)`:
 *   the UI's structured form (a plain JSON union by `mode`).
 * - `formatExpression(value): string`: canonical text; `compile(period)`: for hot loops.
 */
export { parse, tryParse, PERIOD_FIELDS } from './parse.ts';
export { PERIOD_TYPE_CODES, kindOfCode } from './types.ts';
export type {
  DateTimeParts,
  DayFilter,
  DayOfMonthSet,
  DayOfWeekSet,
  MonthDay,
  NumberSet,
  PeriodExpression,
  PeriodKind,
  PeriodTypeCode,
  TimeOfDay,
  Window,
  PointPeriod,
  FixedPeriod,
  DailyPeriod,
  WeeklyPeriod,
  MonthlyPeriod,
  YearlyPeriod,
} from './types.ts';
export { compile } from './compile.ts';
export type { CompiledPeriod, PeriodInput } from './compile.ts';
export { contains } from './contains.ts';
export { nextWindow, previousWindow } from './next-window.ts';
export { windowsBetween } from './windows-between.ts';
export { nextExecution, nextExecutions } from './next-executions.ts';
export { describe } from './describe.ts';
export { formatExpression } from './format-expression.ts';
export { formToExpression, expressionToForm, normalizeForm } from './form.ts';
export type { PeriodForm, PeriodFormMode, DaySelection, MonthDayValue } from './form.ts';
export { assertTimeZone, getZone } from './zone.ts';
export type { Zone } from './zone.ts';
