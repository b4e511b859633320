/**
 * The time model of a plan (运营时间): effective time (when the plan is live), operation period
 * (when benefits are valid: a period expression) and execution time (when the executor runs).
 * Instants are epoch ms; dates 'YYYY-MM-DD' and times 'HH:MM' in the plan's time zone.
 *
 * - `validatePlanTime(spec)`: throws the first problem (TM_* / PE_*).
 * - `isInEffect(spec, at)`, `isInOperationPeriod(spec, at): boolean`
 * - `nextPlanExecution(spec, after, context?)`, `firstPlanExecution(spec, activatedAt): number | null`
 * - `customersDue(spec, date, customers): string[]` (birthday plans),
 *   `nextCustomerExecution(spec, birthday, after)`, `birthdaysDueOn(day, rule)`
 * - `parseInstant(text, tz)`, `formatInstant(instant, tz)`: ISO 8601 in and out.
 * - Festivals: `./festivals/index.ts` (festivalDate, festivalsInYear, festivalsOn, ...).
 */
export type {
  BirthdayScope,
  CustomerBirthday,
  DelayUnit,
  EffectiveTime,
  ExecutionContext,
  ExecutionMode,
  ExecutionTime,
  LeapDayRule,
  PlanTimeSpec,
} from './types.ts';
export { validatePlanTime, isInEffect, isInOperationPeriod, birthdayRule } from './plan-time.ts';
export { nextPlanExecution, firstPlanExecution, customersDue, nextCustomerExecution } from './execution-time.ts';
export { effectiveRange, rangeContains } from './effective-time.ts';
export type { InstantRange } from './effective-time.ts';
export { birthdaysDueOn, celebrationDay, customersDueOn, dueDay, nextDueDay, readBirthday } from './birthday.ts';
export type { BirthdayRule } from './birthday.ts';
export { parseInstant, formatInstant, parseLocalDate, formatLocalDate, localDayOf, instantOfLocal, readTimeOfDay } from './instant.ts';
export * from './festivals/index.ts';
