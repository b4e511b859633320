import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { parse, tryParse } from './parse.ts';

function errorOf(expression: string): CampaignError {
  const result = tryParse(expression);
  if (result.ok) throw new Error(`expected "${expression}" to be rejected`);
  return result.error;
}

describe('parse: the seed examples', () => {
  it('reads "* * * * * 1,3 * 32" as every Monday and Wednesday, all day', () => {
    const p = parse('* * * * * 1,3 * 32');
    expect(p).toMatchObject({
      kind: 'weekly',
      code: 32,
      from: { hour: 0, minute: 0, second: 0 },
      to: { hour: 23, minute: 59, second: 59 },
      spans: [
        { from: 1, to: 1 },
        { from: 3, to: 3 },
      ],
      month: { wildcard: true },
      year: { wildcard: true },
    });
  });

  it('reads the 7-field "* 20-30 8-20 * * ? 31" as daily 08:20 to 20:30, any year', () => {
    const p = parse('* 20-30 8-20 * * ? 31');
    expect(p).toMatchObject({
      kind: 'daily',
      code: 31,
      from: { hour: 8, minute: 20, second: 0 },
      to: { hour: 20, minute: 30, second: 59 },
    });
    if (p.kind !== 'daily') throw new Error('daily expected');
    expect(p.days.year.wildcard).toBe(true);
    expect(p.days.dayOfMonth.wildcard && p.days.dayOfWeek.wildcard && p.days.month.wildcard).toBe(true);
  });

  it('reads "0-0 0-0 0-0 24-25 4-4 * 2019-2019 2" as the fixed period 2019-04-24 to 2019-04-25', () => {
    expect(parse('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2')).toMatchObject({
      kind: 'fixed',
      code: 2,
      start: { year: 2019, month: 4, day: 24, hour: 0, minute: 0, second: 0 },
      end: { year: 2019, month: 4, day: 25, hour: 0, minute: 0, second: 0 },
    });
  });

  it('keeps the source text', () => {
    expect(parse('* 20-30 8-20 * * ? 31').source).toBe('* 20-30 8-20 * * ? 31');
  });
});

