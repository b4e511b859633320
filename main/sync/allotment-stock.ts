import type { StockDoc } from '../db/schemas/allotments.ts';

/** A chain stock as the sync server shows it: `total = granted + leased + remaining`. */
export interface ChainStock {
  id: string;
  ownerType: 'right' | 'package';
  ownerId: string;
  total: number;
  remaining: number;
  leased: number;
  granted: number;
  leaseMs: number;
  graceMs: number;
  endsAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A store's share of a chain stock (see `sync-server/src/db/allotment-store.ts`). */
export interface Lease {
  id: string;
  stockId: string;
  storeId: string;
  requestId: string;
  ownerType: 'right' | 'package';
  ownerId: string;
  units: number;
  consumed: number;
  returned: number;
  writtenOff: number;
  state: 'active' | 'returned' | 'reclaimed';
  expiresAt: number;
  reclaimableAt: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

/** What `RightsInventory.addAllotment` takes. */
export interface AllotmentInput {
  owner: { type: 'right' | 'package'; id: string };
  allotmentId: string;
  from: string;
  total: number;
  expiresAt: number;
}

/** The local stock id of a lease's allotment (`RightsInventory` names allotments `A-<id>`). */
export function allotmentStockId(leaseId: string): string {
  return `A-${leaseId}`;
}

/**
 * A lease as a local stock with a source: the allotment is the lease (`allotmentId`), taken
 * from the chain stock (`from`), holding the leased units until the lease expires. Granting
 * stops at `expiresAt` (the rights ledger uses only active allotments that have not expired).
 */
export function allotmentOfLease(lease: Lease): AllotmentInput {
  return { owner: { type: lease.ownerType, id: lease.ownerId }, allotmentId: lease.id, from: lease.stockId, total: lease.units, expiresAt: lease.expiresAt };
}

/** What the store should tell the server about one allotment now. */
export type Settlement =
  /** The allotment is done locally: close the lease with what was granted (the rest goes back). */
  | { action: 'return'; consumed: number }
  /** Report the running total granted so far (also closes a lease HQ reclaimed). */
  | { action: 'report'; consumed: number }
  /** Give the rest back locally first (it expired, or HQ closed the lease). */
  | { action: 'return-locally' }
  | { action: 'none' };

/**
 * Decides how a local allotment and its lease on the server get in step at `now`. Units count
 * as consumed once granted (used, expired or recovered grants left the shelf too), as in the
 * stock counters; reserved units are waited for before a lease is closed.
 */
export function settlementOf(stock: Pick<StockDoc, 'state' | 'granted' | 'reserved' | 'expiresAt'>, lease: Pick<Lease, 'state' | 'consumed'>, now: number): Settlement {
  if (lease.state === 'returned') return stock.state === 'active' ? { action: 'return-locally' } : { action: 'none' };
  if (stock.state === 'active' && (stock.expiresAt <= now || lease.state === 'reclaimed')) return { action: 'return-locally' };
  if (stock.state === 'returned') return lease.state === 'reclaimed' ? { action: 'report', consumed: stock.granted } : { action: 'return', consumed: stock.granted };
  if (stock.granted > lease.consumed) return { action: 'report', consumed: stock.granted };
  return { action: 'none' };
}
