// The scale line of the storage bench: N customers (the app's schema and indexes) inserted
// through RxDB, then indexed queries that return 100 rows, timed one by one.
import { statSync } from 'node:fs';
import { createRxDatabase } from 'rxdb';
import type { Customer } from '../main/core/customers/customer.ts';
import { customerSchema, toCustomerDoc } from '../main/db/schemas/customers.ts';
import { getRxStorageSqlite } from '../main/db/storage-sqlite/index.ts';
import { formatNumber, printTable } from './table.ts';

const STORES = 100;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛'];

function customer(i: number): Customer {
  // Deterministic spread: every store, level and birthday occurs.
  const month = (i % 12) + 1;
  const day = (Math.floor(i / 12) % 28) + 1;
  const birthday = `19${70 + (i % 30)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return {
    externalId: `C${String(i).padStart(8, '0')}`,
    storeId: `S${String(i % STORES).padStart(3, '0')}`,
    name: `${SURNAMES[i % 10]}${GIVEN[(i * 3) % 15]}${GIVEN[(i * 5) % 15]}`,
    phone: `13${String(100_000_000 + i).slice(-9)}`,
    gender: i % 3 === 0 ? 'female' : i % 3 === 1 ? 'male' : 'unknown',
    birthday,
    level: Math.floor(i / STORES) % 10,
    tags: i % 5 === 0 ? ['vip'] : [],
    points: (i * 13) % 10_000,
    growth: (i * 17) % 5_000,
    isFan: i % 2 === 0,
    registeredAt: new Date(1_600_000_000_000 + i * 60_000).toISOString(),
    totalSpend: (i * 101) % 1_000_000,
    consent: { sms: true, wechat: i % 2 === 0 },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function runScaleBench(directory: string, count: number): Promise<void> {
  console.log(`\nscale: ${count.toLocaleString('en-US')} customers (the app's customers schema: 6 indexes), RxDB bulkInsert in batches of 5,000, no schema validation`);
  const storage = getRxStorageSqlite({ directory });
  const db = await createRxDatabase({ name: 'scale', storage, multiInstance: false });
  const { customers } = await db.addCollections({ customers: { schema: customerSchema } });
  const insertStart = performance.now();
  for (let from = 0; from < count; from += 5000) {
    const docs = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) docs.push(toCustomerDoc(customer(i)));
    const result = await customers.bulkInsert(docs);
    if (result.error.length > 0) throw new Error('scale insert failed');
  }
  const insertMs = performance.now() - insertStart;
  // RxDB finishes some work of the inserts later (change events, document cache); without
  // this the first query would pay for it (0.1 s after 300,000 documents, 0.3 s after 1,000,000).
  await db.requestIdlePromise();

  // A new store (and month-day) each time, so RxDB's query cache never answers.
  const byStoreLevel: number[] = [];
  const byBirthday: number[] = [];
  const byBirthdayUnsorted: number[] = [];
  for (let run = 0; run < 20; run++) {
    const storeId = `S${String((run * 37) % STORES).padStart(3, '0')}`;
    let t = performance.now();
    const a = await customers.find({ selector: { storeId, level: { $gte: 5 } }, sort: [{ level: 'asc' }], limit: 100 }).exec();
    byStoreLevel.push(performance.now() - t);
    const birthMonthDay = `${String((run % 12) + 1).padStart(2, '0')}-${String((run % 28) + 1).padStart(2, '0')}`;
    t = performance.now();
    const b = await customers.find({ selector: { birthMonthDay }, sort: [{ birthMonthDay: 'asc' }, { externalId: 'asc' }], limit: 100 }).exec();
    byBirthday.push(performance.now() - t);
    // Without a sort RxDB sorts by the schema's first index (storeId, level), which this
    // index cannot give: every match is read and sorted.
    const otherDay = `${String(((run + 5) % 12) + 1).padStart(2, '0')}-${String(((run + 3) % 28) + 1).padStart(2, '0')}`;
    t = performance.now();
    const c = await customers.find({ selector: { birthMonthDay: otherDay }, limit: 100 }).exec();
    byBirthdayUnsorted.push(performance.now() - t);
    if (a.length === 0 || b.length === 0 || c.length === 0) throw new Error(`scale queries returned ${a.length}, ${b.length}, ${c.length} rows`);
  }
  const fileMb = statSync(storage.databaseFile('scale')).size / 1024 / 1024;
  await db.remove();
  printTable(
    ['scale', 'value', 'target'],
    [
      ['customers inserted', `${formatNumber(insertMs / 1000)} s (${Math.round(count / (insertMs / 1000)).toLocaleString('en-US')} docs/s)`, '-'],
      ['file size', `${formatNumber(fileMb)} MB`, '-'],
      [`${Math.min(100, count / 2 / STORES)} rows: storeId = ?, level >= 5, by level`, `median ${formatNumber(median(byStoreLevel))} ms, first ${formatNumber(byStoreLevel[0]!)} ms, max ${formatNumber(Math.max(...byStoreLevel))} ms`, '< 20 ms'],
      [`${Math.min(100, Math.round(count / 336))} rows: birthMonthDay = ?, by index order`, `median ${formatNumber(median(byBirthday))} ms, first ${formatNumber(byBirthday[0]!)} ms, max ${formatNumber(Math.max(...byBirthday))} ms`, '< 20 ms'],
      [`the same without a sort (reads ~${Math.round(count / 336).toLocaleString('en-US')} matches)`, `median ${formatNumber(median(byBirthdayUnsorted))} ms`, '-'],
    ],
  );
}