describe('parse: each type code', () => {
  it('1: point in time, with cron sets (and 6 fields = plain cron)', () => {
    const p = parse('0 */15 9-17 ? JAN-MAR MON-FRI 2026 1');
    if (p.kind !== 'point') throw new Error('point expected');
    expect(p.minute.values).toEqual([0, 15, 30, 45]);
    expect(p.hour.values).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(p.days.month.values).toEqual([1, 2, 3]);
    expect(p.days.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(p.days.year.values).toEqual([2026]);
    expect(parse('0 0 9 * * 1,3')).toMatchObject({ kind: 'point', code: 1 });
  });

  it('1: L, LW, nW in day of month; nL and n#k in day of week; 7 is Sunday', () => {
    const p = parse('0 0 9 L,LW,15W * * * 1');
    if (p.kind !== 'point') throw new Error('point expected');
    expect(p.days.dayOfMonth).toMatchObject({ last: true, lastWeekday: true, nearestWeekdays: [15], values: [] });
    const q = parse('0 0 9 ? * 5L,2#3,7 * 1');
    if (q.kind !== 'point') throw new Error('point expected');
    expect(q.days.dayOfWeek).toMatchObject({ values: [0], lastOf: [5], nth: [{ weekday: 2, nth: 3 }] });
  });

  it('2: fixed period with times and a year range', () => {
    expect(parse('0-59 30-0 8-18 31-2 12-1 * 2025-2026 2')).toMatchObject({
      kind: 'fixed',
      start: { year: 2025, month: 12, day: 31, hour: 8, minute: 30, second: 0 },
      end: { year: 2026, month: 1, day: 2, hour: 18, minute: 0, second: 59 },
    });
  });

  it('31: daily window with a day filter, and past midnight', () => {
    const p = parse('* 0-30 9-17 * * 1-5 * 31');
    if (p.kind !== 'daily') throw new Error('daily expected');
    expect(p.days.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(parse('* * 22-5 * * ? * 31')).toMatchObject({ from: { hour: 22 }, to: { hour: 5, minute: 59, second: 59 } });
  });

  it('32: weekly spans, wrapping through Sunday', () => {
    expect(parse('* * 18-22 * * 5-0 * 32')).toMatchObject({ kind: 'weekly', spans: [{ from: 5, to: 0 }] });
    expect(parse('* * * * * FRI-SUN * 32')).toMatchObject({ spans: [{ from: 5, to: 0 }] });
    expect(parse('* * * * 6-8 1-5/2 * 32')).toMatchObject({
      spans: [
        { from: 1, to: 1 },
        { from: 3, to: 3 },
        { from: 5, to: 5 },
      ],
      month: { values: [6, 7, 8] },
    });
  });

  it('33: monthly spans with L, LW, nW and ranges into the next month', () => {
    expect(parse('* * * 1-3,L,25-5,20-L,LW,15W * * * 33')).toMatchObject({
      kind: 'monthly',
      spans: [
        { from: { kind: 'day', day: 1 }, to: { kind: 'day', day: 3 } },
        { from: { kind: 'last' }, to: { kind: 'last' } },
        { from: { kind: 'day', day: 25 }, to: { kind: 'day', day: 5 } },
        { from: { kind: 'day', day: 20 }, to: { kind: 'last' } },
        { from: { kind: 'lastWeekday' }, to: { kind: 'lastWeekday' } },
        { from: { kind: 'nearestWeekday', day: 15 }, to: { kind: 'nearestWeekday', day: 15 } },
      ],
    });
  });

  it('34: yearly, including across the new year', () => {
    expect(parse('* * * 1-7 10-10 * * 34')).toMatchObject({ kind: 'yearly', start: { month: 10, day: 1 }, end: { month: 10, day: 7 } });
    expect(parse('* * * 24-2 12-1 * 2026-2030 34')).toMatchObject({ start: { month: 12, day: 24 }, end: { month: 1, day: 2 } });
    expect(parse('* * * 29 2 * * 34')).toMatchObject({ start: { month: 2, day: 29 } });
    // `*` days: the whole month(s).
    expect(parse('* * * * 4-5 * * 34')).toMatchObject({ start: { month: 4, day: 1 }, end: { month: 5, day: 31 } });
    expect(parse('0-0 0-0 0-0 * 2 * 2028 2')).toMatchObject({ start: { day: 1 }, end: { month: 2, day: 29 } });
  });
});

describe('parse: errors name the field, its column and the reason', () => {
  const cases: [string, ErrorCode, Record<string, unknown>][] = [
    ['', 'PE_EMPTY', {}],
    ['   ', 'PE_EMPTY', {}],
    ['* * * * *', 'PE_FIELD_COUNT', { count: 5 }],
    ['* * * * * * * * *', 'PE_FIELD_COUNT', { count: 9 }],
    ['0 0 25 * * *', 'PE_OUT_OF_RANGE', { field: 3, fieldName: 'hour', value: 25, min: 0, max: 23, column: 5 }],
    ['0 0 9 * 13 * * 1', 'PE_OUT_OF_RANGE', { field: 5, value: 13 }],
    ['0 0 9 * * 1 1969 1', 'PE_OUT_OF_RANGE', { field: 7, value: 1969, min: 1970, max: 2099 }],
    ['0 0 9 ? * 1#6 * 1', 'PE_OUT_OF_RANGE', { field: 6, value: 6, min: 1, max: 5, column: 13 }],
    ['0 0 9 * * MOX * 1', 'PE_SYNTAX', { field: 6, token: 'MOX', column: 11 }],
    ['0 0 9 1,,2 * * * 1', 'PE_SYNTAX', { field: 4 }],
    ['0 0 9 *,1 * * * 1', 'PE_SYNTAX', { field: 4 }],
    ['0 0 H * * * * 1', 'PE_SYNTAX', { field: 3, token: 'H' }],
    ['0 0 17-9 * * * * 1', 'PE_REVERSED_RANGE', { field: 3, token: '17-9', column: 5 }],
    ['0 0 9 * * * 2030-2020 1', 'PE_REVERSED_RANGE', { field: 7 }],
    ['0 */0 9 * * * * 1', 'PE_BAD_STEP', { field: 2, max: 60 }],
    ['0 0 */25 * * * * 1', 'PE_BAD_STEP', { field: 3, max: 24 }],
    ['0 0 9 * * * * 99', 'PE_UNKNOWN_TYPE', { field: 8, value: '99', column: 15 }],
    ['0 0 9 * * * 3x', 'PE_UNKNOWN_TYPE', { field: 8, value: '3x', column: 13 }],
    ['* 1,2 * * * * * 31', 'PE_SINGLE_RANGE_ONLY', { field: 2, fieldName: 'minute', typeName: 'daily window' }],
    ['* */5 * * * * * 31', 'PE_SINGLE_RANGE_ONLY', { field: 2 }],
    ['* * * 1,2 3 * * 34', 'PE_SINGLE_RANGE_ONLY', { field: 4 }],
    ['0 0 L * * * * 1', 'PE_NOT_ALLOWED', { field: 3, token: 'L' }],
    ['0 0 9 * * 15W * 1', 'PE_NOT_ALLOWED', { field: 6, token: '15W' }],
    ['0 0 9 1#2 * * * 1', 'PE_NOT_ALLOWED', { field: 4, token: '1#2' }],
    ['0 0 9 10-L * * * 1', 'PE_NOT_ALLOWED', { field: 4, token: '10-L' }],
    ['* * * * * 5L * 32', 'PE_NOT_ALLOWED', { field: 6, typeName: 'weekly window' }],
    ['* * * L * * * 34', 'PE_NOT_ALLOWED', { field: 4 }],
    ['* * * 1 * * * 32', 'PE_FIELD_UNUSED', { field: 4, token: '1', typeName: 'weekly window' }],
    ['* * * 1 * 1 * 33', 'PE_FIELD_UNUSED', { field: 6 }],
    ['0 0 9 * * 1 2019 2', 'PE_FIELD_UNUSED', { field: 6 }],
    ['0-0 0-0 0-0 24-25 4-4 * * 2', 'PE_YEAR_REQUIRED', { field: 7, column: 25 }],
    ['0-0 0-0 0-0 24-25 4-4 ? 2', 'PE_YEAR_REQUIRED', { field: 7 }],
    ['0 0 9 31 4 * * 1', 'PE_IMPOSSIBLE_DATE', { field: 4, day: 31, month: '4' }],
    ['0 0 9 30,31 2 * * 31', 'PE_IMPOSSIBLE_DATE', { field: 4, day: 30 }],
    ['* * * 30 2 * * 34', 'PE_IMPOSSIBLE_DATE', { field: 4, day: 30, month: 2 }],
    ['* * * 31 4,6 * * 33', 'PE_IMPOSSIBLE_DATE', { field: 4, day: 31 }],
    ['0-0 0-0 0-0 29-29 2-2 * 2019-2019 2', 'PE_IMPOSSIBLE_DATE', { field: 4, day: 29, month: 2 }],
    ['0-0 0-0 0-0 25-24 4-4 * 2019-2019 2', 'PE_EMPTY_PERIOD', { start: '2019-04-25 00:00:00', end: '2019-04-24 00:00:00' }],
  ];

  it.each(cases)('%j -> %s', (expression, code, params) => {
    const error = errorOf(expression);
    expect(error).toBeInstanceOf(CampaignError);
    expect(error.code).toBe(code);
    expect(error.params).toMatchObject(params);
  });

  it('covers every PE parse error code', () => {
    const codes = new Set(cases.map((c) => c[1]));
    for (const code of [
      'PE_EMPTY',
      'PE_FIELD_COUNT',
      'PE_SYNTAX',
      'PE_OUT_OF_RANGE',
      'PE_REVERSED_RANGE',
      'PE_BAD_STEP',
      'PE_UNKNOWN_TYPE',
      'PE_SINGLE_RANGE_ONLY',
      'PE_NOT_ALLOWED',
      'PE_FIELD_UNUSED',
      'PE_YEAR_REQUIRED',
      'PE_IMPOSSIBLE_DATE',
      'PE_EMPTY_PERIOD',
    ] as const) {
      expect(codes.has(code), code).toBe(true);
    }
  });

  it('says it in English and in Chinese', () => {
    const error = errorOf('0 0 25 * * *');
    expect(error.message).toBe('field 3 (hour): 25 is out of range 0-23 (column 5)');
    expect(error.localized('zh-CN')).toBe('第 3 个字段（时）：25 超出范围 0-23（第 5 列）');
    expect(errorOf('* 1,2 * * * * * 31').localized('zh-CN')).toContain('每日时段');
  });

  it('parse throws the same error tryParse returns', () => {
    expect(() => parse('0 0 25 * * *')).toThrow(CampaignError);
  });
});

// The cron part of a point-in-time expression follows cron-parser: each item expands to the
// values cron-parser gives it (lists may overlap here, which cron-parser itself refuses).
const cronField = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: max - min + 1 })).map(([a, s]) => `${a}/${s}`),
    fc.integer({ min: 1, max: max - min + 1 }).map((s) => `*/${s}`),
    fc.array(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map((xs) => xs.join(',')),
  );

