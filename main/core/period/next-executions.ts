import { compile, type PeriodInput } from './compile.ts';
import { getZone } from './zone.ts';

/**
 * The first execution instant strictly after `from` (epoch ms), or null: for type 1 the next
 * matching second, for the window types the next occurrence's opening.
 *
 * Wall times map to instants by one rule: the first instant at which the store's clock shows
 * that time or later. A time skipped by spring-forward runs at the jump (02:30 in New York on
 * its spring-forward day runs at 03:00 EDT, once); a time shown twice at fall-back runs at its
 * first showing (01:30 runs at 01:30 EDT, not again at 01:30 EST).
 */
export function nextExecution(period: PeriodInput, from: number, timeZone: string): number | null {
  const compiled = compile(period);
  const zone = getZone(timeZone);
  const wall = compiled.nextExecutionWall(zone.wallLowerBound(from));
  return Number.isNaN(wall) ? null : zone.resolve(wall);
}

/** The next `count` execution instants strictly after `from`, in order (fewer if the period ends). */
export function nextExecutions(period: PeriodInput, from: number, timeZone: string, count: number): number[] {
  const compiled = compile(period);
  const zone = getZone(timeZone);
  const out: number[] = [];
  let after = from;
  while (out.length < count) {
    const wall = compiled.nextExecutionWall(zone.wallLowerBound(after));
    if (Number.isNaN(wall)) break;
    after = zone.resolve(wall);
    out.push(after);
  }
  return out;
}
