import { DAY_MS, SECOND_MS } from './calendar.ts';
import type { TimeOfDay } from './types.ts';

/**
 * The occurrences of a window type in wall time, in start order. Each type compiles to one
 * of these; windows, `contains` and execution instants are all derived from it.
 */
export interface OccurrenceSource {
  /** No occurrence lasts longer than this (ms): bounds the look-back of every search. */
  readonly maxSpan: number;
  /** Every wall instant in the searchable years is covered: the period never closes. */
  readonly always: boolean;
  /**
   * Writes the first occurrence starting at or after `wall` into `out` ([start, end) wall ms)
   * and returns true; of occurrences starting together, the longest. False when there is
   * none before the end of the searchable years.
   */
  next(wall: number, out: Float64Array): boolean;
  /** True when some occurrence contains `wall`. */
  contains(wall: number): boolean;
}

/** `contains` by scanning the occurrences that can reach `wall`. */
export function containsByScan(source: OccurrenceSource, wall: number, out: Float64Array): boolean {
  let probe = wall - source.maxSpan;
  while (source.next(probe, out)) {
    const start = out[0] as number;
    if (start > wall) return false;
    if ((out[1] as number) > wall) return true;
    probe = start + 1;
  }
  return false;
}

/** Milliseconds since midnight of a time of day. */
export function timeMs(t: TimeOfDay): number {
  return ((t.hour * 60 + t.minute) * 60 + t.second) * SECOND_MS;
}

/**
 * The exclusive end, in ms after midnight, of a window whose last included second is `to`.
 * 00:00:00 is read as 24:00 (the whole last day), which is how the seed writes whole days
 * (`0-0 0-0 0-0 24-25 4-4 * 2019-2019 2` ends with the 25th).
 */
export function endMs(to: TimeOfDay): number {
  if (to.hour === 0 && to.minute === 0 && to.second === 0) return DAY_MS;
  return timeMs(to) + SECOND_MS;
}
