import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { StockCounts, StockSource } from '../../core/rights/inventory.ts';
import { epochMs, int, key, oneOf, text } from './schema-fields.ts';

export const STOCK_STATES = ['active', 'returning', 'returned'] as const;

/**
 * Stock (权益库存) of a right or package: set up at this store, or an allotment, i.e. a share
 * of chain-wide stock that HQ leased to this store, granted against offline and returned
 * when unused. The counts follow `core/rights`' `StockCounts` (reserved + granted <= total).
 */
export interface StockDoc extends StockCounts {
  id: string;
  ownerType: 'right' | 'package';
  /** The right's or package's id (stock is per right, not per version). */
  ownerId: string;
  source: StockSource;
  /** Allotments: 'returning' while the rest goes back to HQ, then 'returned'. */
  state: (typeof STOCK_STATES)[number];
  /** When the rest of an allotment goes back to HQ (NEVER for local stock). */
  expiresAt: number;
  updatedAt: number;
}

const units = int(0, 1_000_000_000);

export const stockSchema: RxJsonSchema<StockDoc> = {
  title: 'allotments',
  description: 'Stock of rights and packages: local, or allotted by HQ',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    ownerType: oneOf(['right', 'package']),
    ownerId: key(),
    source: {
      type: 'object',
      properties: { type: oneOf(['local', 'allotment']), allotmentId: text(64), from: text(100) },
      required: ['type'],
      additionalProperties: false,
    },
    total: units,
    reserved: units,
    granted: units,
    state: oneOf(STOCK_STATES),
    expiresAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'ownerType', 'ownerId', 'source', 'total', 'reserved', 'granted', 'state', 'expiresAt', 'updatedAt'],
  // The stocks of a right or package; allotments to return when they expire.
  indexes: [['ownerId', 'state'], ['state', 'expiresAt']],
  additionalProperties: false,
};

export const stockMigrations: MigrationStrategies = {};
