import { DAY_MS } from '../period/calendar.ts';
import type { FrequencyCap } from './plan.ts';

/**
 * Whether one more marketing message may go to a customer on a channel, given the instants
 * of the ones already sent there (any plan): at most `cap.max` in any rolling `cap.days`.
 */
export function withinFrequencyCap(cap: FrequencyCap | null | undefined, sentAt: readonly number[], now: number): boolean {
  if (!cap) return true;
  const since = now - cap.days * DAY_MS;
  let n = 0;
  for (const at of sentAt) if (at > since) n++;
  return n < cap.max;
}
