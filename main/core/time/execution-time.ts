import { DAY_MS, HOUR_MS, MINUTE_MS } from '../period/calendar.ts';
import { nextExecution as nextPeriodExecution } from '../period/next-executions.ts';
import { getZone } from '../period/zone.ts';
import { customersDueOn, nextDueDay } from './birthday.ts';
import { effectiveRange, rangeContains, type InstantRange } from './effective-time.ts';
import { instantOfLocal, parseInstant, parseLocalDate } from './instant.ts';
import { birthdayRule } from './plan-time.ts';
import type { CustomerBirthday, ExecutionContext, PlanTimeSpec } from './types.ts';

/** The one instant of a run-once execution time (fixed, immediate, delayed), or null when it cannot be known yet. */
function onceAt(spec: PlanTimeSpec, range: InstantRange, context: ExecutionContext): number | null {
  const e = spec.execution;
  const activatedAt = context.activatedAt ?? null;
  switch (e.mode) {
    case 'fixed':
      return parseInstant(e.at, spec.timeZone);
    case 'immediate':
      if (activatedAt === null) return null;
      return Math.max(activatedAt, range.start ?? activatedAt);
    case 'delayed': {
      if (activatedAt === null) return null;
      const { amount, unit } = e.delay;
      let at: number;
      if (unit === 'days') {
        // Calendar days: the same wall-clock time, however long the days are around DST.
        const zone = getZone(spec.timeZone);
        at = zone.resolve(zone.wallAt(activatedAt) + amount * DAY_MS);
      } else at = activatedAt + amount * (unit === 'hours' ? HOUR_MS : MINUTE_MS);
      return Math.max(at, range.start ?? at);
    }
    default:
      return null;
  }
}

/** The daily sweep time of a birthday plan, as a point-in-time expression. */
function sweepExpression(timeOfDay: number): string {
  const s = Math.floor(timeOfDay / 1000);
  return `${s % 60} ${Math.floor(s / 60) % 60} ${Math.floor(s / 3600)} * * ? * 1`;
}

/**
 * The plan's first execution strictly after `after` (epoch ms), inside its effective time,
 * or null. Periodic plans follow their expression; birthday plans run a daily sweep at their
 * time (who is due comes from `customersDue`); fixed, immediate and delayed plans run once.
 */
export function nextPlanExecution(spec: PlanTimeSpec, after: number, context: ExecutionContext = {}): number | null {
  const range = effectiveRange(spec.effective, spec.timeZone);
  const e = spec.execution;
  if (e.mode === 'periodic' || e.mode === 'birthday') {
    const expression = e.mode === 'periodic' ? e.expression : sweepExpression(birthdayRule(spec).timeOfDay);
    const from = range.start !== null && range.start - 1 > after ? range.start - 1 : after;
    const next = nextPeriodExecution(expression, from, spec.timeZone);
    return next !== null && rangeContains(range, next) ? next : null;
  }
  const at = onceAt(spec, range, context);
  return at !== null && at > after && rangeContains(range, at) ? at : null;
}

/** The plan's first execution at or after activation: what a scheduler stores when the plan is switched on. */
export function firstPlanExecution(spec: PlanTimeSpec, activatedAt: number): number | null {
  return nextPlanExecution(spec, activatedAt - 1, { activatedAt });
}

/**
 * For birthday plans: the customers due on local date `date` ('YYYY-MM-DD'), in the order
 * given. Empty outside the effective time, and for other execution modes.
 */
export function customersDue(spec: PlanTimeSpec, date: string, customers: readonly CustomerBirthday[]): string[] {
  if (spec.execution.mode !== 'birthday') return [];
  const rule = birthdayRule(spec);
  const day = parseLocalDate(date);
  const sweep = instantOfLocal(day, rule.timeOfDay, spec.timeZone);
  if (!rangeContains(effectiveRange(spec.effective, spec.timeZone), sweep)) return [];
  return customersDueOn(day, rule, customers);
}

/** For birthday plans: when one customer is next due after `after` (their day, at the plan's time), or null. */
export function nextCustomerExecution(spec: PlanTimeSpec, birthday: string, after: number): number | null {
  const rule = birthdayRule(spec);
  const range = effectiveRange(spec.effective, spec.timeZone);
  const zone = getZone(spec.timeZone);
  let day = Math.floor(zone.wallAt(Math.max(after, range.start ?? after)) / DAY_MS) - 1;
  for (let i = 0; i < 3; i++) {
    day = nextDueDay(birthday, day, rule);
    const at = instantOfLocal(day, rule.timeOfDay, spec.timeZone);
    if (range.end !== null && at >= range.end) return null;
    if (at > after && rangeContains(range, at)) return at;
    day += 1;
  }
  return null;
}

