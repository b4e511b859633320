import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import type { CustomerEventDoc } from './schemas/customer-events.ts';
import type { CustomerDoc } from './schemas/customers.ts';
import { collectionCreators, type CollectionName } from './collections.ts';
import { getRxStorageSqlite } from './storage-sqlite/index.ts';

export interface AppCollections {
  customers: RxCollection<CustomerDoc>;
  events: RxCollection<CustomerEventDoc>;
}

export interface AppDatabase {
  db: RxDatabase;
  collections: AppCollections;
  /** The SQLite file holding everything. */
  file: string;
  /** Documents per collection. */
  counts(): Promise<Record<CollectionName, number>>;
  close(): Promise<void>;
}

export const DATABASE_NAME = 'campaign-desk';

/**
 * Opens (creating if needed) the app's database in `<dataDir>/db/campaign-desk.sqlite`.
 * Documents are validated against their JSON schema on every write, so nothing malformed is
 * stored whichever path it came by.
 */
export async function openDatabase(options: { dataDir: string }): Promise<AppDatabase> {
  const directory = join(options.dataDir, 'db');
  mkdirSync(directory, { recursive: true });
  const sqlite = getRxStorageSqlite({ directory });
  const db = await createRxDatabase({
    name: DATABASE_NAME,
    storage: wrappedValidateAjvStorage({ storage: sqlite }),
    multiInstance: false,
    closeDuplicates: true,
  });
  try {
    const collections = (await db.addCollections(collectionCreators)) as unknown as AppCollections;
    return {
      db,
      collections,
      file: sqlite.databaseFile(DATABASE_NAME),
      async counts() {
        const entries = await Promise.all(
          (Object.keys(collectionCreators) as CollectionName[]).map(async (name) => [name, await collections[name].count().exec()] as const),
        );
        return Object.fromEntries(entries) as Record<CollectionName, number>;
      },
      close: async () => {
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
