import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import { formatInstant, parseInstant, parseLocalDate, formatLocalDate, readTimeOfDay } from './instant.ts';

describe('instants', () => {
  it('reads ISO 8601 with and without an offset', () => {
    expect(parseInstant('2026-03-08T09:00:00Z', 'Asia/Shanghai')).toBe(Date.parse('2026-03-08T09:00:00Z'));
    expect(parseInstant('2026-03-08T09:00:00+08:00', 'UTC')).toBe(Date.parse('2026-03-08T01:00:00Z'));
    expect(parseInstant('2026-03-08T09:00', 'Asia/Shanghai')).toBe(Date.parse('2026-03-08T01:00:00Z'));
    expect(parseInstant('2026-03-08', 'Asia/Shanghai')).toBe(Date.parse('2026-03-07T16:00:00Z'));
    expect(parseInstant('2026-03-08 09:00:00.250', 'UTC')).toBe(Date.parse('2026-03-08T09:00:00.250Z'));
  });

  it('reads a local time the clock skips or repeats by the DST rule', () => {
    expect(parseInstant('2026-03-08T02:30', 'America/New_York')).toBe(Date.parse('2026-03-08T07:00:00Z'));
    expect(parseInstant('2026-11-01T01:30', 'America/New_York')).toBe(Date.parse('2026-11-01T05:30:00Z'));
  });

  it('rejects what is not a date-time', () => {
    for (const text of ['tomorrow', '2026-02-30', '2026-13-01T00:00', '2026-03-08T24:00', '']) {
      expect(() => parseInstant(text, 'UTC'), text).toThrow(CampaignError);
    }
    try {
      parseInstant('tomorrow', 'UTC');
    } catch (error) {
      expect((error as CampaignError).code).toBe('TM_BAD_INSTANT');
    }
  });

  it('writes local ISO 8601 with the offset', () => {
    expect(formatInstant(Date.parse('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
    expect(formatInstant(Date.parse('2026-03-08T01:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-08T09:00:00+08:00');
    expect(formatInstant(Date.parse('2026-03-08T01:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-08T06:30:00+05:30');
  });

  it('reads dates and times of day', () => {
    expect(formatLocalDate(parseLocalDate('2028-02-29'))).toBe('2028-02-29');
    expect(() => parseLocalDate('2026-02-29')).toThrow(CampaignError);
    expect(readTimeOfDay('09:30')).toBe(34_200_000);
    expect(readTimeOfDay('9:30')).toBeNull();
  });
});
