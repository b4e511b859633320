import type Database from 'better-sqlite3';
import type { RxCollection } from 'rxdb';
import type { RxStorageInstanceSqlite } from '../../db/storage-sqlite/rx-storage-instance-sqlite.ts';
import { sqliteInstanceOf } from '../../db/storage-sqlite/sqlite-instance-of.ts';
import { openSqlReader, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { sampleBucket } from '../../core/audience/sample.ts';
import type { AudienceData } from './audience-data.ts';

/**
 * Where an audience can be evaluated with SQL: the SQLite file and the tables of the customers
 * and events collections. Absent when the collections live in another storage (then RxDB
 * queries evaluate it).
 */
export interface SqlSource {
  /** The SQLite file (open in this process; readers share its connection). */
  file: string;
  /** The connection, for the SQL functions the compiled rules call. */
  db: Database.Database;
  customers: { collection: string; version: number };
  events: {
    collection: string;
    version: number;
    /** Key columns (`sql-reader.ts`) of the events' schema indexes [type, at] and [customerId, at]. */
    byTypeAt: string;
    byCustomerAt: string;
  };
}

/** The key column of a schema index (RxDB adds `_deleted` first and the primary key last). */
function keyColumn(instance: RxStorageInstanceSqlite<unknown>, fields: string[]): string | undefined {
  const wanted = ['_deleted', ...fields, instance.primaryPath].join(',');
  return instance.internals.indexes.find((index) => index.fields.join(',') === wanted)?.column;
}

export function sqlSourceOf(data: AudienceData): SqlSource | undefined {
  const customers = sqliteInstanceOf(data.customers as unknown as RxCollection);
  const events = sqliteInstanceOf(data.events as unknown as RxCollection);
  if (!customers || !events || customers.internals.file !== events.internals.file) return undefined;
  const byTypeAt = keyColumn(events, ['type', 'at']);
  const byCustomerAt = keyColumn(events, ['customerId', 'at']);
  if (byTypeAt === undefined || byCustomerAt === undefined) return undefined;
  registerFunctions(customers.internals.file.db);
  return {
    file: customers.storage.databaseFile(customers.databaseName),
    db: customers.internals.file.db,
    customers: { collection: customers.collectionName, version: customers.schema.version },
    events: { collection: events.collectionName, version: events.schema.version, byTypeAt, byCustomerAt },
  };
}

/** Runs `fn` with a reader on the source's connection, released afterwards. */
export function withReader<T>(source: SqlSource, fn: (reader: SqlReader) => T): T {
  const reader = openSqlReader(source.file);
  try {
    return fn(reader);
  } finally {
    reader.close();
  }
}

/**
 * Customer id sets that compiled rules test membership of (`cd_audience_in(handle, id)`), by
 * handle. An entry lives as long as the compiled audience that owns it.
 */
const sets = new Map<number, ReadonlySet<string>>();
let nextHandle = 1;
const released = new FinalizationRegistry<number[]>((handles) => {
  for (const h of handles) sets.delete(h);
});

/** Registers `set` for `cd_audience_in` (its handle); `releaseSetsWith` ties its lifetime to an owner. */
export function registerSet(set: ReadonlySet<string>): number {
  const handle = nextHandle++;
  sets.set(handle, set);
  return handle;
}

/** Drops the sets of `handles` once `owner` (the compiled audience using them) is garbage collected. */
export function releaseSetsWith(owner: object, handles: number[]): void {
  if (handles.length > 0) released.register(owner, handles);
}

const prepared = new WeakSet<Database.Database>();

/**
 * `cd_audience_in(handle, id)`: 1 when the id is in the registered set.
 * `cd_audience_sample(seed, id)`: the customer's sample bucket (`core/audience/sample.ts`).
 */
function registerFunctions(db: Database.Database): void {
  if (prepared.has(db)) return;
  db.function('cd_audience_in', { deterministic: false }, (handle: unknown, id: unknown) => (sets.get(Number(handle))?.has(String(id)) ? 1 : 0));
  db.function('cd_audience_sample', { deterministic: true }, (seed: unknown, id: unknown) => sampleBucket(String(seed), String(id)));
  prepared.add(db);
}
