import { STOCK_GRANTED_STATES, type GrantState } from '../core/rights/grant-state.ts';
import type { AppCollections } from '../db/collections.ts';

/** One plan's grants and their use at one store. */
export interface StoreTotals {
  storeId: string;
  granted: number;
  used: number;
}

export interface PlanChainTotals {
  planId: string;
  planName: string;
  /** '' = HQ's chain-wide plan. */
  planStoreId: string;
  granted: number;
  used: number;
  /** Per store, by the store of the granted customer; '' when the customer is not here. */
  stores: StoreTotals[];
}

/** Grant states that count as given to the customer (a reservation does not). */
const GIVEN: ReadonlySet<GrantState> = new Set(STOCK_GRANTED_STATES);
const PAGE = 5000;

/**
 * Chain-wide grant and usage totals per plan from the synced data at HQ: the stores' grants
 * arrive with the customers they were given to, and a customer names its store. Reads the
 * grants with a plan page by page along the `planKey` index.
 */
export async function chainTotals(collections: Pick<AppCollections, 'grants' | 'customers' | 'plans'>): Promise<PlanChainTotals[]> {
  const perPlan = new Map<string, Map<string, StoreTotals>>();
  const storeOf = new Map<string, string>();
  let after: { planKey: string; reservedAt: number; id: string } | null = null;
  for (;;) {
    const selector: Record<string, unknown> = after
      ? { $or: [{ planKey: { $gt: after.planKey } }, { planKey: after.planKey, reservedAt: { $gt: after.reservedAt } }, { planKey: after.planKey, reservedAt: after.reservedAt, id: { $gt: after.id } }] }
      : { planKey: { $gt: '' } };
    const page = await collections.grants.find({ selector, sort: [{ planKey: 'asc' }, { reservedAt: 'asc' }, { id: 'asc' }], limit: PAGE }).exec();
    if (page.length === 0) break;
    const unknown = [...new Set(page.map((g) => g.customerId).filter((id) => !storeOf.has(id)))];
    if (unknown.length > 0) {
      const found = await collections.customers.findByIds(unknown).exec();
      for (const id of unknown) storeOf.set(id, found.get(id)?.storeId ?? '');
    }
    for (const grant of page) {
      if (!GIVEN.has(grant.state)) continue;
      const stores = perPlan.get(grant.planKey) ?? new Map<string, StoreTotals>();
      perPlan.set(grant.planKey, stores);
      const storeId = storeOf.get(grant.customerId) ?? '';
      const totals = stores.get(storeId) ?? { storeId, granted: 0, used: 0 };
      stores.set(storeId, totals);
      totals.granted += 1;
      if (grant.state === 'used') totals.used += 1;
    }
    const last = page[page.length - 1]!;
    after = { planKey: last.planKey, reservedAt: last.reservedAt, id: last.id };
    if (page.length < PAGE) break;
  }
  const plans = await collections.plans.findByIds([...perPlan.keys()]).exec();
  return [...perPlan.entries()]
    .map(([planId, stores]) => {
      const list = [...stores.values()].sort((a, b) => a.storeId.localeCompare(b.storeId));
      const plan = plans.get(planId);
      return {
        planId,
        planName: plan?.name ?? planId,
        planStoreId: plan?.storeId ?? '',
        granted: list.reduce((n, s) => n + s.granted, 0),
        used: list.reduce((n, s) => n + s.used, 0),
        stores: list,
      };
    })
    .sort((a, b) => b.granted - a.granted || a.planId.localeCompare(b.planId));
}
