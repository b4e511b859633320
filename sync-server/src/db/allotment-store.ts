import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { ClosedLeaseState, ForbiddenAction, ForbiddenRole, SyncExistingWhat, SyncNotFoundWhat } from '../../../main/core/i18n/locales/sync.ts';
import type { Principal } from '../auth/principal.ts';
import type { SyncDatabase } from './open-database.ts';
import type { SyncTables } from './tables.ts';

/** A chain stock as the API shows it. Always `total = granted + leased + remaining`. */
export interface ChainStockInfo {
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

export type LeaseState = 'active' | 'returned' | 'reclaimed';

/** A store's share of a chain stock. */
export interface LeaseInfo {
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
  state: LeaseState;
  /** The store grants against the lease only before this instant (by its clock). */
  expiresAt: number;
  /** After this instant HQ may reclaim the lease if the store has not returned it. */
  reclaimableAt: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

export interface NewChainStock {
  id: string;
  ownerType: 'right' | 'package';
  ownerId: string;
  total: number;
  leaseMs: number;
  graceMs: number;
  endsAt: number | null;
}

export interface LeaseRequest {
  /** The store's id for this request: asking again with it answers the same lease. */
  requestId: string;
  units: number;
  /** The least the store accepts when fewer than `units` remain (default 1). */
  minUnits?: number;
}

type StockRow = SyncTables['chain_stocks'];
type LeaseRow = SyncTables['leases'];

function stockInfo(row: StockRow): ChainStockInfo {
  return {
    id: row.id,
    ownerType: row.owner_type as ChainStockInfo['ownerType'],
    ownerId: row.owner_id,
    total: row.total,
    remaining: row.remaining,
    leased: row.leased,
    granted: row.granted,
    leaseMs: row.lease_ms,
    graceMs: row.grace_ms,
    endsAt: row.ends_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function leaseInfo(row: LeaseRow, stock: Pick<StockRow, 'owner_type' | 'owner_id' | 'grace_ms'>): LeaseInfo {
  return {
    id: row.id,
    stockId: row.stock_id,
    storeId: row.store_id,
    requestId: row.request_id,
    ownerType: stock.owner_type as LeaseInfo['ownerType'],
    ownerId: stock.owner_id,
    units: row.units,
    consumed: row.consumed,
    returned: row.returned,
    writtenOff: row.written_off,
    state: row.state as LeaseState,
    expiresAt: row.expires_at,
    reclaimableAt: row.expires_at + stock.grace_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const CONDITIONAL_TRIES = 20;

/**
 * Offline inventory shares (allotments). HQ keeps each chain-wide stock as three counters,
 * `total = granted + leased + remaining` (a CHECK constraint in the database holds it after
 * every statement). A store leases part of `remaining` and grants against it while offline;
 * it reports what it granted (`granted` rises, `leased` falls), and returns the rest when the
 * plan ends or the lease expires (`remaining` rises).
 *
 * The lease rule, so that stores offline at the same time can never together grant more than
 * the chain's stock: a unit is in exactly one place, and units only move back to `remaining`
 * on the word of the store that held them (its return, or its late report on a reclaimed
 * lease). A store grants against a lease only before the lease's `expiresAt` (its local stock
 * stops there). HQ may reclaim a lease that was not returned by `expiresAt + grace`: its
 * unreported units then count as granted (written off, since the store may have granted them
 * offline), never as remaining; when the store reports later, what it did not grant goes back
 * to `remaining`. Leasing takes units with one conditional UPDATE (`... WHERE remaining >= n`),
 * so concurrent requests on any number of server nodes never lease the same unit twice.
 */
export class AllotmentStore {
  constructor(
    private readonly database: SyncDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  private get locking(): boolean {
    return this.database.kind === 'postgres';
  }

  async createStock(input: NewChainStock): Promise<ChainStockInfo> {
    const now = this.now();
    const row: StockRow = {
      id: input.id,
      owner_type: input.ownerType,
      owner_id: input.ownerId,
      total: input.total,
      remaining: input.total,
      leased: 0,
      granted: 0,
      lease_ms: input.leaseMs,
      grace_ms: input.graceMs,
      ends_at: input.endsAt,
      created_at: now,
      updated_at: now,
    };
    const inserted = await this.database.db.insertInto('chain_stocks').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
    if (inserted.length === 0) throw new CampaignError('SY_ALREADY_EXISTS', { what: 'chain-stock' satisfies SyncExistingWhat, id: input.id });
    return stockInfo(row);
  }

  /** Adds units to a stock (or takes unleased ones away with a negative number). */
  async addUnits(id: string, units: number): Promise<ChainStockInfo> {
    const row = await this.database.db
      .updateTable('chain_stocks')
      .set((eb) => ({ total: eb('total', '+', units), remaining: eb('remaining', '+', units), updated_at: this.now() }))
      .where('id', '=', id)
      .where((eb) => eb(eb('remaining', '+', units), '>=', 0))
      .returningAll()
      .executeTakeFirst();
    if (row) return stockInfo(row);
    const stock = await this.stock(this.database.db, id);
    throw new CampaignError('SY_ALLOTMENT_EXHAUSTED', { stock: id, remaining: stock.remaining, requested: -units, minimum: -units });
  }

  async listStocks(): Promise<ChainStockInfo[]> {
    return (await this.database.db.selectFrom('chain_stocks').selectAll().orderBy('id').execute()).map(stockInfo);
  }

  /** Leases of one store (`storeId`), or of every store; newest first. */
  async listLeases(filter: { storeId?: string; stockId?: string } = {}): Promise<LeaseInfo[]> {
    let query = this.database.db
      .selectFrom('leases as l')
      .innerJoin('chain_stocks as s', 's.id', 'l.stock_id')
      .selectAll('l')
      .select(['s.owner_type', 's.owner_id', 's.grace_ms']);
    if (filter.storeId !== undefined) query = query.where('l.store_id', '=', filter.storeId);
    if (filter.stockId !== undefined) query = query.where('l.stock_id', '=', filter.stockId);
    const rows = await query.orderBy('l.created_at', 'desc').orderBy('l.id').execute();
    return rows.map((r) => leaseInfo(r, r));
  }

  /**
   * Leases `units` (or as many as remain, down to `minUnits`) of a stock to a store. Asking
   * again with the same `requestId` answers the same lease (a retry after a lost answer).
   */
  async requestLease(principal: Principal, stockId: string, request: LeaseRequest): Promise<{ lease: LeaseInfo; created: boolean }> {
    const storeId = requireStore(principal);
    const minUnits = request.minUnits ?? 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.database.transaction(async (trx) => {
          const stock = await this.stock(trx, stockId);
          const previous = await trx.selectFrom('leases').selectAll().where('store_id', '=', storeId).where('request_id', '=', request.requestId).executeTakeFirst();
          if (previous) {
            if (previous.stock_id !== stockId) throw new CampaignError('SY_BAD_REQUEST', { reason: `request ${request.requestId} already leased from stock ${previous.stock_id}` });
            return { lease: leaseInfo(previous, stock), created: false };
          }
          const now = this.now();
          if (stock.ends_at !== null && now >= stock.ends_at) throw new CampaignError('SY_ALLOTMENT_CLOSED', { stock: stockId, reason: `it ended at ${new Date(stock.ends_at).toISOString()}` });
          // Take the units with a conditional UPDATE: it re-checks `remaining` on the row it
          // locks, so two requests can never take the same units (no read-then-write).
          let remaining = stock.remaining;
          let taken = 0;
          for (let tries = 0; tries < CONDITIONAL_TRIES; tries++) {
            const n = Math.min(request.units, remaining);
            if (n < minUnits || n === 0) break;
            const updated = await trx
              .updateTable('chain_stocks')
              .set((eb) => ({ remaining: eb('remaining', '-', n), leased: eb('leased', '+', n), updated_at: now }))
              .where('id', '=', stockId)
              .where('remaining', '>=', n)
              .returning('remaining')
              .executeTakeFirst();
            if (updated) {
              taken = n;
              break;
            }
            remaining = (await this.stock(trx, stockId)).remaining;
          }
          if (taken === 0) throw new CampaignError('SY_ALLOTMENT_EXHAUSTED', { stock: stockId, remaining, requested: request.units, minimum: minUnits });
          const expiresAt = Math.min(now + stock.lease_ms, stock.ends_at ?? Number.MAX_SAFE_INTEGER);
          const row: LeaseRow = {
            id: `LS-${randomBytes(10).toString('hex')}`,
            stock_id: stockId,
            store_id: storeId,
            request_id: request.requestId,
            units: taken,
            consumed: 0,
            returned: 0,
            written_off: 0,
            state: 'active',
            expires_at: expiresAt,
            created_at: now,
            updated_at: now,
            closed_at: null,
          };
          await trx.insertInto('leases').values(row).execute();
          return { lease: leaseInfo(row, stock), created: true };
        });
      } catch (error) {
        // The same request raced itself (two retries at once): the loser's units were rolled
        // back with its transaction; read the winner's lease.
        if (isUniqueViolation(error) && attempt < 2) continue;
        throw error;
      }
    }
  }

  /**
   * Records that the store has granted `consumed` units of its lease so far (a running total,
   * so a repeated report changes nothing). On a lease HQ reclaimed, the report closes it and
   * gives back what the store did not grant.
   */
  report(principal: Principal, leaseId: string, consumed: number): Promise<LeaseInfo> {
    return this.settle(principal, leaseId, consumed, false);
  }

  /** Closes the lease: `consumed` units were granted, the rest goes back to `remaining`. */
  returnLease(principal: Principal, leaseId: string, consumed: number): Promise<LeaseInfo> {
    return this.settle(principal, leaseId, consumed, true);
  }

  private settle(principal: Principal, leaseId: string, consumed: number, close: boolean): Promise<LeaseInfo> {
    const storeId = requireStore(principal);
    return this.database.transaction(async (trx) => {
      let query = trx.selectFrom('leases').selectAll().where('id', '=', leaseId);
      if (this.locking) query = query.forUpdate();
      const lease = await query.executeTakeFirst();
      if (!lease) throw new CampaignError('SY_NOT_FOUND', { what: 'lease' satisfies SyncNotFoundWhat, id: leaseId });
      if (lease.store_id !== storeId) throw new CampaignError('SY_FOREIGN_STORE', { collection: 'leases', id: leaseId, owner: lease.store_id, storeId });
      const stock = await this.stock(trx, lease.stock_id);
      const overdrawn = (reason: string) => new CampaignError('SY_LEASE_OVERDRAWN', { lease: leaseId, consumed, reason });
      if (consumed < lease.consumed) throw overdrawn(`${lease.consumed} were already reported, and reports only rise`);
      const now = this.now();

      if (lease.state === 'returned') {
        if (consumed === lease.consumed) return leaseInfo(lease, stock);
        throw new CampaignError('SY_LEASE_CLOSED', { lease: leaseId, state: lease.state satisfies ClosedLeaseState });
      }
      if (lease.state === 'reclaimed') {
        // A late report: the written-off units the store did not grant go back to remaining.
        const held = lease.consumed + lease.written_off;
        if (consumed > held) throw overdrawn(`the lease held ${held} units when HQ reclaimed it`);
        const back = held - consumed;
        const next = { ...lease, consumed, written_off: 0, returned: lease.returned + back, state: 'returned', updated_at: now, closed_at: now };
        await trx.updateTable('leases').set({ consumed, written_off: 0, returned: next.returned, state: 'returned', updated_at: now, closed_at: now }).where('id', '=', leaseId).execute();
        await trx
          .updateTable('chain_stocks')
          .set((eb) => ({ granted: eb('granted', '-', back), remaining: eb('remaining', '+', back), updated_at: now }))
          .where('id', '=', lease.stock_id)
          .execute();
        return leaseInfo(next, stock);
      }

      if (consumed > lease.units) throw overdrawn(`the lease holds ${lease.units} units`);
      const delta = consumed - lease.consumed;
      const back = close ? lease.units - consumed : 0;
      const next: LeaseRow = close
        ? { ...lease, consumed, returned: back, state: 'returned', updated_at: now, closed_at: now }
        : { ...lease, consumed, updated_at: now };
      if (delta === 0 && !close) return leaseInfo(lease, stock);
      await trx.updateTable('leases').set({ consumed, returned: next.returned, state: next.state, updated_at: now, closed_at: next.closed_at }).where('id', '=', leaseId).execute();
      await trx
        .updateTable('chain_stocks')
        .set((eb) => ({ granted: eb('granted', '+', delta), leased: eb('leased', '-', delta + back), remaining: eb('remaining', '+', back), updated_at: now }))
        .where('id', '=', lease.stock_id)
        .execute();
      return leaseInfo(next, stock);
    });
  }

  /**
   * Reclaims the active leases whose `expiresAt + grace` has passed (of one stock, or all):
   * their unreported units move from `leased` to `granted` (written off), never to
   * `remaining`. Answers the leases reclaimed.
   */
  reclaimExpired(stockId?: string): Promise<LeaseInfo[]> {
    return this.database.transaction(async (trx) => {
      const now = this.now();
      let query = trx
        .selectFrom('leases as l')
        .innerJoin('chain_stocks as s', 's.id', 'l.stock_id')
        .selectAll('l')
        .select(['s.owner_type', 's.owner_id', 's.grace_ms'])
        .where('l.state', '=', 'active')
        .where((eb) => eb(eb('l.expires_at', '+', eb.ref('s.grace_ms')), '<=', now));
      if (stockId !== undefined) query = query.where('l.stock_id', '=', stockId);
      if (this.locking) query = query.forUpdate();
      const due = await query.execute();
      if (due.length === 0) return [];
      // One statement for the leases; one per stock for the counters.
      await trx
        .updateTable('leases')
        .set((eb) => ({ written_off: eb('units', '-', eb.ref('consumed')), state: 'reclaimed', updated_at: now, closed_at: now }))
        .where('id', 'in', due.map((l) => l.id))
        .where('state', '=', 'active')
        .execute();
      const perStock = new Map<string, number>();
      for (const l of due) perStock.set(l.stock_id, (perStock.get(l.stock_id) ?? 0) + l.units - l.consumed);
      for (const [id, units] of perStock) {
        await trx
          .updateTable('chain_stocks')
          .set((eb) => ({ leased: eb('leased', '-', units), granted: eb('granted', '+', units), updated_at: now }))
          .where('id', '=', id)
          .execute();
      }
      return due.map((l) => leaseInfo({ ...l, written_off: l.units - l.consumed, state: 'reclaimed', updated_at: now, closed_at: now }, l));
    });
  }

  private async stock(db: Kysely<SyncTables>, id: string): Promise<StockRow> {
    const row = await db.selectFrom('chain_stocks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new CampaignError('SY_NOT_FOUND', { what: 'chain-stock' satisfies SyncNotFoundWhat, id });
    return row;
  }
}

function requireStore(principal: Principal): string {
  if (principal.kind !== 'store') throw new CampaignError('SY_FORBIDDEN', { role: principal.role satisfies ForbiddenRole, action: 'lease-chain-stock' satisfies ForbiddenAction });
  return principal.storeId;
}
