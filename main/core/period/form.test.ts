import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import { pad2 } from './calendar.ts';
import { formatExpression } from './format-expression.ts';
import { expressionToForm, formToExpression, normalizeForm, type DaySelection, type MonthDayValue, type PeriodForm } from './form.ts';
import { parse, tryParse } from './parse.ts';

function formError(form: unknown): CampaignError {
  try {
    formToExpression(form as PeriodForm);
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected the form to be rejected');
}

describe('form <-> expression', () => {
  it('turns the seed examples into forms and back', () => {
    expect(expressionToForm('* * * * * 1,3 * 32')).toEqual({ mode: 'weekly', days: [1, 3], from: '00:00', to: '23:59' });
    expect(expressionToForm('* 20-30 8-20 * * ? 31')).toEqual({ mode: 'daily', from: '08:20', to: '20:30' });
    expect(expressionToForm('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2')).toEqual({ mode: 'fixed', start: '2019-04-24', end: '2019-04-25' });
    expect(formToExpression({ mode: 'weekly', days: [1, 3], from: '00:00', to: '23:59' })).toBe('* * * * * 1,3 * 32');
    expect(formToExpression({ mode: 'daily', from: '08:20', to: '20:30' })).toBe('* 20-30 8-20 * * ? * 31');
    expect(formToExpression({ mode: 'fixed', start: '2019-04-24', end: '2019-04-25' })).toBe('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2');
  });

  it('covers every mode', () => {
    expect(expressionToForm('0 0 9 * * 1,3')).toEqual({ mode: 'point', time: '09:00', days: { weekdays: [1, 3] } });
    expect(expressionToForm('0 0 9 1,L 1-3 ? * 1')).toEqual({ mode: 'point', time: '09:00', days: { monthDays: [1, 'L'], months: [1, 2, 3] } });
    expect(expressionToForm('* * 18-22 * * 5-0 * 32')).toEqual({ mode: 'weekly', days: [[5, 0]], from: '18:00', to: '22:59' });
    expect(expressionToForm('* * * 1-3,L,15W,25-L 6 * * 33')).toEqual({
      mode: 'monthly',
      days: [[1, 3], 'L', '15W', [25, 'L']],
      from: '00:00',
      to: '23:59',
      months: [6],
    });
    expect(expressionToForm('* 0-59 9-17 1-7 10 * * 34')).toEqual({ mode: 'yearly', start: '10-01', end: '10-07', from: '09:00', to: '17:59' });
    expect(expressionToForm('0-0 0-0 8-0 * * ? * 31')).toEqual({ mode: 'daily', from: '08:00', to: '24:00' });
    expect(expressionToForm('0-59 30-0 8-18 24-25 4 * 2019 2')).toEqual({ mode: 'fixed', start: '2019-04-24T08:30', end: '2019-04-25T18:00' });
  });

  it('falls back to the expression mode when the structured modes cannot say it', () => {
    expect(expressionToForm('0 */15 9-17 * * 1-5')).toEqual({ mode: 'expression', expression: '0 0,15,30,45 9-17 * * 1-5 * 1' });
    expect(expressionToForm('0 0 9 ? * 2#2 * 1')).toEqual({ mode: 'expression', expression: '0 0 9 * * 2#2 * 1' });
    expect(expressionToForm('* * * * * 1 2026 32')).toEqual({ mode: 'expression', expression: '* * * * * 1 2026 32' });
    expect(formToExpression({ mode: 'expression', expression: '0 */15 9-17 * * 1-5' })).toBe('0 0,15,30,45 9-17 * * 1-5 * 1');
  });

  it('normalizes forms that say the same thing another way', () => {
    expect(normalizeForm({ mode: 'fixed', start: '2019-04-24T00:00', end: '2019-04-25T23:59' })).toEqual({
      mode: 'fixed',
      start: '2019-04-24',
      end: '2019-04-25',
    });
    expect(normalizeForm({ mode: 'point', time: '09:00:00', days: { weekdays: [3, 1] } })).toEqual({
      mode: 'point',
      time: '09:00',
      days: { weekdays: [1, 3] },
    });
  });

  it('rejects bad values with PE_FORM_INVALID naming the path', () => {
    expect(formError({ mode: 'daily', from: '8:20', to: '20:30' }).params).toEqual({ path: 'from', value: '"8:20"' });
    expect(formError({ mode: 'daily', from: '08:20', to: '25:00' }).params).toMatchObject({ path: 'to' });
    expect(formError({ mode: 'weekly', days: [1, 9], from: '00:00', to: '23:59' }).params).toMatchObject({ path: 'days[1]' });
    expect(formError({ mode: 'weekly', days: [], from: '00:00', to: '23:59' }).params).toMatchObject({ path: 'days' });
    expect(formError({ mode: 'monthly', days: [['L', 3]], from: '00:00', to: '23:59' }).params).toMatchObject({ path: 'days[0]' });
    expect(formError({ mode: 'point', time: '09:00', days: { weekdays: [] } }).params).toMatchObject({ path: 'days.weekdays' });
    expect(formError({ mode: 'point', time: '09:00', days: { monthDays: [0] } }).params).toMatchObject({ path: 'days.monthDays[0]' });
    expect(formError({ mode: 'yearly', start: '13-01', end: '01-01', from: '00:00', to: '23:59' }).params).toMatchObject({ path: 'start' });
    expect(formError({ mode: 'fixed', start: '2019/04/24', end: '2019-04-25' }).params).toMatchObject({ path: 'start' });
    expect(formError({ mode: 'nope' }).params).toMatchObject({ path: 'mode' });
    const error = formError({ mode: 'daily', from: '8:20', to: '20:30' });
    expect(error.code).toBe('PE_FORM_INVALID');
    expect(error.localized('zh-CN')).toBe('时间表单在 from 处的值无效："8:20"');
  });

  it('reports impossible values found by the parser', () => {
    expect(formError({ mode: 'fixed', start: '2019-02-30', end: '2019-03-01' }).code).toBe('PE_IMPOSSIBLE_DATE');
    expect(formError({ mode: 'fixed', start: '2019-04-25', end: '2019-04-24' }).code).toBe('PE_EMPTY_PERIOD');
    expect(formError({ mode: 'expression', expression: '0 0 25 * * *' }).code).toBe('PE_OUT_OF_RANGE');
  });
});

// ---- round trips ---------------------------------------------------------------------

const clock = (h: number, m: number, s: number | null) => `${pad2(h)}:${pad2(m)}${s === null ? '' : `:${pad2(s)}`}`;
const fromTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => clock(h, m, s === 0 ? null : s));
const toTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => (h === 0 && m === 0 && s === 0 ? '24:00' : clock(h, m, s === 59 ? null : s)));
const sortedSet = (min: number, max: number) =>
  fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 5 }).map((xs) => [...xs].sort((a, b) => a - b));

