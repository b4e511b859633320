import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageSqlite } from '../../db/storage-sqlite/index.ts';
import { customerEventSchema } from '../../db/schemas/customer-events.ts';
import { customerSchema } from '../../db/schemas/customers.ts';
import type { AudienceData } from './audience-data.ts';

/** A real SQLite-backed RxDB with the customer collections, in `directory` (tests, benches). */
export async function openCustomerDatabase(directory: string): Promise<{ db: RxDatabase; data: AudienceData }> {
  const db = await createRxDatabase({ name: 'customers', storage: getRxStorageSqlite({ directory }), multiInstance: false, closeDuplicates: true });
  const collections = await db.addCollections({ customers: { schema: customerSchema }, events: { schema: customerEventSchema } });
  return { db, data: { customers: collections.customers, events: collections.events } as AudienceData };
}
