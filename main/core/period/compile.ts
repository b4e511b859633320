import { DAY_MS } from './calendar.ts';
import { DayMatcher } from './day-filter.ts';
import { endMs, timeMs, type OccurrenceSource } from './occurrence-source.ts';
import { parse } from './parse.ts';
import { PointInTime } from './point-in-time.ts';
import { DailySource } from './source-daily.ts';
import { FixedSource } from './source-fixed.ts';
import { MonthlySource } from './source-monthly.ts';
import { WeeklySource } from './source-weekly.ts';
import { YearlySource } from './source-yearly.ts';
import type { PeriodExpression } from './types.ts';

/**
 * A period expression compiled for evaluation: lookup tables and occurrence generators built
 * once, so each operation is arithmetic on wall-clock milliseconds. Not plain JSON: keep it
 * in memory, pass the expression (string or `PeriodExpression`) across boundaries.
 */
export interface CompiledPeriod {
  readonly expression: PeriodExpression;
  /** The occurrences (windows before merging) in wall time. */
  readonly occurrences: OccurrenceSource;
  /** True when the wall-clock reading `wall` is inside the period. */
  containsWall(wall: number): boolean;
  /**
   * The wall time of the first execution at or after `wall`, or NaN: the next matching second
   * for type 1, the next occurrence start for the window types.
   */
  nextExecutionWall(wall: number): number;
}

class PointCompiled implements CompiledPeriod {
  private source: DailySource | null = null;
  private readonly point: PointInTime;

  constructor(readonly expression: PeriodExpression & { kind: 'point' }) {
    this.point = new PointInTime(expression.second, expression.minute, expression.hour, new DayMatcher(expression.days));
  }

  get occurrences(): OccurrenceSource {
    // Windows of a cron set are its runs of seconds; the interval table is built on demand.
    if (!this.source) {
      const { starts, ends } = this.point.timeIntervals();
      this.source = new DailySource(this.point.days, starts, ends);
    }
    return this.source;
  }

  containsWall(wall: number): boolean {
    return this.point.containsWall(wall);
  }

  nextExecutionWall(wall: number): number {
    return this.point.nextWall(wall);
  }
}

class WindowCompiled implements CompiledPeriod {
  private readonly scratch = new Float64Array(2);

  constructor(
    readonly expression: PeriodExpression,
    readonly occurrences: OccurrenceSource,
  ) {}

  containsWall(wall: number): boolean {
    return this.occurrences.contains(wall);
  }

  nextExecutionWall(wall: number): number {
    return this.occurrences.next(wall, this.scratch) ? (this.scratch[0] as number) : Number.NaN;
  }
}

function build(expression: PeriodExpression): CompiledPeriod {
  switch (expression.kind) {
    case 'point':
      return new PointCompiled(expression);
    case 'fixed':
      return new WindowCompiled(expression, new FixedSource(expression));
    case 'daily': {
      const start = timeMs(expression.from);
      let end = endMs(expression.to);
      if (end <= start) end += DAY_MS; // past midnight
      const source = new DailySource(new DayMatcher(expression.days), Float64Array.of(start), Float64Array.of(end));
      return new WindowCompiled(expression, source);
    }
    case 'weekly':
      return new WindowCompiled(expression, new WeeklySource(expression));
    case 'monthly':
      return new WindowCompiled(expression, new MonthlySource(expression));
    case 'yearly':
      return new WindowCompiled(expression, new YearlySource(expression));
  }
}

const byText = new Map<string, CompiledPeriod>();
const byValue = new WeakMap<PeriodExpression, CompiledPeriod>();
const TEXT_CACHE_LIMIT = 500;

/** What the operations accept: the text, its parsed value, or an already compiled period. */
export type PeriodInput = string | PeriodExpression | CompiledPeriod;

function isCompiled(input: PeriodInput): input is CompiledPeriod {
  return typeof input === 'object' && 'nextExecutionWall' in input;
}

/**
 * Compiles an expression (parsing it first when given text). Results are cached by text and
 * by value, so repeated calls with the same expression cost a map lookup.
 */
export function compile(input: PeriodInput): CompiledPeriod {
  if (typeof input !== 'string') {
    if (isCompiled(input)) return input;
    let compiled = byValue.get(input);
    if (!compiled) {
      compiled = build(input);
      byValue.set(input, compiled);
    }
    return compiled;
  }
  let compiled = byText.get(input);
  if (!compiled) {
    compiled = build(parse(input));
    // A bounded memo, not a store: drop everything when full rather than track recency.
    if (byText.size >= TEXT_CACHE_LIMIT) byText.clear();
    byText.set(input, compiled);
  }
  return compiled;
}
