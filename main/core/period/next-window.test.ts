import { describe, expect, it } from 'vitest';
import type { Window } from './types.ts';
import { nextWindow, previousWindow } from './next-window.ts';
import { windowsBetween } from './windows-between.ts';

const at = (iso: string) => Date.parse(iso);
const show = (w: Window | null) => (w ? `${new Date(w.start).toISOString()} → ${new Date(w.end).toISOString()}` : null);
const showAll = (ws: Window[]) => ws.map(show);
const SH = 'Asia/Shanghai';
const NY = 'America/New_York';

describe('nextWindow / previousWindow', () => {
  it('gives the seed daily window 08:20 to 20:30 (through 20:30:59) in Shanghai', () => {
    // 2026-03-04 10:00 Shanghai is inside today's window.
    expect(show(nextWindow('* 20-30 8-20 * * ? 31', at('2026-03-04T02:00:00Z'), SH))).toBe(
      '2026-03-04T00:20:00.000Z → 2026-03-04T12:31:00.000Z',
    );
    // 21:00 Shanghai: the next one is tomorrow's; the previous one today's.
    expect(show(nextWindow('* 20-30 8-20 * * ? 31', at('2026-03-04T13:00:00Z'), SH))).toBe(
      '2026-03-05T00:20:00.000Z → 2026-03-05T12:31:00.000Z',
    );
    expect(show(previousWindow('* 20-30 8-20 * * ? 31', at('2026-03-04T13:00:00Z'), SH))).toBe(
      '2026-03-04T00:20:00.000Z → 2026-03-04T12:31:00.000Z',
    );
  });

  it('gives whole Mondays and Wednesdays for the seed weekly period', () => {
    // Thursday 2026-03-05: next is Monday 9th, previous Wednesday 4th.
    expect(show(nextWindow('* * * * * 1,3 * 32', at('2026-03-05T04:00:00Z'), SH))).toBe(
      '2026-03-08T16:00:00.000Z → 2026-03-09T16:00:00.000Z',
    );
    expect(show(previousWindow('* * * * * 1,3 * 32', at('2026-03-05T04:00:00Z'), SH))).toBe(
      '2026-03-03T16:00:00.000Z → 2026-03-04T16:00:00.000Z',
    );
  });

  it('gives the seed fixed period as two whole days', () => {
    const fixed = '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2';
    expect(show(nextWindow(fixed, at('2019-01-01T00:00:00Z'), SH))).toBe('2019-04-23T16:00:00.000Z → 2019-04-25T16:00:00.000Z');
    expect(nextWindow(fixed, at('2019-04-25T16:00:00Z'), SH)).toBeNull();
    expect(show(previousWindow(fixed, at('2026-01-01T00:00:00Z'), SH))).toBe('2019-04-23T16:00:00.000Z → 2019-04-25T16:00:00.000Z');
    expect(previousWindow(fixed, at('2019-04-23T15:59:59Z'), SH)).toBeNull();
  });

  it('joins touching days into one window', () => {
    // Monday and Tuesday, all day, make one two-day window.
    expect(show(nextWindow('* * * * * 1,2 * 32', at('2026-03-05T00:00:00Z'), 'UTC'))).toBe(
      '2026-03-09T00:00:00.000Z → 2026-03-11T00:00:00.000Z',
    );
    // Always open: one window over the searchable years.
    expect(show(nextWindow('* * 10-9 * * ? * 31', at('2026-03-05T00:00:00Z'), 'UTC'))).toBe(
      '1970-01-01T00:00:00.000Z → 2100-01-01T00:00:00.000Z',
    );
    expect(show(nextWindow('* * * * * ? * 31', at('2026-03-05T00:00:00Z'), 'UTC'))).toBe(
      '1970-01-01T00:00:00.000Z → 2100-01-01T00:00:00.000Z',
    );
  });

  it('runs weekly, monthly and yearly spans continuously', () => {
    expect(show(nextWindow('* * 18-22 * * 5-0 * 32', at('2026-03-04T00:00:00Z'), 'UTC'))).toBe(
      '2026-03-06T18:00:00.000Z → 2026-03-08T23:00:00.000Z',
    );
    expect(show(nextWindow('* * * 25-5 * * * 33', at('2026-01-10T00:00:00Z'), 'UTC'))).toBe(
      '2026-01-25T00:00:00.000Z → 2026-02-06T00:00:00.000Z',
    );
    expect(show(nextWindow('* * * 20-L 2 * * 33', at('2028-01-10T00:00:00Z'), 'UTC'))).toBe(
      '2028-02-20T00:00:00.000Z → 2028-03-01T00:00:00.000Z',
    );
    expect(show(nextWindow('* * * 24-2 12-1 * * 34', at('2026-06-01T00:00:00Z'), 'UTC'))).toBe(
      '2026-12-24T00:00:00.000Z → 2027-01-03T00:00:00.000Z',
    );
    expect(show(nextWindow('* * * 29 2 * * 34', at('2026-06-01T00:00:00Z'), 'UTC'))).toBe(
      '2028-02-29T00:00:00.000Z → 2028-03-01T00:00:00.000Z',
    );
  });

  it('gives the runs of seconds of a point-in-time expression', () => {
    expect(show(nextWindow('0 0 9 * * *', at('2026-03-04T00:00:00Z'), 'UTC'))).toBe(
      '2026-03-04T09:00:00.000Z → 2026-03-04T09:00:01.000Z',
    );
    expect(show(nextWindow('* * 9-17 * * 1-5', at('2026-03-07T00:00:00Z'), 'UTC'))).toBe(
      '2026-03-09T09:00:00.000Z → 2026-03-09T18:00:00.000Z',
    );
  });
});

