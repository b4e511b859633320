import { CampaignError } from '../errors/campaign-error.ts';
import { contains } from '../period/contains.ts';
import { parse } from '../period/parse.ts';
import { assertTimeZone } from '../period/zone.ts';
import type { BirthdayRule } from './birthday.ts';
import { effectiveRange, rangeContains } from './effective-time.ts';
import { parseInstant, readTimeOfDay } from './instant.ts';
import type { PlanTimeSpec } from './types.ts';

function bad(path: string, value: unknown): never {
  throw new CampaignError('TM_BAD_SPEC', { path, value: JSON.stringify(value) ?? String(value) });
}

/**
 * Checks a plan's time settings; throws the first problem: PE_BAD_TIME_ZONE, TM_BAD_DATE,
 * TM_BAD_RANGE, a PE_* error in an expression, TM_BAD_INSTANT, or TM_BAD_SPEC naming the path.
 */
export function validatePlanTime(spec: PlanTimeSpec): void {
  if (typeof spec !== 'object' || spec === null) bad('', spec);
  if (typeof spec.timeZone !== 'string') bad('timeZone', spec.timeZone);
  assertTimeZone(spec.timeZone);
  if (typeof spec.effective !== 'object' || spec.effective === null) bad('effective', spec.effective);
  effectiveRange(spec.effective, spec.timeZone);
  if (spec.period !== undefined && spec.period !== null) parse(spec.period);
  const execution = spec.execution;
  if (typeof execution !== 'object' || execution === null) bad('execution', execution);
  switch (execution.mode) {
    case 'periodic':
      parse(execution.expression);
      break;
    case 'birthday':
      birthdayRule(spec);
      break;
    case 'fixed':
      parseInstant(execution.at, spec.timeZone);
      break;
    case 'immediate':
      break;
    case 'delayed': {
      const { amount, unit } = execution.delay ?? {};
      if (!Number.isInteger(amount) || (amount as number) < 0) bad('execution.delay.amount', amount);
      if (unit !== 'minutes' && unit !== 'hours' && unit !== 'days') bad('execution.delay.unit', unit);
      break;
    }
    default:
      bad('execution.mode', (execution as { mode?: unknown }).mode);
  }
}

/** The birthday rule of a birthday execution time, validated, with defaults. */
export function birthdayRule(spec: PlanTimeSpec): BirthdayRule & { timeOfDay: number } {
  const e = spec.execution;
  if (e.mode !== 'birthday') return bad('execution.mode', e.mode);
  if (e.scope !== 'day' && e.scope !== 'week' && e.scope !== 'month') bad('execution.scope', e.scope);
  const offsetDays = e.offsetDays ?? 0;
  if (!Number.isInteger(offsetDays) || Math.abs(offsetDays) > 366) bad('execution.offsetDays', e.offsetDays);
  const timeOfDay = typeof e.time === 'string' ? readTimeOfDay(e.time) : null;
  if (timeOfDay === null) return bad('execution.time', e.time);
  const leapDay = e.leapDay ?? 'feb28';
  if (leapDay !== 'feb28' && leapDay !== 'mar1') bad('execution.leapDay', e.leapDay);
  const weekStartsOn = e.weekStartsOn ?? 1;
  if (weekStartsOn !== 0 && weekStartsOn !== 1) bad('execution.weekStartsOn', e.weekStartsOn);
  return { scope: e.scope, offsetDays, leapDay, weekStartsOn, timeOfDay };
}

/** Whether the plan is live at `at`: inside its effective time. */
export function isInEffect(spec: PlanTimeSpec, at: number): boolean {
  return rangeContains(effectiveRange(spec.effective, spec.timeZone), at);
}

/** Whether benefits are valid at `at`: in effect and inside the operation period (if any). */
export function isInOperationPeriod(spec: PlanTimeSpec, at: number): boolean {
  if (!isInEffect(spec, at)) return false;
  return spec.period === undefined || spec.period === null || contains(spec.period, at, spec.timeZone);
}
