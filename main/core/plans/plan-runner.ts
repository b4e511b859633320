import type { Plan } from './plan.ts';

/**
 * What this installation is in the chain, as far as running plans goes: on its own (no sync
 * set up), a store, or HQ. It follows the sync setup (`sync.json`).
 */
export type SiteRole = { kind: 'standalone' } | { kind: 'store'; storeId: string } | { kind: 'hq' };

/**
 * Who fires a plan here:
 * - `here`: this installation, on the plan's own schedule (`nextFireAt` in the document);
 * - `here-local-schedule`: this store, on a schedule it keeps for itself (an HQ plan: HQ owns
 *   the document, each store it is published to runs it for its own customers, on its own
 *   time and with its own overrides, so the fire times cannot live in the shared document);
 * - `elsewhere`: not here (HQ runs nothing itself; a store never runs another store's plan).
 */
export type PlanRunner = 'here' | 'here-local-schedule' | 'elsewhere';

export function whoRunsPlan(plan: Pick<Plan, 'source' | 'storeId'>, role: SiteRole): PlanRunner {
  if (role.kind === 'standalone') return 'here';
  if (role.kind === 'hq') return 'elsewhere';
  if (plan.source === 'hq') return 'here-local-schedule';
  // A plan made here before its first sync still has storeId '' (it becomes the store's on push).
  return plan.storeId === role.storeId || plan.storeId === '' ? 'here' : 'elsewhere';
}
