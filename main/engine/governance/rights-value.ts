import { CampaignError } from '../../core/errors/campaign-error.ts';
import { rightCostCents } from '../../core/rights/right-cost.ts';
import type { RightsCatalog } from '../rights/rights-catalog.ts';
import type { GrantSubject } from '../rights/rights-ledger.ts';

/**
 * What one grant of a subject costs the merchant, in cents: a right's `rightCostCents`, a
 * package's rights times their quantities. The version named, else the current one (what the
 * ledger would grant now). A subject that no longer exists costs 0 (the grant fails anyway).
 */
export async function subjectCostCents(catalog: RightsCatalog, subject: GrantSubject): Promise<number> {
  try {
    if (subject.type === 'right') {
      const right = await catalog.getRight(subject.id, subject.version);
      return rightCostCents(right.kind, right.params as Record<string, unknown>);
    }
    const pack = await catalog.getPackage(subject.id, subject.version);
    const versions = await catalog.rightVersions(pack.items.map((i) => ({ id: i.rightId, version: i.rightVersion })));
    let total = 0;
    for (const item of pack.items) {
      const right = [...versions.values()].find((r) => r.id === item.rightId && r.version === item.rightVersion);
      if (right) total += rightCostCents(right.kind, right.params as Record<string, unknown>) * item.quantity;
    }
    return total;
  } catch (error) {
    if (error instanceof CampaignError && error.code === 'SYS_NOT_FOUND') return 0;
    throw error;
  }
}

/** Cost per action id of a plan's grant actions, cached by the caller per run. */
export async function grantActionCosts(catalog: RightsCatalog, actions: readonly { id: string; subject: GrantSubject }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const action of actions) out.set(action.id, await subjectCostCents(catalog, action.subject));
  return out;
}
