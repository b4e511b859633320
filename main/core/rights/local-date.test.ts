import { addDays, localDateOf, localDateTimeOf, startOfLocalDate } from './local-date.ts';
import { periodOccurrence, periodWindow } from './period-key.ts';
import { validWindow } from './validity.ts';

describe('local dates in a zone', () => {
  it('finds the local date and its first instant', () => {
    expect(localDateOf(Date.UTC(2026, 2, 9, 16, 0), 'Asia/Shanghai')).toBe('2026-03-10');
    expect(localDateOf(Date.UTC(2026, 2, 9, 15, 59, 59, 999), 'Asia/Shanghai')).toBe('2026-03-09');
    expect(startOfLocalDate('2026-03-10', 'Asia/Shanghai')).toBe(Date.UTC(2026, 2, 9, 16, 0));
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('handles daylight saving time: a 23-hour and a 25-hour day in New York', () => {
    const zone = 'America/New_York';
    const mar8 = startOfLocalDate('2026-03-08', zone);
    const mar9 = startOfLocalDate('2026-03-09', zone);
    expect(mar9 - mar8).toBe(23 * 3_600_000);
    const nov1 = startOfLocalDate('2026-11-01', zone);
    const nov2 = startOfLocalDate('2026-11-02', zone);
    expect(nov2 - nov1).toBe(25 * 3_600_000);
    expect(localDateTimeOf(nov1, zone)).toBe('2026-11-01 00:00');
  });

  it('finds midnight where DST skips it (Santiago springs forward at 00:00)', () => {
    const zone = 'America/Santiago';
    const start = startOfLocalDate('2026-09-06', zone);
    expect(localDateOf(start, zone)).toBe('2026-09-06');
    expect(localDateOf(start - 1, zone)).toBe('2026-09-05');
    expect(localDateTimeOf(start, zone)).toBe('2026-09-06 01:00');
  });

  it('refuses unknown zones and bad dates', () => {
    expect(() => localDateOf(0, 'Mars/Olympus')).toThrowError(expect.objectContaining({ code: 'RT_BAD_ZONE' }));
    expect(() => startOfLocalDate('2026-02-30', 'UTC')).toThrowError(expect.objectContaining({ code: 'RT_BAD_DATE' }));
  });
});

describe('validity windows', () => {
  it('fixed dates: from the first instant of the first day to the end of the last, in the zone', () => {
    const w = validWindow({ type: 'fixed', from: '2026-03-01', to: '2026-03-31' }, 0, 'Asia/Shanghai');
    expect(new Date(w.validFrom).toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(new Date(w.expiresAt ?? 0).toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  it('N days from the grant: the grant day is day 1', () => {
    const at = Date.UTC(2026, 2, 10, 15, 0); // 23:00 in Shanghai
    const w = validWindow({ type: 'days-from-grant', days: 1 }, at, 'Asia/Shanghai');
    expect(w.validFrom).toBe(at);
    expect(localDateTimeOf(w.expiresAt ?? 0, 'Asia/Shanghai')).toBe('2026-03-11 00:00');
  });

  it('no validity: never expires', () => {
    expect(validWindow(null, 5, 'UTC')).toEqual({ validFrom: 5, expiresAt: null });
  });
});

describe('periods of periodic rights', () => {
  const zone = 'Asia/Shanghai';
  it('keys days, ISO weeks and months in the zone', () => {
    const at = Date.UTC(2026, 0, 1, 17, 0); // 2026-01-02 01:00 Shanghai, a Friday
    expect(periodWindow('day', at, zone).key).toBe('2026-01-02');
    expect(periodWindow('week', at, zone).key).toBe('2026-W01');
    expect(periodWindow('month', at, zone).key).toBe('2026-01');
    expect(periodOccurrence('month', at, zone)).toBe('month:2026-01');
    // 2027-01-01 is a Friday in ISO week 53 of 2026.
    expect(periodWindow('week', Date.UTC(2027, 0, 1, 4), zone).key).toBe('2026-W53');
    expect(periodWindow('week', Date.UTC(2025, 11, 29, 4), zone).key).toBe('2026-W01');
  });

  it('gives the bounds of the period', () => {
    const w = periodWindow('month', Date.UTC(2026, 11, 15), zone);
    expect(localDateTimeOf(w.start, zone)).toBe('2026-12-01 00:00');
    expect(localDateTimeOf(w.end, zone)).toBe('2027-01-01 00:00');
    const week = periodWindow('week', Date.UTC(2026, 2, 11, 4), zone);
    expect(localDateTimeOf(week.start, zone)).toBe('2026-03-09 00:00');
    expect(week.end - week.start).toBe(7 * 86_400_000);
  });

  it('same period, same occurrence; next period, a new one', () => {
    const a = periodOccurrence('month', Date.UTC(2026, 2, 1, 0), zone);
    const b = periodOccurrence('month', Date.UTC(2026, 2, 31, 15, 59), zone);
    const c = periodOccurrence('month', Date.UTC(2026, 2, 31, 16, 0), zone);
    expect(a).toBe(b);
    expect(c).toBe('month:2026-04');
  });
});
