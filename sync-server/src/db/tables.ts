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
