import { CampaignError } from '../errors/campaign-error.ts';
import type { PlanStatus } from './plan.ts';

/** What a person can do to a plan; the scheduler's own moves are `fired` and `exhausted`. */
export type PlanCommand = 'activate' | 'pause' | 'resume' | 'cancel' | 'edit' | 'fired' | 'exhausted';

const MOVES: Record<PlanCommand, Partial<Record<PlanStatus, PlanStatus | 'same'>>> = {
  activate: { draft: 'scheduled' },
  pause: { scheduled: 'paused', active: 'paused' },
  // Resuming goes back to `scheduled`; the scheduler's next fire makes it active again.
  resume: { paused: 'scheduled' },
  cancel: { draft: 'cancelled', scheduled: 'cancelled', active: 'cancelled', paused: 'cancelled' },
  edit: { draft: 'same', scheduled: 'same', active: 'same', paused: 'same' },
  fired: { scheduled: 'active', active: 'active' },
  exhausted: { scheduled: 'completed', active: 'completed' },
};

/** Plans the scheduler looks at. */
export const FIRING_STATUSES = ['scheduled', 'active'] as const satisfies readonly PlanStatus[];

/** The status after `command`, or EN_PLAN_STATE saying why it is not possible now. */
export function nextPlanStatus(planId: string, status: PlanStatus, command: PlanCommand): PlanStatus {
  const to = MOVES[command][status];
  if (to === undefined) throw new CampaignError('EN_PLAN_STATE', { id: planId, status, action: command });
  return to === 'same' ? status : to;
}

export function canApply(status: PlanStatus, command: PlanCommand): boolean {
  return MOVES[command][status] !== undefined;
}
