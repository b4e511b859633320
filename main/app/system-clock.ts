import type { Clock } from '../core/clock.ts';

/** The real clock; the only place outside tests that reads the system time for scheduling. */
export const systemClock: Clock = { now: () => Date.now() };
