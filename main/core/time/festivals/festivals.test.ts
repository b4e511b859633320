import { describe, expect, it } from 'vitest';
import { CampaignError } from '../../errors/campaign-error.ts';
import { parse } from '../../period/parse.ts';
import {
  FESTIVALS,
  festivalDate,
  festivalName,
  festivalPeriodExpression,
  festivalsInYear,
  festivalsOn,
  nextFestivalDate,
} from './festivals.ts';

describe('festivals', () => {
  it('puts the Spring Festival on the right dates 2025-2030', () => {
    expect([2025, 2026, 2027, 2028, 2029, 2030].map((y) => festivalDate('spring-festival', y))).toEqual([
      '2025-01-29',
      '2026-02-17',
      '2027-02-06',
      '2028-01-26',
      '2029-02-13',
      '2030-02-03',
    ]);
  });

  it('puts the Mid-Autumn Festival on the right dates 2025-2030', () => {
    expect([2025, 2026, 2027, 2028, 2029, 2030].map((y) => festivalDate('mid-autumn-festival', y))).toEqual([
      '2025-10-06',
      '2026-09-25',
      '2027-09-15',
      '2028-10-03',
      '2029-09-22',
      '2030-09-12',
    ]);
  });

  it('resolves the other lunar festivals (2026)', () => {
    expect(festivalDate('lunar-new-years-eve', 2026)).toBe('2026-02-16');
    expect(festivalDate('lunar-new-years-eve', 2025)).toBe('2025-01-28');
    expect(festivalDate('lantern-festival', 2026)).toBe('2026-03-03');
    expect(festivalDate('dragon-boat-festival', 2026)).toBe('2026-06-19');
    expect(festivalDate('qixi', 2026)).toBe('2026-08-19');
    expect(festivalDate('double-ninth-festival', 2026)).toBe('2026-10-18');
  });

  it('moves Mother’s and Father’s Day with the weekday', () => {
    expect(['2025', '2026', '2027'].map((y) => festivalDate('mothers-day', Number(y)))).toEqual(['2025-05-11', '2026-05-10', '2027-05-09']);
    expect(['2025', '2026', '2027'].map((y) => festivalDate('fathers-day', Number(y)))).toEqual(['2025-06-15', '2026-06-21', '2027-06-20']);
  });

  it('has the fixed Gregorian and commerce days', () => {
    expect(['new-year', 'valentines-day', 'womens-day', 'christmas', '618', 'double-11', 'double-12'].map((id) => festivalDate(id, 2026))).toEqual([
      '2026-01-01',
      '2026-02-14',
      '2026-03-08',
      '2026-12-25',
      '2026-06-18',
      '2026-11-11',
      '2026-12-12',
    ]);
  });

  it('covers every year from 1900 to 2100 with one date per festival in that year', () => {
    for (let year = 1900; year <= 2100; year++) {
      const dates = festivalsInYear(year);
      expect(dates).toHaveLength(FESTIVALS.length);
      for (const { date } of dates) expect(date.startsWith(String(year))).toBe(true);
    }
  });

  it('lists festivals by date and finds the next one', () => {
    expect(festivalsOn('2026-02-17')).toEqual(['spring-festival']);
    expect(festivalsOn('2026-02-18')).toEqual([]);
    expect(nextFestivalDate('mid-autumn-festival', '2026-09-26')).toBe('2027-09-15');
    expect(nextFestivalDate('mid-autumn-festival', '2026-09-25')).toBe('2026-09-25');
    expect(festivalsInYear(2026)[0]).toEqual({ id: 'new-year', date: '2026-01-01' });
  });

  it('names festivals in both languages', () => {
    expect(festivalName('mid-autumn-festival', 'zh-CN')).toBe('中秋节');
    expect(festivalName('mid-autumn-festival', 'en')).toBe('Mid-Autumn Festival');
  });

  it('turns a festival into a fixed period expression', () => {
    const expression = festivalPeriodExpression('mid-autumn-festival', 2026, 1, 1);
    expect(expression).toBe('0-0 0-0 0-0 24-26 9-9 * 2026-2026 2');
    expect(parse(expression).kind).toBe('fixed');
    expect(festivalPeriodExpression('new-year', 2027, 2, 0)).toBe('0-0 0-0 0-0 30-1 12-1 * 2026-2027 2');
  });

  it('rejects unknown festivals and years outside 1900-2100', () => {
    expect(() => festivalDate('halloween', 2026)).toThrow(CampaignError);
    try {
      festivalDate('spring-festival', 2101);
    } catch (error) {
      expect((error as CampaignError).code).toBe('TM_YEAR_OUT_OF_RANGE');
      expect((error as CampaignError).params).toEqual({ year: 2101, min: 1900, max: 2100 });
    }
    try {
      festivalDate('halloween', 2026);
    } catch (error) {
      expect((error as CampaignError).code).toBe('TM_UNKNOWN_FESTIVAL');
    }
  });
});
