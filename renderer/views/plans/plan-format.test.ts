import { describe, expect, it } from 'vitest';
import { canDo, commandsFor, dateIn, formatInZone, nextRunAt, runTotals, skippedReasons, statusTagType } from './plan-format.ts';

const counts = (n: number) => ({ total: n, done: n, granted: n, sent: n - 1, skipped: 1, failed: 0, retry: 0, waiting: 0 });

describe('plan display helpers', () => {
  it('offers what the plan lifecycle allows', () => {
    expect(commandsFor('draft')).toEqual(['activate', 'duplicate', 'cancel']);
    expect(commandsFor('scheduled')).toEqual(['pause', 'runNow', 'duplicate', 'cancel']);
    expect(commandsFor('active')).toEqual(['pause', 'runNow', 'duplicate', 'cancel']);
    expect(commandsFor('paused')).toEqual(['resume', 'runNow', 'duplicate', 'cancel']);
    expect(commandsFor('completed')).toEqual(['runNow', 'duplicate']);
    expect(commandsFor('cancelled')).toEqual(['duplicate']);
    expect(canDo('active', 'edit')).toBe(true);
    expect(canDo('completed', 'edit')).toBe(false);
    expect(statusTagType('active')).toBe('success');
    expect(statusTagType('draft')).toBe('info');
  });

  it('shows a next run only for plans the scheduler fires', () => {
    expect(nextRunAt({ status: 'scheduled', nextFireAt: 1_700_000_000_000 })).toBe(1_700_000_000_000);
    expect(nextRunAt({ status: 'paused', nextFireAt: 1_700_000_000_000 })).toBeNull();
    expect(nextRunAt({ status: 'active', nextFireAt: 9_999_999_999_999 })).toBeNull();
  });

  it('sums runs and sorts skip reasons', () => {
    expect(runTotals([{ counts: counts(10) }, { counts: counts(5) }])).toEqual({ total: 15, granted: 15, sent: 13, skipped: 2, failed: 0 });
    expect(skippedReasons({ skippedBy: { consent: 2, 'frequency-cap': 5, scheduled: 0 } })).toEqual([
      ['frequency-cap', 5],
      ['consent', 2],
    ]);
  });

  it('reads the date in a zone', () => {
    // 2026-03-01T17:00Z is already March 2 in Shanghai.
    expect(dateIn(Date.UTC(2026, 2, 1, 17), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(dateIn(Date.UTC(2026, 2, 1, 17), 'America/New_York')).toBe('2026-03-01');
  });

  it('formats instants in the store zone', () => {
    expect(formatInZone(Date.UTC(2026, 10, 28, 2), 'Asia/Shanghai', 'en')).toBe('Nov 28, 2026, 10:00 AM');
    expect(formatInZone(null, 'Asia/Shanghai', 'en')).toBe('—');
    expect(formatInZone(9_999_999_999_999, 'Asia/Shanghai', 'en')).toBe('—');
  });
});
