import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import { HOUR_MS, MINUTE_MS } from './calendar.ts';
import { assertTimeZone, getZone } from './zone.ts';

const at = (iso: string) => Date.parse(iso);
/** Wall-clock milliseconds of a local reading written as ISO without offset. */
const wall = (local: string) => Date.parse(`${local}Z`);

describe('zone offsets', () => {
  it('reads fixed and DST offsets', () => {
    expect(getZone('Asia/Shanghai').offsetAt(at('2026-07-01T00:00:00Z'))).toBe(8 * HOUR_MS);
    expect(getZone('UTC').offsetAt(at('2026-07-01T00:00:00Z'))).toBe(0);
    expect(getZone('Asia/Kolkata').offsetAt(at('2026-07-01T00:00:00Z'))).toBe(5.5 * HOUR_MS);
    const ny = getZone('America/New_York');
    expect(ny.offsetAt(at('2026-01-15T12:00:00Z'))).toBe(-5 * HOUR_MS);
    expect(ny.offsetAt(at('2026-07-15T12:00:00Z'))).toBe(-4 * HOUR_MS);
  });

  it('finds the transition instant to the second', () => {
    const ny = getZone('America/New_York');
    // 2026-03-08 02:00 EST -> 03:00 EDT at 07:00Z; 2026-11-01 02:00 EDT -> 01:00 EST at 06:00Z.
    expect(ny.offsetAt(at('2026-03-08T06:59:59Z'))).toBe(-5 * HOUR_MS);
    expect(ny.offsetAt(at('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR_MS);
    expect(ny.offsetAt(at('2026-11-01T05:59:59Z'))).toBe(-4 * HOUR_MS);
    expect(ny.offsetAt(at('2026-11-01T06:00:00Z'))).toBe(-5 * HOUR_MS);
    expect(ny.isTransition(at('2026-03-08T07:00:00Z'))).toBe(true);
    expect(ny.isTransition(at('2026-11-01T06:00:00Z'))).toBe(true);
    expect(ny.isTransition(at('2026-11-01T06:00:01Z'))).toBe(false);
    // London changes at 01:00 UTC on the last Sundays of March and October.
    const london = getZone('Europe/London');
    expect(london.offsetAt(at('2026-03-29T00:59:59Z'))).toBe(0);
    expect(london.offsetAt(at('2026-03-29T01:00:00Z'))).toBe(HOUR_MS);
    expect(london.offsetAt(at('2026-10-25T01:00:00Z'))).toBe(0);
  });

  it('resolves a wall time to the first instant showing it or later', () => {
    const ny = getZone('America/New_York');
    expect(ny.resolve(wall('2026-03-07T02:30:00'))).toBe(at('2026-03-07T07:30:00Z'));
    // Skipped by spring-forward: the jump itself.
    expect(ny.resolve(wall('2026-03-08T02:30:00'))).toBe(at('2026-03-08T07:00:00Z'));
    expect(ny.resolve(wall('2026-03-08T02:00:00'))).toBe(at('2026-03-08T07:00:00Z'));
    expect(ny.resolve(wall('2026-03-08T03:00:00'))).toBe(at('2026-03-08T07:00:00Z'));
    // Shown twice at fall-back: the first showing (EDT).
    expect(ny.resolve(wall('2026-11-01T01:30:00'))).toBe(at('2026-11-01T05:30:00Z'));
    expect(ny.resolve(wall('2026-11-01T02:00:00'))).toBe(at('2026-11-01T07:00:00Z'));
  });

  it('gives the wall lower bound inside a repeated hour', () => {
    const ny = getZone('America/New_York');
    // 01:10 EST (second showing): wall times up to 02:00 already resolved to their first showing.
    expect(ny.wallLowerBound(at('2026-11-01T06:10:00Z'))).toBe(wall('2026-11-01T02:00:00'));
    // 01:10 EDT (first showing): just after now.
    expect(ny.wallLowerBound(at('2026-11-01T05:10:00Z'))).toBe(wall('2026-11-01T01:10:00') + 1);
  });

  it('knows the lowest wall reading ahead and the highest behind', () => {
    const ny = getZone('America/New_York');
    expect(ny.minWallFrom(at('2026-11-01T05:50:00Z'))).toBe(wall('2026-11-01T01:00:00'));
    expect(ny.maxWallUntil(at('2026-11-01T06:10:00Z'))).toBe(wall('2026-11-01T02:00:00') - 1);
    expect(ny.minWallFrom(at('2026-07-01T00:00:00Z'))).toBe(ny.wallAt(at('2026-07-01T00:00:00Z')));
  });

  it('walks the stretches of constant offset', () => {
    const seen: [number, number, number][] = [];
    getZone('America/New_York').forEachStretch(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'), (s, e, o) =>
      seen.push([s, e, o / HOUR_MS]),
    );
    expect(seen).toEqual([
      [at('2026-03-08T00:00:00Z'), at('2026-03-08T07:00:00Z'), -5],
      [at('2026-03-08T07:00:00Z'), at('2026-03-09T00:00:00Z'), -4],
    ]);
    // Lord Howe moves by half an hour.
    const lh = getZone('Australia/Lord_Howe');
    expect(lh.offsetAt(at('2026-07-01T00:00:00Z')) - lh.offsetAt(at('2026-01-01T00:00:00Z'))).toBe(-30 * MINUTE_MS);
  });

  it('rejects unknown zones with PE_BAD_TIME_ZONE', () => {
    expect(() => getZone('Mars/Olympus')).toThrow(CampaignError);
    try {
      assertTimeZone('Mars/Olympus');
    } catch (error) {
      expect((error as CampaignError).code).toBe('PE_BAD_TIME_ZONE');
      expect((error as CampaignError).params).toEqual({ zone: 'Mars/Olympus' });
    }
  });
});
