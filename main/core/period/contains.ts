import { compile, type PeriodInput } from './compile.ts';
import { getZone } from './zone.ts';

/**
 * True when the period contains `instant` (epoch ms) in `timeZone`: the store's wall clock at
 * that instant shows a time inside the period. Wall times the clock skips are never inside;
 * wall times it shows twice are inside both times.
 */
export function contains(period: PeriodInput, instant: number, timeZone: string): boolean {
  return compile(period).containsWall(getZone(timeZone).wallAt(instant));
}
