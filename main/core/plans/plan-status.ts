import { CampaignError } from '../errors/campaign-error.ts';
import type { PlanStateAction, PlanStateStatus } from '../i18n/locales/engine.ts';
import type { PlanStatus } from './plan.ts';

/**
 * What a person can do to a plan; the scheduler's own moves are `fired` and `exhausted`.
 * `request-approval` is activating or editing a plan that matched an approval rule; an
 * approver then `approve`s it (→ scheduled) or `reject`s it (→ draft).
 */
export type PlanCommand = 'activate' | 'pause' | 'resume' | 'cancel' | 'edit' | 'fired' | 'exhausted' | 'request-approval' | 'approve' | 'reject';

const MOVES: Record<PlanCommand, Partial<Record<PlanStatus, PlanStatus | 'same'>>> = {
  activate: { draft: 'scheduled' },
  pause: { scheduled: 'paused', active: 'paused' },
  // Resuming goes back to `scheduled`; the scheduler's next fire makes it active again.
  resume: { paused: 'scheduled' },
  cancel: { draft: 'cancelled', 'pending-approval': 'cancelled', scheduled: 'cancelled', active: 'cancelled', paused: 'cancelled' },
  edit: { draft: 'same', 'pending-approval': 'same', scheduled: 'same', active: 'same', paused: 'same' },
  fired: { scheduled: 'active', active: 'active' },
  exhausted: { scheduled: 'completed', active: 'completed' },
  'request-approval': { draft: 'pending-approval', 'pending-approval': 'pending-approval', scheduled: 'pending-approval', active: 'pending-approval', paused: 'pending-approval' },
  approve: { 'pending-approval': 'scheduled' },
  reject: { 'pending-approval': 'draft' },
};

/** Plans the scheduler looks at (never `pending-approval`: nothing runs before approval). */
export const FIRING_STATUSES = ['scheduled', 'active'] as const satisfies readonly PlanStatus[];

/** The status after `command`, or EN_PLAN_STATE saying why it is not possible now. */
export function nextPlanStatus(planId: string, status: PlanStatus, command: PlanCommand): PlanStatus {
  const to = MOVES[command][status];
  if (to === undefined) throw new CampaignError('EN_PLAN_STATE', { id: planId, status: status satisfies PlanStateStatus, action: command satisfies PlanStateAction });
  return to === 'same' ? status : to;
}

export function canApply(status: PlanStatus, command: PlanCommand): boolean {
  return MOVES[command][status] !== undefined;
}
