/**
 * Display helpers of the Plans screen: what a plan may do in its state, its tag colour, its
 * next run and the results of its runs. Pure functions of what the service sends.
 */
import { isTime } from '../runs/run-format.ts';
import type { Plan, PlanRun, PlanStatus } from './types.ts';

export type PlanCommand = 'activate' | 'pause' | 'resume' | 'cancel' | 'duplicate' | 'runNow' | 'edit';

/** Mirrors the service's plan lifecycle (main/core/plans/plan-status.ts); the service decides. */
const ALLOWED: Record<PlanCommand, readonly PlanStatus[]> = {
  activate: ['draft'],
  pause: ['scheduled', 'active'],
  resume: ['paused'],
  cancel: ['draft', 'pending-approval', 'scheduled', 'active', 'paused'],
  duplicate: ['draft', 'pending-approval', 'scheduled', 'active', 'paused', 'completed', 'cancelled'],
  runNow: ['scheduled', 'active', 'paused', 'completed'],
  edit: ['draft', 'pending-approval', 'scheduled', 'active', 'paused'],
};

export const PLAN_COMMANDS: readonly PlanCommand[] = ['activate', 'pause', 'resume', 'runNow', 'duplicate', 'cancel'];

export function canDo(status: PlanStatus, command: PlanCommand): boolean {
  return ALLOWED[command].includes(status);
}

/** The commands a plan in this state offers, in the order they are shown. */
export function commandsFor(status: PlanStatus): PlanCommand[] {
  return PLAN_COMMANDS.filter((c) => canDo(status, c));
}

export function statusTagType(status: PlanStatus): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'scheduled':
      return 'primary';
    case 'active':
      return 'success';
    case 'paused':
    case 'pending-approval':
      return 'warning';
    case 'cancelled':
      return 'danger';
    default:
      return 'info';
  }
}

/** The next time the scheduler fires the plan, or null (not scheduled, or nothing left). */
export function nextRunAt(plan: Pick<Plan, 'status' | 'nextFireAt'>): number | null {
  if (plan.status !== 'scheduled' && plan.status !== 'active') return null;
  return isTime(plan.nextFireAt) ? plan.nextFireAt : null;
}

/** A run's results for the plan's table: skipped reasons sorted by count, largest first. */
export function skippedReasons(run: Pick<PlanRun, 'skippedBy'>): [string, number][] {
  return Object.entries(run.skippedBy)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Totals over runs: customers, granted, sent, skipped, failed. */
export function runTotals(runs: readonly Pick<PlanRun, 'counts'>[]): { total: number; granted: number; sent: number; skipped: number; failed: number } {
  const out = { total: 0, granted: 0, sent: 0, skipped: 0, failed: 0 };
  for (const { counts } of runs) {
    out.total += counts.total;
    out.granted += counts.granted;
    out.sent += counts.sent;
    out.skipped += counts.skipped;
    out.failed += counts.failed;
  }
  return out;
}

/** Reads a date 'YYYY-MM-DD' of the given zone at an instant (for a new plan's "today"). */
export function dateIn(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A date and time read in a zone (a plan's store zone), e.g. "Nov 28, 2026, 10:00 AM"; a dash for none. */
export function formatInZone(epochMs: number | null, timeZone: string, locale: string): string {
  if (epochMs === null || !isTime(epochMs)) return '—';
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(epochMs));
}
