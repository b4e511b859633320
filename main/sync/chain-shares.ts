import { randomUUID } from 'node:crypto';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { ForbiddenAction, ForbiddenRole } from '../core/i18n/locales/sync.ts';
import { AllotmentClient, AllotmentSync, type LocalAllotments, type SettleReport } from './allotment-client.ts';
import type { ChainStock, Lease } from './allotment-stock.ts';
import type { SyncIdentity } from './sync-config.ts';
import type { SyncHttpClient } from './sync-http-client.ts';

/** Chain stocks with the leases this credential may see, and (at a store) what is left here. */
export interface SharesView {
  stocks: ChainStock[];
  leases: Lease[];
  /** Units still grantable here per chain stock (stores only). */
  available: Record<string, number>;
}

export interface NewChainStock {
  id: string;
  ownerType: 'right' | 'package';
  ownerId: string;
  total: number;
  /** How long a lease lasts before the store must give back what it did not grant. */
  leaseDays: number;
}

/**
 * What a store's plans still want of a right or package: `live` (a plan that runs here and
 * grants it has not ended, or a run granting it is unfinished), `ended` (every such plan has
 * ended), `none` (no plan here grants it: a share leased ahead of its plan is kept).
 */
export type ShareUse = 'live' | 'ended' | 'none';
export type ShareUseOf = (ownerType: 'right' | 'package', ownerId: string) => Promise<ShareUse>;

/** A store asks for more when fewer than this share of its last lease is left. */
const LOW_WATER = 0.25;

/**
 * Chain stock shares (allotments) from the app's side: a store leases part of a chain stock
 * and grants against it offline; `tick` reports what was granted, gives back expired shares
 * and the shares of stocks whose plans have all ended here (`shareUse`), and asks for more when
 * one runs low (the size of its last lease). HQ creates chain stocks and adds units.
 */
export class ChainShares {
  private readonly client: AllotmentClient;
  private readonly sync: AllotmentSync | null;

  constructor(
    http: SyncHttpClient,
    private readonly identity: SyncIdentity,
    inventory: LocalAllotments | null,
    now: () => number,
    /** What the store's plans still want of a stock's right or package (none given: `none`). */
    private readonly shareUse: ShareUseOf = () => Promise.resolve('none'),
  ) {
    this.client = new AllotmentClient(http);
    this.sync = identity.kind === 'store' && inventory ? new AllotmentSync(this.client, inventory, now) : null;
  }

  async view(): Promise<SharesView> {
    if (this.identity.kind === 'hq') return { ...(await this.client.hqView()), available: {} };
    const view = await this.client.view();
    const available: Record<string, number> = {};
    if (this.sync) for (const stock of view.stocks) available[stock.id] = await this.sync.available(stock.id);
    return { ...view, available };
  }

  /** A store leases `units` (or what remains, at least one) and records the share locally. */
  async request(stockId: string, units: number): Promise<Lease> {
    return (await this.requireStore().lease(stockId, units, { minUnits: 1, requestId: `R-${randomUUID()}` })).lease;
  }

  /** A store gives back what it has not granted of a chain stock (its plan ended). */
  giveBack(stockId: string): Promise<SettleReport> {
    return this.requireStore().returnAll(stockId);
  }

  createStock(input: NewChainStock): Promise<ChainStock> {
    this.requireHq();
    return this.client.createStock({ id: input.id, ownerType: input.ownerType, ownerId: input.ownerId, total: input.total, leaseMs: input.leaseDays * 24 * 60 * 60 * 1000 });
  }

  addUnits(stockId: string, units: number): Promise<ChainStock> {
    this.requireHq();
    return this.client.addUnits(stockId, units);
  }

  /**
   * One round at a store: settle every share with its lease, give back the shares of stocks
   * whose plans have all ended here, then top up the ones running low.
   */
  async tick(): Promise<SettleReport | null> {
    if (!this.sync) return null;
    const report = await this.sync.settle();
    const { stocks, leases } = await this.client.view();
    const lastUnits = new Map<string, number>();
    for (const lease of [...leases].sort((a, b) => a.createdAt - b.createdAt)) if (lease.state === 'active') lastUnits.set(lease.stockId, lease.units);
    for (const [stockId, units] of lastUnits) {
      const stock = stocks.find((s) => s.id === stockId);
      if (stock && (await this.shareUse(stock.ownerType, stock.ownerId)) === 'ended') {
        const given = await this.sync.returnAll(stockId);
        report.returned.push(...given.returned);
        continue;
      }
      try {
        await this.sync.topUp(stockId, Math.max(1, Math.floor(units * LOW_WATER)), units);
      } catch (error) {
        // An exhausted or closed chain stock is not a failure of the round: the store grants what it holds.
        if (!(error instanceof CampaignError) || (error.code !== 'SY_ALLOTMENT_EXHAUSTED' && error.code !== 'SY_ALLOTMENT_CLOSED')) throw error;
      }
    }
    return report;
  }

  private requireStore(): AllotmentSync {
    if (!this.sync) {
      const role: ForbiddenRole = this.identity.kind === 'hq' ? this.identity.role : 'store';
      throw new CampaignError('SY_FORBIDDEN', { role, action: 'lease-chain-stock' satisfies ForbiddenAction });
    }
    return this.sync;
  }

  private requireHq(): void {
    if (this.identity.kind !== 'hq') throw new CampaignError('SY_HQ_ONLY', { storeId: this.identity.storeId });
  }
}
