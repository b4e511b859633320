import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextExecution, nextExecutions } from './next-executions.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const isoAll = (ts: number[]) => ts.map(iso);

describe('nextExecutions: point in time', () => {
  it('runs 0 0 9 * * 1,3 on Mondays and Wednesdays at 09:00 Shanghai time', () => {
    expect(isoAll(nextExecutions('0 0 9 * * 1,3', at('2026-03-04T01:00:00Z'), 'Asia/Shanghai', 4))).toEqual([
      '2026-03-09T01:00:00.000Z',
      '2026-03-11T01:00:00.000Z',
      '2026-03-16T01:00:00.000Z',
      '2026-03-18T01:00:00.000Z',
    ]);
  });

  it('is strictly after `from`', () => {
    expect(iso(nextExecution('0 0 9 * * *', at('2026-03-04T01:00:00Z'), 'Asia/Shanghai') ?? 0)).toBe('2026-03-05T01:00:00.000Z');
    expect(iso(nextExecution('0 0 9 * * *', at('2026-03-04T00:59:59.999Z'), 'Asia/Shanghai') ?? 0)).toBe('2026-03-04T01:00:00.000Z');
  });

  it('runs 0 0 9 L * * on the last day of each month, Feb 29 in leap years', () => {
    expect(isoAll(nextExecutions('0 0 9 L * *', at('2028-01-31T12:00:00Z'), 'UTC', 3))).toEqual([
      '2028-02-29T09:00:00.000Z',
      '2028-03-31T09:00:00.000Z',
      '2028-04-30T09:00:00.000Z',
    ]);
  });

  it('handles W, LW and several # items, which cron-parser does not read', () => {
    // 2026-02-15 is a Sunday -> Monday 16th; 2026-05-31 is a Sunday -> last weekday Friday 29th.
    expect(isoAll(nextExecutions('0 0 9 15W * * * 1', at('2026-02-01T00:00:00Z'), 'UTC', 1))).toEqual(['2026-02-16T09:00:00.000Z']);
    expect(isoAll(nextExecutions('0 0 9 LW * * * 1', at('2026-05-01T00:00:00Z'), 'UTC', 1))).toEqual(['2026-05-29T09:00:00.000Z']);
    // Second Tuesday and first Friday of the month.
    expect(isoAll(nextExecutions('0 0 9 ? * 2#2,5#1 * 1', at('2026-03-01T00:00:00Z'), 'UTC', 3))).toEqual([
      '2026-03-06T09:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
      '2026-04-03T09:00:00.000Z',
    ]);
  });

  it('honours the year field and stops when the years run out', () => {
    expect(isoAll(nextExecutions('0 0 0 1 1 * 2027-2028 1', at('2026-01-01T00:00:00Z'), 'UTC', 5))).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
    expect(nextExecution('0 0 0 1 1 * 2020 1', at('2026-01-01T00:00:00Z'), 'UTC')).toBeNull();
  });
});

describe('nextExecutions: the window types run when a window opens', () => {
  it('opens the seed daily window at 08:20 every day', () => {
    expect(isoAll(nextExecutions('* 20-30 8-20 * * ? 31', at('2026-03-04T03:00:00Z'), 'Asia/Shanghai', 2))).toEqual([
      '2026-03-05T00:20:00.000Z',
      '2026-03-06T00:20:00.000Z',
    ]);
  });

  it('opens the seed weekly period at midnight on Mondays and Wednesdays', () => {
    expect(isoAll(nextExecutions('* * * * * 1,3 * 32', at('2026-03-04T03:00:00Z'), 'Asia/Shanghai', 2))).toEqual([
      '2026-03-08T16:00:00.000Z',
      '2026-03-10T16:00:00.000Z',
    ]);
  });

  it('opens the seed fixed period once, and never after it', () => {
    expect(isoAll(nextExecutions('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', at('2019-01-01T00:00:00Z'), 'Asia/Shanghai', 3))).toEqual([
      '2019-04-23T16:00:00.000Z',
    ]);
    expect(nextExecution('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', at('2020-01-01T00:00:00Z'), 'Asia/Shanghai')).toBeNull();
  });
});

describe('nextExecutions: DST', () => {
  const ny = 'America/New_York';

  it('runs a daily 02:30 once at 03:00 EDT on the spring-forward day (02:30 does not exist)', () => {
    expect(isoAll(nextExecutions('0 30 2 * * *', at('2026-03-07T12:00:00Z'), ny, 3))).toEqual([
      '2026-03-08T07:00:00.000Z', // 03:00 EDT, the moment the clock jumps past 02:30
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('runs a daily 01:30 once (at 01:30 EDT) on the fall-back day', () => {
    expect(isoAll(nextExecutions('0 30 1 * * *', at('2026-10-31T12:00:00Z'), ny, 2))).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; not again at 01:30 EST
      '2026-11-02T06:30:00.000Z',
    ]);
    // Asked from inside the repeated hour, the second showing is not a new run.
    expect(iso(nextExecution('0 30 1 * * *', at('2026-11-01T06:10:00Z'), ny) ?? 0)).toBe('2026-11-02T06:30:00.000Z');
  });

  it('runs every half hour of 01:00 twice, not four times, on the fall-back day', () => {
    expect(isoAll(nextExecutions('0 */30 1 * * *', at('2026-11-01T00:00:00Z'), ny, 3))).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:00:00.000Z',
    ]);
  });

  it('collapses the skipped hour into one run at the jump', () => {
    expect(isoAll(nextExecutions('0 */15 2 * * *', at('2026-03-08T00:00:00Z'), ny, 2))).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:00:00.000Z',
    ]);
  });

  it('does the same in Europe/London', () => {
    const london = 'Europe/London';
    // 2026-03-29: 01:00 GMT -> 02:00 BST; 2026-10-25: 02:00 BST -> 01:00 GMT.
    expect(isoAll(nextExecutions('0 30 1 * * *', at('2026-03-28T12:00:00Z'), london, 2))).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(isoAll(nextExecutions('0 30 1 * * *', at('2026-10-24T12:00:00Z'), london, 2))).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});

// Point-in-time expressions follow cron-parser's schedule wherever the clock runs evenly.
const field = (min: number, max: number, wide: boolean) =>
  fc.oneof(
    ...(wide ? [fc.constant('*')] : []),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 2, max: Math.max(2, Math.floor((max - min) / 2)) }).map((s) => `*/${s}`),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((xs) => xs.join(',')),
  );

const cronExpression = fc
  .tuple(
    field(0, 59, false),
    field(0, 59, false),
    field(0, 23, true),
    fc.oneof(fc.constant('*'), field(1, 31, false), fc.constant('L')),
    fc.oneof(fc.constant('*'), field(1, 12, false)),
    fc.oneof(fc.constant('*'), field(0, 6, false), fc.constant('5L'), fc.constant('2#3')),
  )
  .map((f) => f.join(' '));

describe('nextExecutions agrees with cron-parser', () => {
  for (const zone of ['UTC', 'Asia/Shanghai', 'Asia/Kolkata']) {
    it(`on random cron expressions in ${zone}`, () => {
      fc.assert(
        fc.property(cronExpression, fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }), (expression, from) => {
          let theirs: number[];
          try {
            const cron = CronExpressionParser.parse(expression, { currentDate: from, tz: zone });
            theirs = cron.take(3).map((d) => d.getTime());
          } catch {
            return; // an expression cron-parser cannot read (e.g. day 31 in February only)
          }
          expect(isoAll(nextExecutions(expression, from, zone, theirs.length))).toEqual(isoAll(theirs));
        }),
        { numRuns: 300 },
      );
    });
  }
});
