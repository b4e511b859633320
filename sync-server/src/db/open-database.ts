import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { migrateToLatest } from './migrations.ts';
import type { SyncTables } from './tables.ts';

export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** One query layer over SQLite or PostgreSQL, with the write lock the replication needs. */
export interface SyncDatabase {
  readonly kind: DatabaseLocation['kind'];
  readonly db: Kysely<SyncTables>;
  /** The location with any password hidden, for logs. */
  readonly label: string;
  /** PostgreSQL's connection string (for LISTEN), absent for SQLite. */
  readonly postgresUrl?: string;
  /**
   * Runs `work` in one transaction that holds `collection`'s write lock, so writers of a
   * collection run one at a time across every server node (see `document-store.ts` for why):
   * a transaction-scoped advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite.
   */
  writeTransaction<T>(collection: string, work: (trx: Kysely<SyncTables>) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction without a collection lock (BEGIN IMMEDIATE on SQLite). */
  transaction<T>(work: (trx: Kysely<SyncTables>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `sqlite:<file>` or `postgres://…` / `postgresql://…`. */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new CampaignError('SY_BAD_DATABASE_URL', { url, reason: 'sqlite: needs a file, e.g. sqlite:./sync.sqlite' });
    return { kind: 'sqlite', file: resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new CampaignError('SY_BAD_DATABASE_URL', { url: redact(url), reason: 'not a valid URL' });
    }
    return { kind: 'postgres', url };
  }
  throw new CampaignError('SY_BAD_DATABASE_URL', { url: redact(url), reason: 'use sqlite:FILE or postgres://USER:PASSWORD@HOST:PORT/DATABASE' });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

// PostgreSQL's bigint (int8, oid 20) arrives as a string; every bigint here is an epoch-ms
// instant or a checkpoint, both far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// The first number of the two-int advisory lock key: "our" lock space on a shared database.
const ADVISORY_LOCK_SPACE = 0x5c_d5;

/** Opens (creating if needed) and migrates the sync server's database. */
export async function openSyncDatabase(location: DatabaseLocation, options: { poolSize?: number } = {}): Promise<SyncDatabase> {
  if (location.kind === 'sqlite') {
    mkdirSync(dirname(location.file), { recursive: true });
    let sqlite: Database.Database;
    try {
      sqlite = new Database(location.file);
      sqlite.pragma('journal_mode = WAL');
      // FULL: an acknowledged push survives a power cut, not only a killed process.
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('busy_timeout = 5000');
    } catch (error) {
      throw new CampaignError('SY_BAD_DATABASE_URL', { url: `sqlite:${location.file}`, reason: (error as Error).message }, { cause: error });
    }
    const db = new Kysely<SyncTables>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrateToLatest(db as Kysely<unknown>);
    const immediate = <T>(work: (trx: Kysely<SyncTables>) => Promise<T>): Promise<T> =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await work(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn);
          throw error;
        }
      });
    return {
      kind: 'sqlite',
      db,
      label: `sqlite:${location.file}`,
      // One connection (Kysely's driver hands it to one user at a time); BEGIN IMMEDIATE also
      // keeps out another process that opened the same file.
      writeTransaction: (_collection, work) => immediate(work),
      transaction: (work) => immediate(work),
      close: () => db.destroy(),
    };
  }

  const pool = new pg.Pool({ connectionString: location.url, max: options.poolSize ?? 10, types });
  // An idle client's error (e.g. the server restarted) must not crash the process; the pool
  // drops that client and the next query opens a new one.
  pool.on('error', () => undefined);
  const db = new Kysely<SyncTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    if (error instanceof CampaignError) throw error;
    throw new CampaignError('SY_DATABASE', { reason: `${redact(location.url)}: ${(error as Error).message}` }, { cause: error });
  }
  return {
    kind: 'postgres',
    db,
    label: redact(location.url),
    postgresUrl: location.url,
    writeTransaction: (collection, work) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ADVISORY_LOCK_SPACE}, hashtext(${collection}))`.execute(trx);
        return work(trx);
      }),
    transaction: (work) => db.transaction().execute(work),
    close: () => db.destroy(),
  };
}