describe('parse: cron fields agree with cron-parser', () => {
  it('expands seconds, minutes, hours, months and weekdays to the same sets', () => {
    expect(parse('0 1-5,3-7 0 * * 0,7')).toMatchObject({ minute: { values: [1, 2, 3, 4, 5, 6, 7] }, days: { dayOfWeek: { values: [0] } } });
    fc.assert(
      fc.property(
        cronField(0, 59),
        cronField(0, 59),
        cronField(0, 23),
        cronField(1, 12),
        cronField(0, 7),
        (s, m, h, mon, dow) => {
          const ours = parse(`${s} ${m} ${h} * ${mon} ${dow}`);
          if (ours.kind !== 'point') throw new Error('point expected');
          // cron-parser, item by item, united.
          const union = (field: string, position: number): number[] => {
            const values = new Set<number>();
            for (const item of field.split(',')) {
              const fields = ['0', '0', '0', '*', '*', '*'];
              fields[position] = item;
              const parsed = CronExpressionParser.parse(fields.join(' '), { currentDate: 0 }).fields;
              const all = [parsed.second, parsed.minute, parsed.hour, parsed.dayOfMonth, parsed.month, parsed.dayOfWeek];
              for (const v of all[position]?.values ?? []) if (typeof v === 'number') values.add(position === 5 && v === 7 ? 0 : v);
            }
            return [...values].sort((a, b) => a - b);
          };
          expect(ours.second.values).toEqual(union(s, 0));
          expect(ours.minute.values).toEqual(union(m, 1));
          expect(ours.hour.values).toEqual(union(h, 2));
          expect(ours.days.month.values).toEqual(union(mon, 4));
          expect(ours.days.dayOfWeek.values).toEqual(union(dow, 5));
        },
      ),
      { numRuns: 200 },
    );
  });
});
