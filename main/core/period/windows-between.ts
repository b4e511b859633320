import { compile, type PeriodInput } from './compile.ts';
import { nextWindow } from './next-window.ts';
import type { Window } from './types.ts';

/** Windows overlapping [from, to), in order, unclipped; at most `limit` (default 1000). */
export function windowsBetween(period: PeriodInput, from: number, to: number, timeZone: string, limit = 1000): Window[] {
  const compiled = compile(period);
  const out: Window[] = [];
  let cursor = from;
  while (out.length < limit) {
    const window = nextWindow(compiled, cursor, timeZone);
    if (!window || window.start >= to) break;
    out.push(window);
    cursor = window.end;
  }
  return out;
}
