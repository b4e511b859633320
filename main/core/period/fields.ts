/** The eight fields of a period expression, in order, with their ranges and error-message names. */
export interface FieldInfo {
  /** 1-based position in the 8-field form. */
  readonly number: number;
  readonly key: FieldKey;
  readonly min: number;
  readonly max: number;
  readonly en: string;
  readonly zh: string;
}

export type FieldKey = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'year' | 'type';

export const FIELDS: readonly FieldInfo[] = [
  { number: 1, key: 'second', min: 0, max: 59, en: 'second', zh: '秒' },
  { number: 2, key: 'minute', min: 0, max: 59, en: 'minute', zh: '分' },
  { number: 3, key: 'hour', min: 0, max: 23, en: 'hour', zh: '时' },
  { number: 4, key: 'dayOfMonth', min: 1, max: 31, en: 'day of month', zh: '日' },
  { number: 5, key: 'month', min: 1, max: 12, en: 'month', zh: '月' },
  // 7 is accepted for Sunday, as in cron, and folded into 0.
  { number: 6, key: 'dayOfWeek', min: 0, max: 7, en: 'day of week', zh: '星期' },
  { number: 7, key: 'year', min: 1970, max: 2099, en: 'year', zh: '年' },
  { number: 8, key: 'type', min: 1, max: 34, en: 'type', zh: '类型' },
];

export function fieldInfo(key: FieldKey): FieldInfo {
  const info = FIELDS.find((f) => f.key === key);
  if (!info) throw new Error(`unknown field ${key}`);
  return info;
}

export const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
