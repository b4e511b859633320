import { DAY_MS, WALL_MAX, WALL_MIN } from './calendar.ts';
import type { OccurrenceSource } from './occurrence-source.ts';

// Reused buffers: every function here is synchronous and non-reentrant.
const occ = new Float64Array(2);
const tmp = new Float64Array(2);

/**
 * Writes into `out` the maximal run of touching or overlapping occurrences whose end is after
 * `wall` (the run containing `wall`, else the next one), in wall time. False if none.
 */
export function runAfter(source: OccurrenceSource, wall: number, out: Float64Array): boolean {
  if (source.always) {
    out[0] = WALL_MIN;
    out[1] = WALL_MAX;
    return wall < WALL_MAX;
  }
  let probe = wall - source.maxSpan;
  let start = Number.NaN;
  let end = Number.NaN;
  while (source.next(probe, occ)) {
    const s = occ[0] as number;
    const e = occ[1] as number;
    if (Number.isNaN(start)) {
      start = s;
      end = e;
    } else if (s <= end) {
      if (e > end) end = e;
    } else {
      if (end > wall) break;
      start = s;
      end = e;
    }
    probe = s + 1;
  }
  if (Number.isNaN(start) || end <= wall) return false;
  out[0] = extendBack(source, start);
  out[1] = end;
  return true;
}

/** Earlier occurrences that reach `start` belong to the same run. */
function extendBack(source: OccurrenceSource, start: number): number {
  for (;;) {
    let probe = start - source.maxSpan;
    let earliest = start;
    while (probe < start && source.next(probe, occ) && (occ[0] as number) < start) {
      if ((occ[1] as number) >= start && (occ[0] as number) < earliest) earliest = occ[0] as number;
      probe = (occ[0] as number) + 1;
    }
    if (earliest === start || earliest <= WALL_MIN) return earliest;
    start = earliest;
  }
}

/** Writes into `out` the last run starting at or before `wall`. False if none. */
export function runAtOrBefore(source: OccurrenceSource, wall: number, out: Float64Array): boolean {
  if (runAfter(source, wall, out) && (out[0] as number) <= wall) return true;
  if (source.always) return false;
  // No run contains `wall`: look back in doubling steps for the last one before it.
  for (let step = Math.max(source.maxSpan, DAY_MS) * 2; wall - step >= WALL_MIN - step; step *= 2) {
    let found = false;
    let probe = wall - step;
    while (runAfter(source, probe, tmp) && (tmp[0] as number) <= wall) {
      out[0] = tmp[0] as number;
      out[1] = tmp[1] as number;
      found = true;
      probe = tmp[1] as number;
    }
    if (found) return true;
    if (wall - step < WALL_MIN) break;
  }
  return false;
}
