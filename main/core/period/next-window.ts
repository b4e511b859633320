import { DAY_MS, HOUR_MS } from './calendar.ts';
import { compile, type PeriodInput } from './compile.ts';
import type { OccurrenceSource } from './occurrence-source.ts';
import type { Window } from './types.ts';
import { runAfter, runAtOrBefore } from './wall-runs.ts';
import { getZone, type Zone } from './zone.ts';

// Offsets lie within -12h..+14h, so the instants showing a wall reading are this close to it.
const BEFORE = 15 * HOUR_MS;
const AFTER = 13 * HOUR_MS;

/**
 * The real-time pieces of a wall-clock run [ws, we): the instants whose wall reading lies in
 * it. Usually one piece; a run that starts or ends inside a repeated fall-back hour has two,
 * because the clock leaves the run and comes back. Writes start/end pairs into `out`.
 */
/** Appends [s, e) to a flat list of pairs, joining it to a touching predecessor. */
function pushPiece(list: number[], s: number, e: number): void {
  if (s >= e) return;
  if (list.length > 0 && list[list.length - 1] === s) list[list.length - 1] = e;
  else list.push(s, e);
}

const tail: number[] = [];

function realPieces(zone: Zone, ws: number, we: number, out: number[]): void {
  out.length = 0;
  if (we - ws <= 3 * DAY_MS) {
    const o = zone.uniformOffset(ws - BEFORE, we + AFTER);
    if (!Number.isNaN(o)) out.push(ws - o, we - o);
    else zone.forEachStretch(ws - BEFORE, we + AFTER, (a, b, offset) => pushPiece(out, Math.max(ws - offset, a), Math.min(we - offset, b)));
    return;
  }
  // A long run: only its two ends can split; everything between is inside.
  const o1 = zone.uniformOffset(ws - BEFORE, ws + AFTER);
  const o2 = zone.uniformOffset(we - BEFORE, we + AFTER);
  if (!Number.isNaN(o1) && !Number.isNaN(o2)) {
    out.push(ws - o1, we - o2);
    return;
  }
  zone.forEachStretch(ws - BEFORE, ws + AFTER, (a, b, offset) => pushPiece(out, Math.max(ws - offset, a), b));
  tail.length = 0;
  zone.forEachStretch(we - BEFORE, we + AFTER, (a, b, offset) => pushPiece(tail, a, Math.min(we - offset, b)));
  // The head's last piece runs to its look-around's end and the tail's first from its start:
  // both are the same stretch of "inside", so they join.
  out[out.length - 1] = tail[1] as number;
  for (let i = 2; i < tail.length; i++) out.push(tail[i] as number);
}

interface Cursor {
  run: Float64Array;
  pieces: number[];
}

function newCursor(): Cursor {
  return { run: new Float64Array(2), pieces: [] };
}

// Reused between calls: everything here is synchronous and never re-entered.
const mainCursor = newCursor();
const joinCursor = newCursor();

/** Loads the run after wall `wall` (end > wall) and its pieces; false if none. */
function loadAfter(source: OccurrenceSource, zone: Zone, wall: number, c: Cursor): boolean {
  if (!runAfter(source, wall, c.run)) return false;
  realPieces(zone, c.run[0] as number, c.run[1] as number, c.pieces);
  return true;
}

/** Loads the last run starting at or before `wall` and its pieces; false if none. */
function loadAtOrBefore(source: OccurrenceSource, zone: Zone, wall: number, c: Cursor): boolean {
  if (!runAtOrBefore(source, wall, c.run)) return false;
  realPieces(zone, c.run[0] as number, c.run[1] as number, c.pieces);
  return true;
}

/**
 * Different wall runs meet in real time only across a spring-forward gap (the skipped wall
 * times between them never happen); joins such neighbours into one window.
 */
function joinAcrossGaps(source: OccurrenceSource, zone: Zone, window: Window, runStart: number, runEnd: number): Window {
  const c = joinCursor;
  let end = window.end;
  let wall = runEnd;
  while (zone.isGapStart(end) && loadAfter(source, zone, wall, c) && c.pieces[0] === end) {
    end = c.pieces[1] as number;
    if (c.pieces.length > 2) break;
    wall = c.run[1] as number;
  }
  let start = window.start;
  wall = runStart;
  while (zone.isGapStart(start) && loadAtOrBefore(source, zone, wall - 1, c) && c.pieces[c.pieces.length - 1] === start) {
    start = c.pieces[c.pieces.length - 2] as number;
    if (c.pieces.length > 2) break;
    wall = c.run[0] as number;
  }
  return { start, end };
}

/**
 * The window in effect at `from`, else the next one to open; null if none opens before the
 * end of 2099. A window is a maximal stretch of instants the period contains, so touching
 * occurrences (Monday and Tuesday, all day) make one window.
 */
export function nextWindow(period: PeriodInput, from: number, timeZone: string): Window | null {
  const source = compile(period).occurrences;
  const zone = getZone(timeZone);
  const c = mainCursor;
  // No wall reading from `from` on is below this (it is lower just before a fall-back).
  let wall = zone.minWallFrom(from);
  let best: Window | null = null;
  let bestRunStart = 0;
  let bestRunEnd = 0;
  for (;;) {
    if (!loadAfter(source, zone, wall, c)) break;
    const runStart = c.run[0] as number;
    // Wall order is real order unless the clock falls back in between.
    if (best && (!Number.isNaN(zone.uniformOffset(from, best.start)) || zone.resolve(runStart) >= best.start)) break;
    for (let i = 0; i < c.pieces.length; i += 2) {
      const end = c.pieces[i + 1] as number;
      const start = c.pieces[i] as number;
      if (end > from) {
        if (!best || start < best.start) {
          best = { start, end };
          bestRunStart = runStart;
          bestRunEnd = c.run[1] as number;
        }
        break;
      }
    }
    wall = c.run[1] as number;
  }
  return best && joinAcrossGaps(source, zone, best, bestRunStart, bestRunEnd);
}

/** The window in effect at `from`, else the last one before it; null if none since 1970. */
export function previousWindow(period: PeriodInput, from: number, timeZone: string): Window | null {
  const source = compile(period).occurrences;
  const zone = getZone(timeZone);
  const c = mainCursor;
  // No wall reading up to `from` is above this (it is higher just after a fall-back).
  let wall = zone.maxWallUntil(from);
  let best: Window | null = null;
  let bestRunStart = 0;
  let bestRunEnd = 0;
  for (;;) {
    if (!loadAtOrBefore(source, zone, wall, c)) break;
    const runEnd = c.run[1] as number;
    // Wall order is real order unless the clock falls back in between.
    if (best && (!Number.isNaN(zone.uniformOffset(best.start, from)) || runEnd <= zone.minWallFrom(best.start))) break;
    for (let i = c.pieces.length - 2; i >= 0; i -= 2) {
      const start = c.pieces[i] as number;
      if (start <= from) {
        if (!best || start > best.start) {
          best = { start, end: c.pieces[i + 1] as number };
          bestRunStart = c.run[0] as number;
          bestRunEnd = runEnd;
        }
        break;
      }
    }
    wall = (c.run[0] as number) - 1;
  }
  return best && joinAcrossGaps(source, zone, best, bestRunStart, bestRunEnd);
}
