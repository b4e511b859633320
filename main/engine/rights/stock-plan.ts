import type { RxDocumentData } from 'rxdb';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import { commitStock, releaseStock, remaining, reserveStock } from '../../core/rights/inventory.ts';
import type { StockDoc } from '../../db/schemas/allotments.ts';
import type { DocStore } from './doc-store.ts';

export type OwnerType = StockDoc['ownerType'];

function ownerKey(type: OwnerType, id: string): string {
  return `${type}:${id}`;
}

/**
 * The stocks one ledger step works on: loaded once, changed in memory by the step, written
 * back at its end. A right or package without any stock is unlimited; with stocks, units are
 * taken from active ones (allotments that expire first, then local stock).
 */
export class StockPlan {
  private readonly current = new Map<string, StockDoc>();
  private readonly touched = new Set<string>();

  private constructor(
    private readonly previous: Map<string, RxDocumentData<StockDoc>>,
    private readonly byOwner: Map<string, string[]>,
    private readonly now: number,
  ) {
    for (const [id, doc] of previous) {
      const { _rev: _r, _meta: _m, _deleted: _d, _attachments: _a, ...stock } = doc;
      this.current.set(id, stock as StockDoc);
    }
  }

  /** Loads the stocks of the given owners. */
  static async load(store: DocStore<StockDoc>, owners: readonly { type: OwnerType; id: string }[], now: number): Promise<StockPlan> {
    const ids = [...new Set(owners.map((o) => o.id))];
    const docs = ids.length === 0 ? [] : await store.find({ selector: { ownerId: { $in: ids } } });
    const previous = new Map<string, RxDocumentData<StockDoc>>();
    const byOwner = new Map<string, string[]>();
    for (const doc of docs) {
      previous.set(doc.id, doc);
      const key = ownerKey(doc.ownerType, doc.ownerId);
      byOwner.set(key, [...(byOwner.get(key) ?? []), doc.id]);
    }
    // Fresh copies of the rows, so the step's changes are compared against what is stored.
    return new StockPlan(await store.byIds([...previous.keys()]), byOwner, now);
  }

  /** Stocks from which units of an owner are taken, best first; null when it has none (unlimited). */
  private candidates(type: OwnerType, id: string): StockDoc[] | null {
    const ids = this.byOwner.get(ownerKey(type, id));
    if (!ids) return null;
    const local = (s: StockDoc) => (s.source.type === 'local' ? 1 : 0);
    return ids
      .map((sid) => this.current.get(sid) as StockDoc)
      .filter((s) => s.state === 'active' && s.expiresAt > this.now)
      .sort((a, b) => local(a) - local(b) || a.expiresAt - b.expiresAt || a.id.localeCompare(b.id));
  }

  /**
   * Reserves `n` units of an owner: the stock id for each unit (null = unlimited). Throws
   * RT_OUT_OF_STOCK, leaving every stock unchanged.
   */
  reserve(type: OwnerType, id: string, n: number, label: string): (string | null)[] {
    const stocks = this.candidates(type, id);
    if (!stocks) return new Array<null>(n).fill(null);
    const available = stocks.reduce((sum, s) => sum + remaining(s), 0);
    if (available < n) throw new CampaignError('RT_OUT_OF_STOCK', { stock: label, requested: n, remaining: available });
    const out: string[] = [];
    for (const stock of stocks) {
      const take = Math.min(remaining(stock), n - out.length);
      if (take === 0) continue;
      this.set(stock.id, reserveStock(stock, take, stock.id));
      for (let i = 0; i < take; i++) out.push(stock.id);
      if (out.length === n) break;
    }
    return out;
  }

  commit(stockId: string, n: number): void {
    this.set(stockId, commitStock(this.get(stockId), n, stockId));
  }

  release(stockId: string, n: number): void {
    this.set(stockId, releaseStock(this.get(stockId), n, stockId));
  }

  /** Runs `fn`; if it throws, every stock change it made is undone. */
  atomically<T>(fn: () => T): T {
    const saved = new Map(this.current);
    const savedTouched = new Set(this.touched);
    try {
      return fn();
    } catch (error) {
      this.current.clear();
      for (const [k, v] of saved) this.current.set(k, v);
      this.touched.clear();
      for (const k of savedTouched) this.touched.add(k);
      throw error;
    }
  }

  /** The changed stocks, as updates for the store. */
  changes(): { previous: RxDocumentData<StockDoc>; next: StockDoc }[] {
    return [...this.touched].map((id) => ({ previous: this.previous.get(id) as RxDocumentData<StockDoc>, next: this.current.get(id) as StockDoc }));
  }

  private get(id: string): StockDoc {
    const stock = this.current.get(id);
    // A grant names a stock that no longer exists: it was removed by hand; nothing to count.
    if (!stock) throw new CampaignError('SYS_NOT_FOUND', { what: 'stock' satisfies NotFoundWhat, id });
    return stock;
  }

  private set(id: string, counts: { total: number; reserved: number; granted: number }): void {
    const stock = this.get(id);
    this.current.set(id, { ...stock, ...counts, updatedAt: this.now });
    this.touched.add(id);
  }
}
