import { CampaignError } from '../errors/campaign-error.ts';
import { instantOfLocal, parseLocalDate } from './instant.ts';
import type { EffectiveTime } from './types.ts';

/** The instants of an effective time: [start, end), null for an open end. */
export interface InstantRange {
  start: number | null;
  end: number | null;
}

/**
 * From the first moment of the start date to the end of the end date, in the store's zone.
 * Throws TM_BAD_DATE for a malformed date and TM_BAD_RANGE when the end is before the start.
 */
export function effectiveRange(effective: EffectiveTime, timeZone: string): InstantRange {
  const startDay = effective.start ? parseLocalDate(effective.start) : null;
  const endDay = effective.end ? parseLocalDate(effective.end) : null;
  if (startDay !== null && endDay !== null && endDay < startDay) {
    throw new CampaignError('TM_BAD_RANGE', { start: effective.start ?? '', end: effective.end ?? '' });
  }
  return {
    start: startDay === null ? null : instantOfLocal(startDay, 0, timeZone),
    end: endDay === null ? null : instantOfLocal(endDay + 1, 0, timeZone),
  };
}

export function rangeContains(range: InstantRange, instant: number): boolean {
  return (range.start === null || instant >= range.start) && (range.end === null || instant < range.end);
}
