import { CronExpressionParser } from 'cron-parser';
import { BugError } from '../errors/campaign-error.ts';

/** The cron fields cron-parser reads (it has no year). */
export type CronFieldKey = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

const POSITION: Record<CronFieldKey, number> = { second: 0, minute: 1, hour: 2, dayOfMonth: 3, month: 4, dayOfWeek: 5 };
const NEUTRAL = ['0', '0', '0', '*', '*', '*'];

const memo = new Map<string, (number | string)[]>();

/**
 * The values of one standard cron item (`5`, `1-5`, `*\/10`, `3/10`, `L`, `5L`), expanded by
 * cron-parser, which defines the cron semantics we follow (e.g. `*\/10` in day of month =
 * 1,11,21,31; 7 = Sunday). Items go one at a time because cron-parser rejects lists whose
 * items overlap (`1-5,3`, `0,7`), which cron itself allows. The text was validated by our
 * parser first, so a failure here is a bug, not bad input.
 */
function expandItem(key: CronFieldKey, item: string): (number | string)[] {
  const cacheKey = `${key}:${item}`;
  let values = memo.get(cacheKey);
  if (!values) {
    const fields = [...NEUTRAL];
    fields[POSITION[key]] = item;
    try {
      const parsed = CronExpressionParser.parse(fields.join(' '), { currentDate: 0 }).fields;
      values = [...parsed[key].values];
    } catch (error) {
      throw new BugError(`cron-parser rejected "${item}" in ${key}, which our parser accepted`, { cause: error });
    }
    memo.set(cacheKey, values);
  }
  return values;
}

/**
 * The union of a field's standard items, sorted: numbers (day of week folded to 0-6), then
 * 'L' (last day of month) or 'nL' (last weekday n) markers.
 */
export function expandField(key: CronFieldKey, items: string[]): (number | string)[] {
  const numbers = new Set<number>();
  const marks = new Set<string>();
  for (const item of items) {
    for (const v of expandItem(key, item)) {
      if (typeof v === 'number') numbers.add(key === 'dayOfWeek' && v === 7 ? 0 : v);
      else marks.add(v);
    }
  }
  return [...[...numbers].sort((a, b) => a - b), ...[...marks].sort()];
}

/** Numbers only (for fields without markers). */
export function expandNumbers(key: CronFieldKey, items: string[]): number[] {
  return expandField(key, items).filter((v): v is number => typeof v === 'number');
}
