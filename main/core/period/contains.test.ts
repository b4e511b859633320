import { describe, expect, it } from 'vitest';
import { contains } from './contains.ts';

const at = (iso: string) => Date.parse(iso);
const SH = 'Asia/Shanghai';

describe('contains', () => {
  it('reads the seed weekly period in the store zone', () => {
    // Monday 2026-03-09 00:00 Shanghai is Sunday 16:00 UTC.
    expect(contains('* * * * * 1,3 * 32', at('2026-03-08T16:00:00Z'), SH)).toBe(true);
    expect(contains('* * * * * 1,3 * 32', at('2026-03-08T15:59:59Z'), SH)).toBe(false);
    expect(contains('* * * * * 1,3 * 32', at('2026-03-08T16:00:00Z'), 'UTC')).toBe(false);
    // Tuesday 2026-03-10 in Shanghai (02:00 UTC) is out; Wednesday 2026-03-11 is in.
    expect(contains('* * * * * 1,3 * 32', at('2026-03-10T02:00:00Z'), SH)).toBe(false);
    expect(contains('* * * * * 1,3 * 32', at('2026-03-11T02:00:00Z'), SH)).toBe(true);
  });

  it('reads the seed daily window through 20:30:59', () => {
    const daily = '* 20-30 8-20 * * ? 31';
    expect(contains(daily, at('2026-03-04T00:19:59Z'), SH)).toBe(false);
    expect(contains(daily, at('2026-03-04T00:20:00Z'), SH)).toBe(true);
    expect(contains(daily, at('2026-03-04T12:30:59Z'), SH)).toBe(true);
    expect(contains(daily, at('2026-03-04T12:31:00Z'), SH)).toBe(false);
  });

  it('reads the seed fixed period as the whole of both days', () => {
    const fixed = '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2';
    expect(contains(fixed, at('2019-04-23T15:59:59Z'), SH)).toBe(false);
    expect(contains(fixed, at('2019-04-23T16:00:00Z'), SH)).toBe(true);
    expect(contains(fixed, at('2019-04-25T15:59:59Z'), SH)).toBe(true);
    expect(contains(fixed, at('2019-04-25T16:00:00Z'), SH)).toBe(false);
  });

  it('reads a point-in-time expression to the second', () => {
    expect(contains('0 0 9 * * 1,3', at('2026-03-09T01:00:00.500Z'), SH)).toBe(true);
    expect(contains('0 0 9 * * 1,3', at('2026-03-09T01:00:01Z'), SH)).toBe(false);
  });

  it('uses the wall clock across DST', () => {
    const ny = 'America/New_York';
    // 02:30 never shows on 2026-03-08, so a 02:00-02:59 window contains nothing that day.
    expect(contains('* * 2-2 * * ? * 31', at('2026-03-08T07:30:00Z'), ny)).toBe(false);
    // 01:30 shows twice on 2026-11-01: both are inside a 01:00-01:59 window.
    expect(contains('* * 1-1 * * ? * 31', at('2026-11-01T05:30:00Z'), ny)).toBe(true);
    expect(contains('* * 1-1 * * ? * 31', at('2026-11-01T06:30:00Z'), ny)).toBe(true);
  });
});
