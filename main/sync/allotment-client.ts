import { randomUUID } from 'node:crypto';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { StockDoc } from '../db/schemas/allotments.ts';
import { allotmentOfLease, allotmentStockId, settlementOf, type AllotmentInput, type ChainStock, type Lease } from './allotment-stock.ts';
import type { SyncHttpClient } from './sync-http-client.ts';

export type { ChainStock, Lease } from './allotment-stock.ts';

/**
 * The sync server's allotment calls for a store (`/allotments…`) and for HQ
 * (`/hq/allotments…`). Failures are CampaignErrors: SY_ALLOTMENT_EXHAUSTED when too few units
 * remain, SY_ALLOTMENT_CLOSED after the stock's end, SY_LEASE_OVERDRAWN / SY_LEASE_CLOSED for
 * impossible reports, SY_NETWORK when offline.
 */
export class AllotmentClient {
  constructor(private readonly http: SyncHttpClient) {}

  /** A store's view: every chain stock and its own leases. */
  view(): Promise<{ stocks: ChainStock[]; leases: Lease[] }> {
    return this.http.request('GET', '/allotments');
  }

  /** Leases up to `units` (at least `minUnits`, default 1); the same `requestId` answers the same lease. */
  async requestLease(stockId: string, request: { requestId: string; units: number; minUnits?: number }): Promise<Lease> {
    return (await this.http.request<{ lease: Lease }>('POST', `/allotments/${encodeURIComponent(stockId)}/leases`, request)).lease;
  }

  /** Reports the running total of units granted against the lease. */
  async report(leaseId: string, consumed: number): Promise<Lease> {
    return (await this.http.request<{ lease: Lease }>('POST', `/allotments/leases/${encodeURIComponent(leaseId)}/report`, { consumed })).lease;
  }

  /** Closes the lease: `consumed` were granted, the rest goes back to the chain. */
  async returnLease(leaseId: string, consumed: number): Promise<Lease> {
    return (await this.http.request<{ lease: Lease }>('POST', `/allotments/leases/${encodeURIComponent(leaseId)}/return`, { consumed })).lease;
  }

  // HQ
  async createStock(input: { id: string; ownerType: 'right' | 'package'; ownerId: string; total: number; leaseMs?: number; graceMs?: number; endsAt?: number | null }): Promise<ChainStock> {
    return (await this.http.request<{ stock: ChainStock }>('POST', '/hq/allotments', input)).stock;
  }

  async addUnits(stockId: string, units: number): Promise<ChainStock> {
    return (await this.http.request<{ stock: ChainStock }>('POST', `/hq/allotments/${encodeURIComponent(stockId)}/units`, { units })).stock;
  }

  hqView(filter: { storeId?: string; stockId?: string } = {}): Promise<{ stocks: ChainStock[]; leases: Lease[] }> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
    return this.http.request('GET', `/hq/allotments${query.size > 0 ? `?${query}` : ''}`);
  }

  async reclaimExpired(stockId?: string): Promise<Lease[]> {
    return (await this.http.request<{ reclaimed: Lease[] }>('POST', `/hq/allotments/reclaim${stockId ? `?stockId=${encodeURIComponent(stockId)}` : ''}`, {})).reclaimed;
  }
}

/** The parts of the rights inventory (`engine/rights/rights-inventory.ts`) allotments need. */
export interface LocalAllotments {
  list(): Promise<StockDoc[]>;
  addAllotment(input: AllotmentInput): Promise<StockDoc>;
  returnAllotment(id: string): Promise<StockDoc>;
}

/** What one `settle` did. */
export interface SettleReport {
  /** Leases the server holds for this store that were missing locally (e.g. a crash before they were recorded). */
  adopted: string[];
  reported: string[];
  returned: string[];
  /** Allotments given back locally (expired, reclaimed or closed). */
  closedLocally: string[];
  /** Leases that could not be settled now (e.g. their right is not here yet), with why; the others went on. */
  failed: { leaseId: string; error: CampaignError }[];
}

/**
 * Keeps the store's allotments (local stocks with an allotment source) in step with its leases
 * on the sync server: takes a lease and records it locally, asks for more when a stock runs
 * low, reports what was granted, and returns what is left when a lease expires or a plan ends.
 * Offline, the store grants against what it holds; `settle` catches up when it is back.
 */
export class AllotmentSync {
  constructor(
    private readonly client: AllotmentClient,
    private readonly inventory: LocalAllotments,
    private readonly now: () => number = Date.now,
  ) {}

  /** Leases `units` of a chain stock and records the allotment locally. */
  async lease(stockId: string, units: number, options: { minUnits?: number; requestId?: string } = {}): Promise<{ lease: Lease; stock: StockDoc }> {
    const requestId = options.requestId ?? `R-${randomUUID()}`;
    const lease = await this.client.requestLease(stockId, { requestId, units, minUnits: options.minUnits });
    return { lease, stock: await this.inventory.addAllotment(allotmentOfLease(lease)) };
  }

  /** Units still grantable from a chain stock's active, unexpired allotments here. */
  async available(stockId: string): Promise<number> {
    const now = this.now();
    return (await this.allotments())
      .filter((s) => s.source.type === 'allotment' && s.source.from === stockId && s.state === 'active' && s.expiresAt > now)
      .reduce((n, s) => n + s.total - s.reserved - s.granted, 0);
  }

  /** Asks for `units` more when fewer than `lowWater` are available; answers the new lease or null. */
  async topUp(stockId: string, lowWater: number, units: number): Promise<Lease | null> {
    if ((await this.available(stockId)) >= lowWater) return null;
    return (await this.lease(stockId, units, { minUnits: 1 })).lease;
  }

  /** Gives back what is left of every allotment from a chain stock (its plan ended), then settles. */
  async returnAll(stockId: string): Promise<SettleReport> {
    for (const stock of await this.allotments()) {
      if (stock.source.type === 'allotment' && stock.source.from === stockId && stock.state === 'active') await this.inventory.returnAllotment(stock.id);
    }
    return this.settle();
  }

  /** Brings every allotment and its lease in step (see `settlementOf`). */
  async settle(): Promise<SettleReport> {
    const report: SettleReport = { adopted: [], reported: [], returned: [], closedLocally: [], failed: [] };
    const { leases } = await this.client.view();
    const local = new Map((await this.allotments()).map((s) => [s.id, s]));
    const now = this.now();
    for (const lease of leases) {
      try {
        let stock = local.get(allotmentStockId(lease.id));
        if (!stock) {
          if (lease.state !== 'active') continue;
          stock = await this.inventory.addAllotment(allotmentOfLease(lease));
          report.adopted.push(lease.id);
        }
        let step = settlementOf(stock, lease, now);
        if (step.action === 'return-locally') {
          stock = await this.inventory.returnAllotment(stock.id);
          report.closedLocally.push(lease.id);
          step = settlementOf(stock, lease, now);
        }
        if (step.action === 'report') {
          await this.client.report(lease.id, step.consumed);
          report.reported.push(lease.id);
        } else if (step.action === 'return') {
          await this.client.returnLease(lease.id, step.consumed);
          report.returned.push(lease.id);
        }
      } catch (error) {
        // Offline again: stop here, the next settle carries on.
        if (!(error instanceof CampaignError) || error.code === 'SY_NETWORK') throw error;
        report.failed.push({ leaseId: lease.id, error });
      }
    }
    return report;
  }

  private async allotments(): Promise<StockDoc[]> {
    return (await this.inventory.list()).filter((s) => s.source.type === 'allotment');
  }
}
