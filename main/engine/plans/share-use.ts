import type { RxCollection } from 'rxdb';
import type { Plan } from '../../core/plans/plan.ts';
import { whoRunsPlan, type SiteRole } from '../../core/plans/plan-runner.ts';
import { FINISHED_RUN_STATES, RUN_STATES } from '../../core/plans/run.ts';
import type { PlanDoc } from '../../db/schemas/plans.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { RunStore } from '../executor/run-store.ts';
import type { LocalSchedules } from '../scheduler/local-schedules.ts';

export type ShareUse = 'live' | 'ended' | 'none';

/**
 * What this installation's plans still want of a right or package (a store gives chain stock
 * shares back when it is `ended`): `live` while a plan that runs here and grants it has not
 * ended (an HQ plan at a store: while the store's schedule of it has fire times left) or a run
 * granting it is unfinished; `ended` when every such plan has ended; `none` when no plan here
 * grants it (a share leased ahead of its plan is kept).
 */
export async function shareUse(
  subject: { type: 'right' | 'package'; id: string },
  deps: { plans: RxCollection<PlanDoc>; runs: RunStore; localSchedules: LocalSchedules; role: SiteRole },
): Promise<ShareUse> {
  const grants = (actions: Plan['actions']) => actions.some((a) => a.type === 'grant' && a.subject.type === subject.type && a.subject.id === subject.id);
  const open = await deps.runs.list({ states: RUN_STATES.filter((state) => !FINISHED_RUN_STATES.includes(state)), limit: 10_000 });
  if (open.some((run) => grants(run.plan.actions))) return 'live';
  let seen = false;
  for (const doc of await deps.plans.find().exec()) {
    const plan = doc.toMutableJSON() as Plan;
    const runner = whoRunsPlan(plan, deps.role);
    if (runner === 'elsewhere' || !grants(plan.actions)) continue;
    seen = true;
    if (plan.status === 'completed' || plan.status === 'cancelled') continue;
    if (runner === 'here-local-schedule' && (await deps.localSchedules.get(plan.id))?.nextFireAt === NEVER) continue;
    return 'live';
  }
  return seen ? 'ended' : 'none';
}
