import { generateDemo } from '../../resources/demo/generate-demo.ts';
import type { AppDatabase } from '../db/open-database.ts';
import { customerDocWithEvents } from '../engine/customers/record-events.ts';
import { toEventDoc } from '../db/schemas/customer-events.ts';

/** Demo customers have ids M0000001, M0000002, …; nothing else uses that pattern. */
export const DEMO_ID = /^M\d{7}$/;

export interface SeedOptions {
  stores: number;
  customers: number;
  now: number;
  seed?: number;
  onProgress?: (done: number) => void;
}

/** Writes a generated chain into the database in batches (idempotent: same ids every time). */
export async function seedDemo(database: AppDatabase, options: SeedOptions): Promise<{ customers: number; events: number }> {
  const { customers, events } = database.collections;
  let batch: ReturnType<typeof generateDemo> extends Generator<infer T> ? T[] : never = [];
  let counted = { customers: 0, events: 0 };
  const flush = async () => {
    if (batch.length === 0) return;
    await customers.bulkUpsert(batch.map((b) => customerDocWithEvents(b.customer, b.events)));
    const evs = batch.flatMap((b) => b.events.map(toEventDoc));
    await events.bulkUpsert(evs);
    counted = { customers: counted.customers + batch.length, events: counted.events + evs.length };
    options.onProgress?.(counted.customers);
    batch = [];
  };
  for (const item of generateDemo({ stores: options.stores, customers: options.customers, now: options.now, ...(options.seed !== undefined ? { seed: options.seed } : {}) })) {
    batch.push(item);
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return counted;
}

/** Removes the demo customers and their events; imported data stays. */
export async function clearDemo(database: AppDatabase): Promise<{ customers: number; events: number }> {
  const { customers, events } = database.collections;
  let removed = { customers: 0, events: 0 };
  for (;;) {
    const page = await customers.find({ selector: { externalId: { $regex: '^M[0-9]{7}$' } }, limit: 1000 }).exec();
    if (page.length === 0) return removed;
    const ids = page.map((d) => d.externalId);
    const evs = await events.find({ selector: { customerId: { $in: ids } } }).exec();
    const removedEvents = await events.bulkRemove(evs.map((e) => e.eventId));
    const removedCustomers = await customers.bulkRemove(ids);
    // A failed removal would otherwise be found again on the next page, forever.
    const failure = removedEvents.error[0] ?? removedCustomers.error[0];
    if (failure) throw new Error(`removing demo data failed: ${JSON.stringify(failure)}`);
    removed = { customers: removed.customers + ids.length, events: removed.events + evs.length };
  }
}
