import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';

/**
 * Stock of a right or package. `reserved` units are held by grants waiting to be committed
 * or released; `granted` units were handed out (used, expired or recovered ones included:
 * stock counts what left the shelf). Invariant: all counts are whole numbers >= 0 and
 * reserved + granted <= total, so `remaining` is never negative.
 */
export interface StockCounts {
  total: number;
  reserved: number;
  granted: number;
}

/**
 * Where the stock comes from: set up at this store, or an allotment (a share of chain-wide
 * stock leased by HQ; the sync issue connects it to the server).
 */
export const stockSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('local') }).strict(),
  z.object({ type: z.literal('allotment'), allotmentId: z.string().min(1).max(64), from: z.string().min(1).max(100) }).strict(),
]);
export type StockSource = z.infer<typeof stockSourceSchema>;

export const stockTotalSchema = z.int().min(0).max(1_000_000_000);

export function remaining(stock: StockCounts): number {
  return stock.total - stock.reserved - stock.granted;
}

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new CampaignError('RT_BAD_QUANTITY', { what, value: n });
}

/** Throws RT_STOCK_BROKEN when a stock breaks its invariant (a bug or a damaged file). */
export function assertStockValid(stock: StockCounts, id: string): void {
  const ok =
    [stock.total, stock.reserved, stock.granted].every((n) => Number.isInteger(n) && n >= 0) && stock.reserved + stock.granted <= stock.total;
  if (!ok) throw new CampaignError('RT_STOCK_BROKEN', { stock: id, total: stock.total, reserved: stock.reserved, granted: stock.granted });
}

/** Holds `n` units for grants about to be made; throws RT_OUT_OF_STOCK when fewer remain. */
export function reserveStock(stock: StockCounts, n: number, id: string): StockCounts {
  assertCount(n, 'reserve');
  const left = remaining(stock);
  if (n > left) throw new CampaignError('RT_OUT_OF_STOCK', { stock: id, requested: n, remaining: left });
  return { ...stock, reserved: stock.reserved + n };
}

/** Turns `n` reserved units into granted ones. */
export function commitStock(stock: StockCounts, n: number, id: string): StockCounts {
  assertCount(n, 'commit');
  if (n > stock.reserved) throw new CampaignError('RT_STOCK_MISMATCH', { stock: id, op: 'commit', requested: n, reserved: stock.reserved });
  return { ...stock, reserved: stock.reserved - n, granted: stock.granted + n };
}

/** Gives `n` reserved units back (a failed message, a cancelled run). */
export function releaseStock(stock: StockCounts, n: number, id: string): StockCounts {
  assertCount(n, 'release');
  if (n > stock.reserved) throw new CampaignError('RT_STOCK_MISMATCH', { stock: id, op: 'release', requested: n, reserved: stock.reserved });
  return { ...stock, reserved: stock.reserved - n };
}

/** Sets the total; it cannot drop below what is reserved or granted (RT_STOCK_TOTAL_TOO_LOW). */
export function setStockTotal(stock: StockCounts, total: number, id: string): StockCounts {
  assertCount(total, 'total');
  const inUse = stock.reserved + stock.granted;
  if (total < inUse) throw new CampaignError('RT_STOCK_TOTAL_TOO_LOW', { stock: id, total, inUse });
  return { ...stock, total };
}

/** How stock counts disagree with the grants that hold them (empty when they reconcile). */
export function stockDrift(stock: StockCounts, fromGrants: { reserved: number; granted: number }): string[] {
  const drift: string[] = [];
  if (stock.reserved !== fromGrants.reserved) drift.push(`reserved ${stock.reserved} != ${fromGrants.reserved}`);
  if (stock.granted !== fromGrants.granted) drift.push(`granted ${stock.granted} != ${fromGrants.granted}`);
  return drift;
}
