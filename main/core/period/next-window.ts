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

/** Index of the piece starting (or ending) exactly at `at`, or -1. */
function pieceAt(pieces: number[], at: number, side: 0 | 1): number {
  for (let i = side; i < pieces.length; i += 2) if (pieces[i] === at) return i - side;
  return -1;
}

/**
 * Different wall runs can meet in real time only where the offset changes: across a
 * spring-forward gap (the skipped wall times between them never happen), or at a fall-back
 * (the clock leaves one run and lands in an earlier one). Joins such neighbours into one window.
 */
function joinAtTransitions(source: OccurrenceSource, zone: Zone, window: Window): Window {
  const c = joinCursor;
  let { start, end } = window;
  for (let guard = 0; guard < 8 && zone.isTransition(end); guard++) {
    const wall = zone.wallAt(end);
    if (!source.contains(wall) || !loadAfter(source, zone, wall, c)) break;
    const i = pieceAt(c.pieces, end, 0);
    if (i < 0) break;
    end = c.pieces[i + 1] as number;
  }
  for (let guard = 0; guard < 8 && zone.isTransition(start); guard++) {
    const wall = zone.wallAt(start - 1);
    if (!source.contains(wall) || !loadAtOrBefore(source, zone, wall, c)) break;
    const i = pieceAt(c.pieces, start, 1);
    if (i < 0) break;
    start = c.pieces[i] as number;
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
        }
        break;
      }
    }
    wall = c.run[1] as number;
  }
  return best && joinAtTransitions(source, zone, best);
}

/** The window in effect at `from`, else the last one before it; null if none since 1970. */
export function previousWindow(period: PeriodInput, from: number, timeZone: string): Window | null {
  const source = compile(period).occurrences;
  const zone = getZone(timeZone);
  const c = mainCursor;
  // No wall reading up to `from` is above this (it is higher just after a fall-back).
  let wall = zone.maxWallUntil(from);
  let best: Window | null = null;
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
        }
        break;
      }
    }
    wall = (c.run[0] as number) - 1;
  }
  return best && joinAtTransitions(source, zone, best);
}
