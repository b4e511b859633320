import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';

/**
 * The schema migrations, oldest first, for SQLite and PostgreSQL alike (Kysely's schema builder
 * writes each dialect's DDL). Never edit a released migration: add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('documents')
        .addColumn('collection', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('published_all', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('documents_pk', ['collection', 'id'])
        .execute();
      // Pulls walk a collection by checkpoint; a store's own documents by owner.
      await db.schema.createIndex('documents_by_seq').on('documents').columns(['collection', 'seq']).unique().execute();
      await db.schema.createIndex('documents_by_owner').on('documents').columns(['collection', 'owner', 'seq']).execute();
      await db.schema
        .createTable('publications')
        .addColumn('collection', 'text', (c) => c.notNull())
        .addColumn('doc_id', 'text', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('publications_pk', ['collection', 'doc_id', 'store_id'])
        .execute();
      await db.schema
        .createTable('sequences')
        .addColumn('collection', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stores')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('store_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
  },
  '0002_allotments': {
    async up(db: Kysely<unknown>) {
      // Chain-wide stock HQ leases to stores (see allotment-store.ts): total = granted + leased + remaining.
      await db.schema
        .createTable('chain_stocks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('remaining', 'bigint', (c) => c.notNull())
        .addColumn('leased', 'bigint', (c) => c.notNull())
        .addColumn('granted', 'bigint', (c) => c.notNull())
        .addColumn('lease_ms', 'bigint', (c) => c.notNull())
        .addColumn('grace_ms', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('chain_stocks_counts', sql`remaining >= 0 and leased >= 0 and granted >= 0 and total = granted + leased + remaining`)
        .execute();
      await db.schema
        .createTable('leases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('stock_id', 'text', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('units', 'bigint', (c) => c.notNull())
        .addColumn('consumed', 'bigint', (c) => c.notNull())
        .addColumn('returned', 'bigint', (c) => c.notNull())
        .addColumn('written_off', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addCheckConstraint('leases_counts', sql`consumed >= 0 and returned >= 0 and written_off >= 0 and consumed + returned + written_off <= units`)
        .execute();
      // A retried lease request finds its lease; reclaiming walks a stock's expired active leases.
      await db.schema.createIndex('leases_by_request').on('leases').columns(['store_id', 'request_id']).unique().execute();
      await db.schema.createIndex('leases_by_stock').on('leases').columns(['stock_id', 'state', 'expires_at']).execute();
    },
  },
  '0003_rate_buckets': {
    async up(db: Kysely<unknown>) {
      // Per-credential request budgets shared by every server node (see shared-rate-limiter.ts).
      await db.schema
        .createTable('rate_buckets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('tokens', 'double precision', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('granted', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the database to the newest schema. Safe to run from several server nodes at once on
 * PostgreSQL: Kysely's migrator takes a lock table row while it works.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'sync_migrations', migrationLockTableName: 'sync_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new CampaignError('SY_DATABASE', { reason: `migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}` }, { cause: error });
  }
}

/** The names of every migration this build knows, oldest first. */
export function knownMigrations(): string[] {
  return Object.keys(migrations).sort();
}
