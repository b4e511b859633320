/**
 * A plan's time settings, as plain JSON (they are stored with the plan and cross the service
 * API). Dates are 'YYYY-MM-DD' and times 'HH:MM' in the plan's (store's) time zone.
 */

/** When the plan is live at all: whole days, both ends included; a missing end is open. */
export interface EffectiveTime {
  start?: string | null;
  end?: string | null;
}

export type BirthdayScope = 'day' | 'week' | 'month';

/** How a February 29 birthday is kept in years without one. */
export type LeapDayRule = 'feb28' | 'mar1';

export type DelayUnit = 'minutes' | 'hours' | 'days';

/** When the executor runs the plan. */
export type ExecutionTime =
  /** On every execution instant of a period expression (usually type 1, e.g. `0 0 9 * * 1`). */
  | { mode: 'periodic'; expression: string }
  /**
   * Per customer, relative to the birthday: on the day, in the week (from its Monday, or
   * Sunday with `weekStartsOn: 0`), or in the month (from its 1st), moved by `offsetDays`
   * (negative = before), at `time`. February 29 birthdays fall on February 28 in other years
   * unless `leapDay` is 'mar1'. The plan itself runs a daily sweep at `time`.
   */
  | {
      mode: 'birthday';
      scope: BirthdayScope;
      offsetDays?: number;
      time: string;
      leapDay?: LeapDayRule;
      weekStartsOn?: 0 | 1;
    }
  /** Once, at an instant (ISO 8601; without an offset it is read in the plan's zone). */
  | { mode: 'fixed'; at: string }
  /** Once, as soon as the plan is activated (or its effective time starts, if later). */
  | { mode: 'immediate' }
  /** Once, a while after activation; days keep the wall-clock time across DST. */
  | { mode: 'delayed'; delay: { amount: number; unit: DelayUnit } };

export type ExecutionMode = ExecutionTime['mode'];

export interface PlanTimeSpec {
  /** The store's IANA time zone; every date and time above is read in it. */
  timeZone: string;
  effective: EffectiveTime;
  /** The operation period: when benefits are valid (a period expression); absent = whenever in effect. */
  period?: string | null;
  execution: ExecutionTime;
}

/** What the time model needs to know about a running plan. */
export interface ExecutionContext {
  /** When the plan was activated (epoch ms); immediate and delayed executions count from it. */
  activatedAt?: number | null;
}

/** A customer as the birthday functions need it; `birthday` is 'MM-DD' or 'YYYY-MM-DD'. */
export interface CustomerBirthday {
  id: string;
  birthday: string | null;
}
