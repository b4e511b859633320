import { CronExpressionParser } from 'cron-parser';
import { BugError } from '../errors/campaign-error.ts';

/** The standard cron text of the six cron fields (items cron-parser reads; others left out). */
export interface CronTexts {
  second: string;
  minute: string;
  hour: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
}

export interface CronValues {
  second: number[];
  minute: number[];
  hour: number[];
  /** Numbers, plus 'L' for the last day of the month. */
  dayOfMonth: (number | string)[];
  month: number[];
  /** 0-6 (7 folded into 0), plus 'nL' strings for "last weekday n of the month". */
  dayOfWeek: (number | string)[];
}

/**
 * Expands cron fields into value lists with cron-parser, which defines the cron semantics we
 * follow (ranges, steps such as `*\/10` in day of month = 1,11,21,31, 7 = Sunday, `L`, `5L`).
 * The text was validated by our parser first, so a failure here is a bug, not bad input.
 * The month is expanded on its own so cron-parser's "day 31 in April" check, which ignores
 * the day of week, cannot reject an expression our parser accepted.
 */
export function expandCron(texts: CronTexts): CronValues {
  try {
    const days = CronExpressionParser.parse(
      `${texts.second} ${texts.minute} ${texts.hour} ${texts.dayOfMonth} * ${texts.dayOfWeek}`,
      { currentDate: 0 },
    ).fields;
    const months = CronExpressionParser.parse(`0 0 0 * ${texts.month} *`, { currentDate: 0 }).fields;
    return {
      second: [...days.second.values] as number[],
      minute: [...days.minute.values] as number[],
      hour: [...days.hour.values] as number[],
      dayOfMonth: [...days.dayOfMonth.values],
      month: [...months.month.values] as number[],
      dayOfWeek: [...new Set(days.dayOfWeek.values.map((v) => (v === 7 ? 0 : v)))],
    };
  } catch (error) {
    throw new BugError(`cron-parser rejected fields our parser accepted: ${JSON.stringify(texts)}`, { cause: error });
  }
}