describe('windows and DST', () => {
  it('shortens a window that crosses the spring-forward gap (New York)', () => {
    // Daily 01:00-02:30: on 2026-03-08 the clock jumps 02:00 EST -> 03:00 EDT, so it ends at the jump.
    expect(showAll(windowsBetween('0 0-30 1-2 * * ? * 31', at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'), NY))).toEqual([
      '2026-03-08T06:00:00.000Z → 2026-03-08T07:00:00.000Z',
    ]);
  });

  it('opens a window starting in the gap at the jump', () => {
    // Daily 02:30-04:00 opens at 03:00 EDT on the spring-forward day.
    expect(show(nextWindow('0-59 30-59 2-3 * * ? * 31', at('2026-03-08T05:00:00Z'), NY))).toBe(
      '2026-03-08T07:00:00.000Z → 2026-03-08T08:00:00.000Z',
    );
  });

  it('skips a window that lies wholly in the gap', () => {
    // Daily 02:10-02:50 does not happen on 2026-03-08.
    expect(showAll(windowsBetween('* 10-49 2-2 * * ? * 31', at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z'), NY))).toEqual([
      '2026-03-09T06:10:00.000Z → 2026-03-09T06:50:00.000Z',
    ]);
  });

  it('joins windows the gap brings together', () => {
    // Hours 0-1 and 3 meet at 03:00 EDT when 02:00-03:00 is skipped.
    expect(showAll(windowsBetween('* * 0-1,3 * * *', at('2026-03-08T04:00:00Z'), at('2026-03-08T12:00:00Z'), NY))).toEqual([
      '2026-03-08T05:00:00.000Z → 2026-03-08T08:00:00.000Z',
    ]);
  });

  it('lengthens a window that covers the repeated hour (fall-back)', () => {
    // Daily 00:00-03:00 on 2026-11-01 lasts four hours.
    const [w] = windowsBetween('* * 0-2 * * ? * 31', at('2026-11-01T03:00:00Z'), at('2026-11-01T12:00:00Z'), NY);
    expect(show(w ?? null)).toBe('2026-11-01T04:00:00.000Z → 2026-11-01T08:00:00.000Z');
  });

  it('reads wall times: a window ending inside the repeated hour comes back for its second showing', () => {
    // 01:30-02:30 wall time: 01:30-02:00 EDT, then (after 01:00-01:30 EST, outside) 01:30-02:30 EST.
    expect(showAll(windowsBetween('* 30-29 1-2 * * ? * 31', at('2026-11-01T04:00:00Z'), at('2026-11-01T12:00:00Z'), NY))).toEqual([
      '2026-11-01T05:30:00.000Z → 2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z → 2026-11-01T07:30:00.000Z',
    ]);
  });

  it('joins pieces of different days that meet at the fall-back', () => {
    // Daily 01:02 to 01:00:59 the next day: at 02:00 EDT the clock falls back to 01:00 EST,
    // leaving today's window (started 01:02 EDT) for the tail of yesterday's, without a break.
    const e = '* 2-0 1-1 * * ? * 31';
    expect(show(nextWindow(e, at('2026-11-01T06:00:00Z'), NY))).toBe('2026-11-01T05:02:00.000Z → 2026-11-01T06:01:00.000Z');
    expect(show(previousWindow(e, at('2026-11-01T06:00:30Z'), NY))).toBe('2026-11-01T05:02:00.000Z → 2026-11-01T06:01:00.000Z');
    expect(show(nextWindow(e, at('2026-11-01T06:01:00Z'), NY))).toBe('2026-11-01T06:02:00.000Z → 2026-11-02T06:01:00.000Z');
  });

  it('handles London the same way', () => {
    const london = 'Europe/London';
    // 2026-03-29 01:00 GMT -> 02:00 BST: a 00:30-01:30 window ends at the jump.
    expect(showAll(windowsBetween('* 30-29 0-1 * * ? * 31', at('2026-03-29T00:00:00Z'), at('2026-03-29T12:00:00Z'), london))).toEqual([
      '2026-03-29T00:30:00.000Z → 2026-03-29T01:00:00.000Z',
    ]);
    // 2026-10-25 02:00 BST -> 01:00 GMT: a whole day lasts 25 hours.
    expect(show(nextWindow('* * * * * 0 * 32', at('2026-10-24T12:00:00Z'), london))).toBe(
      '2026-10-24T23:00:00.000Z → 2026-10-26T00:00:00.000Z',
    );
  });

  it('orders windows by real time inside the repeated hour', () => {
    // Wall windows 01:10-01:20 and 01:40-01:50 both happen twice on the fall-back day.
    const e = '* 10-19,40-49 1 * * *';
    expect(show(nextWindow(e, at('2026-11-01T05:30:00Z'), NY))).toBe('2026-11-01T05:40:00.000Z → 2026-11-01T05:50:00.000Z');
    expect(show(nextWindow(e, at('2026-11-01T05:55:00Z'), NY))).toBe('2026-11-01T06:10:00.000Z → 2026-11-01T06:20:00.000Z');
    expect(show(previousWindow(e, at('2026-11-01T06:05:00Z'), NY))).toBe('2026-11-01T05:40:00.000Z → 2026-11-01T05:50:00.000Z');
    expect(show(previousWindow(e, at('2026-11-01T06:45:00Z'), NY))).toBe('2026-11-01T06:40:00.000Z → 2026-11-01T06:50:00.000Z');
  });
});

describe('windowsBetween', () => {
  it('lists the windows overlapping a range, unclipped, in order', () => {
    expect(showAll(windowsBetween('* 20-30 8-20 * * ? 31', at('2026-03-04T06:00:00Z'), at('2026-03-06T00:00:00Z'), SH))).toEqual([
      '2026-03-04T00:20:00.000Z → 2026-03-04T12:31:00.000Z',
      '2026-03-05T00:20:00.000Z → 2026-03-05T12:31:00.000Z',
    ]);
  });

  it('stops at the limit', () => {
    expect(windowsBetween('0 0 * * * *', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'UTC', 5)).toHaveLength(5);
  });
});
