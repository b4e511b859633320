import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import { remaining, setStockTotal, stockDrift } from '../../core/rights/inventory.ts';
import { STOCK_GRANTED_STATES } from '../../core/rights/grant-state.ts';
import type { StockDoc } from '../../db/schemas/allotments.ts';
import type { GrantDoc } from '../../db/schemas/grants.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { DocStore, plain } from './doc-store.ts';
import type { RightsCatalog } from './rights-catalog.ts';
import type { RightsCollections } from './rights-collections.ts';
import type { SerialQueue } from './serial-queue.ts';
import type { OwnerType } from './stock-plan.ts';

/** A stock as the Inventory screen shows it. */
export interface StockView extends StockDoc {
  remaining: number;
  ownerName: string;
}

/** One stock whose counters disagreed with its grants, and what they were corrected to. */
export interface StockCorrection {
  stockId: string;
  drift: string[];
}

/**
 * Stocks of rights and packages. Local stock is one per right or package (`L-<type>-<id>`);
 * allotments from HQ are added beside it (`A-<allotment id>`) and are used first.
 */
export class RightsInventory {
  private readonly stocks: DocStore<StockDoc>;
  private readonly grants: DocStore<GrantDoc>;

  constructor(
    collections: Pick<RightsCollections, 'allotments' | 'grants'>,
    private readonly catalog: RightsCatalog,
    private readonly queue: SerialQueue,
    private readonly now: () => number,
  ) {
    this.stocks = new DocStore(collections.allotments);
    this.grants = new DocStore(collections.grants);
  }

  async list(): Promise<StockView[]> {
    const stocks = (await this.stocks.find({ selector: {} })).map((d) => plain(d));
    const rights = new Map((await this.catalog.listRights({ includeArchived: true })).map((r) => [r.id, r.name]));
    const packages = new Map((await this.catalog.listPackages({ includeArchived: true })).map((p) => [p.id, p.name]));
    return stocks
      .map((s) => ({ ...s, remaining: remaining(s), ownerName: (s.ownerType === 'right' ? rights : packages).get(s.ownerId) ?? s.ownerId }))
      .sort((a, b) => a.ownerName.localeCompare(b.ownerName) || a.id.localeCompare(b.id));
  }

  /** Sets the local stock of a right or package, creating it; the total cannot drop below what is in use. */
  setLocalStock(owner: { type: OwnerType; id: string }, total: number): Promise<StockDoc> {
    return this.queue.run(async () => {
      await this.assertOwner(owner);
      const id = `L-${owner.type}-${owner.id}`;
      return this.save(id, (prev) => ({
        ...(prev ?? { id, ownerType: owner.type, ownerId: owner.id, source: { type: 'local' }, reserved: 0, granted: 0, state: 'active', expiresAt: NEVER }),
        ...setStockTotal(prev ?? { total: 0, reserved: 0, granted: 0 }, total, id),
        updatedAt: this.now(),
      }));
    });
  }

  /** Records an allotment (a share of chain-wide stock leased by HQ). */
  addAllotment(input: { owner: { type: OwnerType; id: string }; allotmentId: string; from: string; total: number; expiresAt?: number }): Promise<StockDoc> {
    return this.queue.run(async () => {
      await this.assertOwner(input.owner);
      const id = `A-${input.allotmentId}`;
      return this.save(id, (prev) => {
        if (prev && (prev.ownerId !== input.owner.id || prev.ownerType !== input.owner.type)) {
          throw new CampaignError('RT_INVALID_PARAMS', { kind: 'allotment', path: 'allotmentId', reason: `already used for ${prev.ownerType} ${prev.ownerId}` });
        }
        return {
          ...(prev ?? { id, ownerType: input.owner.type, ownerId: input.owner.id, reserved: 0, granted: 0, state: 'active' as const }),
          source: { type: 'allotment', allotmentId: input.allotmentId, from: input.from },
          ...setStockTotal(prev ?? { total: 0, reserved: 0, granted: 0 }, input.total, id),
          expiresAt: input.expiresAt ?? NEVER,
          updatedAt: this.now(),
        };
      });
    });
  }

  /** Returns what is left of an allotment to HQ: its total shrinks to what is in use. */
  returnAllotment(id: string): Promise<StockDoc> {
    return this.queue.run(() =>
      this.save(id, (prev) => {
        if (!prev || prev.source.type !== 'allotment') throw new CampaignError('SYS_NOT_FOUND', { what: 'allotment' satisfies NotFoundWhat, id });
        return { ...prev, total: prev.reserved + prev.granted, state: prev.reserved > 0 ? 'returning' : 'returned', updatedAt: this.now() };
      }),
    );
  }

  /**
   * Recomputes every stock's reserved and granted counts from the grants holding it, and
   * corrects those that drifted (only a crash in the middle of a ledger step can cause that).
   */
  reconcile(): Promise<StockCorrection[]> {
    return this.queue.run(async () => {
      const counts = new Map<string, { reserved: number; granted: number }>();
      const count = (stockId: string | null, state: string) => {
        if (!stockId) return;
        const c = counts.get(stockId) ?? { reserved: 0, granted: 0 };
        if (state === 'reserved') c.reserved++;
        else if ((STOCK_GRANTED_STATES as readonly string[]).includes(state)) c.granted++;
        counts.set(stockId, c);
      };
      // Page through the grants by primary key, so memory stays flat however many there are.
      let after = '';
      for (;;) {
        const page = await this.grants.find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: 2000 });
        for (const g of page) {
          count(g.rightStockId, g.state);
          count(g.packageStockId, g.state);
        }
        if (page.length < 2000) break;
        after = page[page.length - 1]!.id;
      }
      const corrections: StockCorrection[] = [];
      const docs = await this.stocks.find({ selector: {} });
      const updates = [];
      for (const doc of docs) {
        const actual = counts.get(doc.id) ?? { reserved: 0, granted: 0 };
        const drift = stockDrift(doc, actual);
        if (drift.length === 0) continue;
        corrections.push({ stockId: doc.id, drift });
        const next = { ...plain(doc), ...actual, updatedAt: this.now() };
        // A stock whose grants outgrew its total (a crash mid-reserve): the total follows them.
        next.total = Math.max(next.total, next.reserved + next.granted);
        updates.push({ previous: doc, next });
      }
      await this.stocks.update(updates, 'rights-reconcile');
      return corrections;
    });
  }

  private async assertOwner(owner: { type: OwnerType; id: string }): Promise<void> {
    if (owner.type === 'right') await this.catalog.getRight(owner.id);
    else await this.catalog.getPackage(owner.id);
  }

  private async save(id: string, next: (previous: StockDoc | null) => StockDoc): Promise<StockDoc> {
    const previous = (await this.stocks.byIds([id])).get(id);
    const doc = next(previous ? plain(previous) : null);
    if (previous) await this.stocks.update([{ previous, next: doc }], 'rights-inventory');
    else await this.stocks.insert([doc]);
    return doc;
  }
}