const daySelection: fc.Arbitrary<DaySelection | undefined> = fc
  .record(
    {
      weekdays: sortedSet(0, 6),
      monthDays: fc.tuple(sortedSet(1, 28), fc.boolean()).map(([xs, last]): (number | 'L')[] => (last ? [...xs, 'L'] : xs)),
      months: sortedSet(1, 12),
    },
    { requiredKeys: [] },
  )
  .map((d) => (Object.keys(d).length === 0 ? undefined : d));

const withDays = <T extends object>(form: T, days: DaySelection | undefined) => (days ? { ...form, days } : form);

const monthDayValue: fc.Arbitrary<MonthDayValue | [MonthDayValue, MonthDayValue]> = fc.oneof(
  fc.integer({ min: 1, max: 31 }),
  fc.constantFrom<MonthDayValue>('L', 'LW'),
  fc.integer({ min: 1, max: 31 }).map((n) => `${n}W` as MonthDayValue),
  fc
    .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 31 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]): [MonthDayValue, MonthDayValue] => [a, b]),
  fc.integer({ min: 1, max: 31 }).map((a): [MonthDayValue, MonthDayValue] => [a, 'L']),
);

const monthDay = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .map(([m, d]) => `${pad2(m)}-${pad2(Math.min(d, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 28))}`);

const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

const canonicalForm: fc.Arbitrary<PeriodForm> = fc.oneof(
  fc.tuple(date, date).map(([a, b]): PeriodForm => ({ mode: 'fixed', start: a < b ? a : b, end: a < b ? b : a })),
  fc
    .tuple(date, fromTime, date, toTime)
    .filter(([, f, , t]) => !(f === '00:00' && (t === '23:59' || t === '24:00')))
    .map(([a, f, b, t]): PeriodForm => ({ mode: 'fixed', start: `${a < b ? a : b}T${f}`, end: `${a < b ? b : a}T${t}` })),
  fc.tuple(fromTime, toTime, daySelection).map(([from, to, days]): PeriodForm => withDays({ mode: 'daily' as const, from, to }, days)),
  fc
    .tuple(
      fc.uniqueArray(
        fc.oneof(
          fc.integer({ min: 0, max: 6 }),
          fc
            .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
            .filter(([a, b]) => a !== b)
            .map(([a, b]): [number, number] => [a, b]),
        ),
        { minLength: 1, maxLength: 4, selector: (d) => JSON.stringify(d) },
      ),
      fromTime,
      toTime,
      fc.option(sortedSet(1, 12), { nil: undefined }),
    )
    .map(([days, from, to, months]): PeriodForm => (months ? { mode: 'weekly', days, from, to, months } : { mode: 'weekly', days, from, to })),
  fc
    .tuple(fc.uniqueArray(monthDayValue, { minLength: 1, maxLength: 4, selector: (d) => JSON.stringify(d) }), fromTime, toTime)
    .map(([days, from, to]): PeriodForm => ({ mode: 'monthly', days, from, to })),
  fc.tuple(monthDay, monthDay, fromTime, toTime).map(([start, end, from, to]): PeriodForm => ({ mode: 'yearly', start, end, from, to })),
  fc.tuple(fromTime, daySelection).map(([time, days]): PeriodForm => withDays({ mode: 'point' as const, time }, days)),
);

describe('round trips', () => {
  it('form -> expression -> form is the identity', () => {
    fc.assert(
      fc.property(canonicalForm, (form) => {
        let expression: string;
        try {
          expression = formToExpression(form);
        } catch (error) {
          // Values the calendar refuses (an empty fixed period) are not forms the editor keeps.
          fc.pre(!(error instanceof CampaignError && (error.code === 'PE_EMPTY_PERIOD' || error.code === 'PE_IMPOSSIBLE_DATE')));
          throw error;
        }
        expect(expressionToForm(expression)).toEqual(form);
      }),
      { numRuns: 400 },
    );
  });

  it('expression -> form -> expression keeps the canonical text', () => {
    const samples = [
      '* * * * * 1,3 * 32',
      '* 20-30 8-20 * * ? 31',
      '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2',
      '0 */15 9-17 * * 1-5',
      '0 0 9 L * *',
      '* * * 25-5,L * * * 33',
      '* * * 24-2 12-1 * 2026 34',
      '0 0 9 ? * 2#2,5L * 1',
      '0 0 9 15W,LW * * * 1',
    ];
    for (const text of samples) {
      const value = parse(text);
      expect(formToExpression(expressionToForm(value)), text).toBe(formatExpression(value));
      expect(tryParse(formatExpression(value)).ok, text).toBe(true);
    }
  });
});
