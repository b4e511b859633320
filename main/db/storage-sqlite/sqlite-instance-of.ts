import type { RxCollection, RxStorageInstance } from 'rxdb';
import { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';

/**
 * The SQLite storage instance of a collection under RxDB's wrappers (schema validation), or
 * undefined when the collection lives in another storage: for the SQL readers that answer what
 * RxDB's queries cannot do fast, with an RxDB query as the fallback.
 */
export function sqliteInstanceOf(collection: RxCollection): RxStorageInstanceSqlite<unknown> | undefined {
  let instance: unknown = collection.internalStorageInstance;
  for (let depth = 0; depth < 8 && instance !== undefined; depth++) {
    if (instance instanceof RxStorageInstanceSqlite) return instance as RxStorageInstanceSqlite<unknown>;
    instance = (instance as { originalStorageInstance?: RxStorageInstance<unknown, unknown, unknown> }).originalStorageInstance;
  }
  return undefined;
}
