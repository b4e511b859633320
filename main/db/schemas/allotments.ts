import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { StockCounts } from '../../core/rights/inventory.ts';
import { epochMs, int, key, oneOf, text } from './schema-fields.ts';

export const ALLOTMENT_STATES = ['active', 'returning', 'returned', 'expired'] as const;

/**
 * A share of chain-wide stock that HQ leased to this store (权益库存): the store grants
 * against it offline, and what is left flows back when it is returned. The counts follow
 * `core/rights`' `StockCounts` (reserved + granted <= total).
 */
export interface AllotmentDoc extends StockCounts {
  id: string;
  storeId: string;
  /** The right or package whose stock it shares ('' for the other one). */
  rightId: string;
  packageId: string;
  /** Who leased it (HQ's stock id or name). */
  from: string;
  state: (typeof ALLOTMENT_STATES)[number];
  leasedAt: number;
  /** When unused units go back to HQ (NEVER = until returned by hand). */
  expiresAt: number;
  updatedAt: number;
}

const units = int(0, 1_000_000_000);

export const allotmentSchema: RxJsonSchema<AllotmentDoc> = {
  title: 'allotments',
  description: 'Shares of chain-wide stock leased by HQ to this store',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    storeId: key(),
    rightId: key(),
    packageId: key(),
    from: text(100),
    total: units,
    reserved: units,
    granted: units,
    state: oneOf(ALLOTMENT_STATES),
    leasedAt: epochMs,
    expiresAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'storeId', 'rightId', 'packageId', 'from', 'total', 'reserved', 'granted', 'state', 'leasedAt', 'expiresAt', 'updatedAt'],
  // Stock to grant from, per right or package; leases to return when they expire.
  indexes: [['rightId', 'state'], ['packageId', 'state'], ['state', 'expiresAt']],
  additionalProperties: false,
};

export const allotmentMigrations: MigrationStrategies = {};
