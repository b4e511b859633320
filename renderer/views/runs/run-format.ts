/**
 * Display helpers of the Runs screen: progress, rates, time left and what a run may do next.
 * Pure functions of what the service sends, so they are tested without a browser.
 */
import type { ChannelView, RunCounts, RunState, RunView, ThrottleSnapshot } from './types.ts';

/** The service's "never" instant: a time at or past it (or 0) is no time at all. */
export const NEVER_MS = 9_999_999_999_999;

export function isTime(epochMs: number | null | undefined): epochMs is number {
  return typeof epochMs === 'number' && epochMs > 0 && epochMs < NEVER_MS;
}

export const FINISHED_STATES: readonly RunState[] = ['done', 'failed', 'cancelled'];
const PAUSABLE: readonly RunState[] = ['pending', 'splitting', 'running', 'waiting'];

export const isFinished = (state: RunState): boolean => FINISHED_STATES.includes(state);
export const canPause = (state: RunState): boolean => PAUSABLE.includes(state);
export const canResume = (state: RunState): boolean => state === 'paused';
export const canCancel = (state: RunState): boolean => !isFinished(state);
export const canRetry = (run: Pick<RunView, 'state' | 'counts'>): boolean => run.counts.failed > 0 && run.state !== 'cancelled';

/** Element Plus tag type of a run state. */
export function stateTagType(state: RunState): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (state) {
    case 'splitting':
    case 'running':
      return 'primary';
    case 'done':
      return 'success';
    case 'paused':
    case 'waiting':
      return 'warning';
    case 'failed':
      return 'danger';
    default:
      return 'info';
  }
}

/** Items that reached an end: done, skipped or failed. */
export function finishedItems(counts: RunCounts): number {
  return counts.done + counts.skipped + counts.failed;
}

export function remainingItems(run: Pick<RunView, 'counts'>): number {
  return Math.max(0, run.counts.total - finishedItems(run.counts));
}

const percent = (part: number, whole: number): number => Math.max(0, Math.min(100, Math.floor((part / whole) * 100)));

/** Execution progress, 0..100. */
export function executePercent(run: Pick<RunView, 'counts' | 'state'>): number {
  if (run.counts.total <= 0) return run.state === 'done' ? 100 : 0;
  return percent(finishedItems(run.counts), run.counts.total);
}

export function isSplitting(run: Pick<RunView, 'progress'>): boolean {
  return run.progress.phase === 'split';
}

/** Split progress, 0..100, or null while the audience's size is not known yet (the bar is indeterminate). */
export function splitPercent(run: Pick<RunView, 'counts' | 'progress'>): number | null {
  return run.counts.total > 0 ? percent(run.progress.split, run.counts.total) : null;
}

/**
 * Seconds left at the current rate, or null when it cannot be told (not executing, no rate
 * yet, nothing left). `budget` is the run's configured rate (see {@link configuredRate}): the
 * measured rate jumps when many items end at once (a chunk's skipped customers, sends let go
 * by a pause), and a run that sends cannot go faster than its downstream for long.
 */
export function etaSeconds(run: Pick<RunView, 'counts' | 'state' | 'progress'>, budget: number | null = null): number | null {
  const left = remainingItems(run);
  const { phase } = run.progress;
  const rate = budget !== null && budget > 0 ? Math.min(run.progress.rate, budget) : run.progress.rate;
  if (isFinished(run.state) || phase !== 'execute' || left === 0 || !(rate > 0)) return null;
  return left / rate;
}

export interface DurationParts {
  unit: 's' | 'min' | 'h';
  n: number;
  m: number;
}

/** A duration rounded up for reading: seconds under a minute, minutes under an hour, else hours and minutes. */
export function durationParts(seconds: number): DurationParts {
  if (seconds < 60) return { unit: 's', n: Math.max(1, Math.ceil(seconds)), m: 0 };
  if (seconds < 3600) return { unit: 'min', n: Math.ceil(seconds / 60), m: 0 };
  const minutes = Math.ceil(seconds / 60);
  return { unit: 'h', n: Math.floor(minutes / 60), m: minutes % 60 };
}

/** Items per second: one decimal under 10, whole numbers above. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0';
  return rate < 10 ? String(Math.round(rate * 10) / 10) : String(Math.round(rate));
}

/** The downstream throttles a run goes through: its message channels, and its plan's own budget. */
export function runDownstreams(run: Pick<RunView, 'plan' | 'planId'>, channels: readonly ChannelView[]): string[] {
  const byId = new Map(channels.map((c) => [c.id, c.downstream]));
  const names = new Set<string>();
  for (const action of run.plan.actions) if (action.type === 'message') names.add(byId.get(action.via) ?? `channel:${action.via}`);
  if (run.plan.limits.maxRate !== undefined) names.add(`plan:${run.planId}`);
  return [...names];
}

/** What bounds a run: the lowest maximum rate among its downstreams, or null when none is known yet. */
export function configuredRate(run: Pick<RunView, 'plan' | 'planId'>, throttles: readonly ThrottleSnapshot[], channels: readonly ChannelView[]): number | null {
  const rates: number[] = [];
  for (const name of runDownstreams(run, channels)) {
    const known = throttles.find((t) => t.name === name)?.maxRate ?? (name.startsWith('plan:') ? run.plan.limits.maxRate : undefined);
    if (known !== undefined) rates.push(known);
  }
  return rates.length > 0 ? Math.min(...rates) : null;
}

/** A local date and time with seconds (this computer's zone), or a dash. */
export function formatMoment(epochMs: number | null | undefined, locale: string): string {
  if (!isTime(epochMs)) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(epochMs));
}

/** A local time of day with seconds, for things that happen while one watches. */
export function formatClock(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(new Date(epochMs));
}
