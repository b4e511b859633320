/**
 * The sync server's tables, the same in SQLite and PostgreSQL (see `migrations.ts`). Instants
 * are epoch milliseconds; flags are 0/1 integers so both databases read them alike.
 */
export interface SyncTables {
  /** Every replicated document of every collection, as the master state RxDB compares against. */
  documents: {
    collection: string;
    id: string;
    /** The store that owns it, or '' for an HQ document (visible to stores it is published to). */
    owner: string;
    /** 1 when an HQ document is published to every store. */
    published_all: number;
    deleted: number;
    /** The collection's checkpoint: unique and rising within a collection, assigned under its write lock. */
    seq: number;
    /** The document as the last accepted push sent it (JSON, with `_deleted`). */
    data: string;
    updated_at: number;
    /** The credential that wrote it. */
    updated_by: string;
  };
  /** The stores an HQ document is published to (when not to all). */
  publications: {
    collection: string;
    doc_id: string;
    store_id: string;
  };
  /** The last checkpoint handed out per collection. */
  sequences: {
    collection: string;
    seq: number;
  };
  stores: {
    id: string;
    name: string;
    created_at: number;
  };
  users: {
    id: string;
    name: string;
    role: string;
    created_at: number;
  };
  /**
   * Chain-wide stock of a right or package, leased to stores in shares (`allotment-store.ts`).
   * Always total = granted + leased + remaining (a CHECK constraint holds it).
   */
  chain_stocks: {
    id: string;
    owner_type: string;
    owner_id: string;
    total: number;
    /** Units no store holds: the next leases come from here. */
    remaining: number;
    /** Units held by open leases and not yet reported as granted. */
    leased: number;
    /** Units stores reported as granted, plus units of reclaimed leases never reported. */
    granted: number;
    /** How long a lease runs from when it is made, and how long after its end HQ may reclaim it. */
    lease_ms: number;
    grace_ms: number;
    /** No lease runs past this instant (e.g. the plan's end); null = none. */
    ends_at: number | null;
    created_at: number;
    updated_at: number;
  };
  /** A token bucket per credential, shared by every server node (`shared-rate-limiter.ts`). */
  rate_buckets: {
    key: string;
    tokens: number;
    /** When `tokens` was last computed (epoch ms). */
    at: number;
    /** 1 when the last request took a token, 0 when it was refused. */
    granted: number;
  };
  /** A store's share of a chain stock. */
  leases: {
    id: string;
    stock_id: string;
    store_id: string;
    /** The store's id for the request, so a retried request gets the same lease. */
    request_id: string;
    units: number;
    /** Units the store reported as granted (only rises). */
    consumed: number;
    /** Units given back to remaining. */
    returned: number;
    /** Units of a reclaimed lease counted as granted until the store reports. */
    written_off: number;
    /** 'active', 'returned' (closed by the store) or 'reclaimed' (by HQ after expiry + grace). */
    state: string;
    expires_at: number;
    created_at: number;
    updated_at: number;
    closed_at: number | null;
  };
  /** Bearer credentials of stores and HQ users; only a hash of the token is kept. */
  credentials: {
    id: string;
    token_hash: string;
    store_id: string | null;
    user_id: string | null;
    label: string;
    created_at: number;
    revoked_at: number | null;
  };
}
