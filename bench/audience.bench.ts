// `npm run bench -- audience [--customers=N] [--activity=X] [--import-rows=N] [--runs=N] [--naive=0|1] [--seed-only]`
// Seeds a demo chain (default 100,000 customers at activity 2 ≈ 2,000,000 events) once into a
// cache under the temp dir (reused by later runs: seeding 100,000 customers takes minutes),
// then times the 3-condition rule (level + birthday this month + browsed but not bought
// in 7 days): live count (median of --runs) and the full id stream, beside a naive baseline
// measured in the same run (load every customer and every event, filter in JS; by default only
// up to 200,000 customers, where it still fits in memory). Then the import rate of an events
// CSV of --import-rows rows, into a separate database of 20,000 customers (the cached one stays
// unchanged). The 1,000,000-customer line: --customers=1000000. --seed-only fills the cache.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchesRule, type EvaluationContext } from '../main/core/audience/evaluate.ts';
import type { AudienceRule } from '../main/core/audience/rule.ts';
import { validateRule } from '../main/core/audience/validate.ts';
import type { CustomerEvent } from '../main/core/customers/customer.ts';
import { openDatabase, type AppDatabase } from '../main/db/open-database.ts';
import { fromCustomerDoc, type CustomerDoc } from '../main/db/schemas/customers.ts';
import { customerDocWithEvents } from '../main/engine/customers/record-events.ts';
import { fromEventDoc, toEventDoc } from '../main/db/schemas/customer-events.ts';
import { countMembers, streamMemberIds } from '../main/engine/audience/evaluate-audience.ts';
import { importFile } from '../main/engine/import/import-file.ts';
import { rxdbImportSink } from '../main/engine/import/rxdb-sink.ts';
import { generateDemo } from '../resources/demo/generate-demo.ts';
import { printTable } from './table.ts';

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const NOW = Date.parse('2026-11-25T04:00:00Z');
/** Bump when the seeded data would differ (generator, schemas). */
const CACHE_VERSION = 1;

/** Inserts a generated chain (customers with their events, or customers only) in batches. */
async function seed(database: AppDatabase, customers: number, activity: number, withEvents: boolean): Promise<number> {
  const { collections } = database;
  let batch: { customers: CustomerDoc[]; events: ReturnType<typeof toEventDoc>[] } = { customers: [], events: [] };
  let events = 0;
  const flush = async () => {
    await collections.customers.bulkInsert(batch.customers);
    if (batch.events.length > 0) await collections.events.bulkInsert(batch.events);
    events += batch.events.length;
    batch = { customers: [], events: [] };
  };
  for (const item of generateDemo({ stores: 10, customers, now: NOW, activity })) {
    batch.customers.push(customerDocWithEvents(item.customer, withEvents ? item.events : []));
    if (withEvents) batch.events.push(...item.events.map(toEventDoc));
    if (batch.customers.length >= 2000) await flush();
  }
  await flush();
  return events;
}

/** The seeded chain's data dir, seeded on first use (into a side dir, renamed when complete). */
async function cachedChain(customers: number, activity: number): Promise<{ dataDir: string; events: number }> {
  const root = join(tmpdir(), 'cd-bench-audience-cache');
  const dataDir = join(root, `v${CACHE_VERSION}-c${customers}-a${activity}`);
  const marker = join(dataDir, 'seeded.json');
  if (existsSync(marker)) {
    const { events } = JSON.parse(readFileSync(marker, 'utf8')) as { events: number };
    console.log(`cached chain: ${dataDir}`);
    return { dataDir, events };
  }
  mkdirSync(root, { recursive: true });
  const partial = `${dataDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const t0 = performance.now();
  // Schema validation is off for seeding speed; the data comes from the generator.
  const database = await openDatabase({ dataDir: partial, validate: false });
  let events: number;
  try {
    events = await seed(database, customers, activity, true);
  } finally {
    await database.close();
  }
  writeFileSync(join(partial, 'seeded.json'), JSON.stringify({ customers, activity, events }));
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
  console.log(`seeded ${customers.toLocaleString()} customers and ${events.toLocaleString()} events in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached in ${dataDir})`);
  return { dataDir, events };
}

/** Events CSV import rate, into a fresh database of `customers` customers (without events). */
async function importRate(rows: number, customers: number): Promise<{ rowsPerSecond: number; rows: number; imported: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-bench-audience-import-'));
  try {
    const database = await openDatabase({ dataDir: dir, validate: false });
    try {
      await seed(database, customers, 1, false);
      const csv = join(dir, 'events.csv');
      const out = createWriteStream(csv);
      out.write('event_id,customer_id,type,at,category,amount\n');
      for (let i = 0; i < rows; i++) {
        const line = `imp-${i},M${String((i % customers) + 1).padStart(7, '0')},browse,2026-11-${String((i % 20) + 1).padStart(2, '0')} 10:00:00,咖啡,\n`;
        if (!out.write(line)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      const t0 = performance.now();
      const imported = await importFile({ kind: 'events', path: csv, sink: rxdbImportSink(database.collections), errorPath: join(dir, 'errors.csv'), zone: 'Asia/Shanghai', defaultStoreId: 'S01', now: new Date(NOW).toISOString(), batchSize: 5000 });
      return { rowsPerSecond: (imported.rows / (performance.now() - t0)) * 1000, rows: imported.rows, imported: imported.imported };
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Naive baseline: every customer and every event in memory, the rule in JS. */
async function naiveCount(database: AppDatabase, rule: AudienceRule, ctx: EvaluationContext): Promise<number> {
  const { collections } = database;
  const allCustomers = (await collections.customers.find().exec()).map((d) => fromCustomerDoc(d.toMutableJSON() as CustomerDoc));
  const byCustomer = new Map<string, CustomerEvent[]>();
  for (const d of await collections.events.find().exec()) {
    const e = fromEventDoc(d.toMutableJSON());
    const list = byCustomer.get(e.customerId);
    if (list) list.push(e);
    else byCustomer.set(e.customerId, [e]);
  }
  return allCustomers.filter((c) => matchesRule(rule.root, c, byCustomer.get(c.externalId) ?? [], ctx)).length;
}

export default async function run(): Promise<void> {
  const customers = flag('customers', 100_000);
  const activity = flag('activity', 2);
  const importRows = flag('import-rows', 1_000_000);
  const runs = flag('runs', 5);
  const withNaive = flag('naive', customers <= 200_000 ? 1 : 0) === 1;
  const options = { now: NOW, defaultZone: 'Asia/Shanghai' };
  const ctx: EvaluationContext = { now: NOW, zoneOf: () => 'Asia/Shanghai' };
  const chain = await cachedChain(customers, activity);
  if (process.argv.includes('--seed-only')) return;

  const rule = validateRule({
    version: 1,
    root: {
      op: 'and',
      children: [
        { kind: 'attribute', field: 'level', cmp: 'gte', value: 2 },
        { kind: 'birthday', when: 'thisMonth' },
        { kind: 'absence', event: 'browse', within: { days: 7 }, thenNo: 'order' },
      ],
    },
  });

  let t0 = performance.now();
  // Opening creates declared expression indexes the file lacks (once: slow on a large file).
  const database = await openDatabase({ dataDir: chain.dataDir, validate: false });
  const openMs = performance.now() - t0;
  let count = 0;
  const counts: number[] = [];
  let firstMs = 0;
  let streamMs: number;
  let streamed = 0;
  let naiveMs = NaN;
  let naive: number | undefined;
  try {
    const { collections } = database;
    for (let i = 0; i < runs + 1; i++) {
      t0 = performance.now();
      count = await countMembers(rule, collections, options);
      if (i > 0) counts.push(performance.now() - t0);
      else firstMs = performance.now() - t0;
    }
    t0 = performance.now();
    for await (const page of streamMemberIds(rule, collections, options)) streamed += page.length;
    streamMs = performance.now() - t0;
    if (withNaive) {
      t0 = performance.now();
      naive = await naiveCount(database, rule, ctx);
      naiveMs = performance.now() - t0;
    }
  } finally {
    await database.close();
  }
  if (streamed !== count || (naive !== undefined && naive !== count)) throw new Error(`disagreement: count ${count}, streamed ${streamed}, naive ${naive ?? '-'}`);

  const imported = importRows > 0 ? await importRate(importRows, Math.min(customers, 20_000)) : undefined;

  const ratio = (ms: number) => (Number.isNaN(naiveMs) ? 'not run' : `${(naiveMs / ms).toFixed(1)}x faster`);
  console.log(`rule: level ≥ 2 AND birthday this month AND browsed without ordering in 7 days → ${count.toLocaleString()} members`);
  console.log(`open (creates missing indexes): ${Math.round(openMs).toLocaleString()} ms; first count (cold caches): ${Math.round(firstMs).toLocaleString()} ms`);
  printTable(
    ['measure', 'indexed (ours)', 'naive baseline', 'ratio', 'target'],
    [
      ['live count, median ms', median(counts), Number.isNaN(naiveMs) ? 'not run' : naiveMs, ratio(median(counts)), customers <= 100_000 ? 'p50 < 300 ms' : 'report'],
      ['full id stream, ms', streamMs, Number.isNaN(naiveMs) ? 'not run' : naiveMs, ratio(streamMs), customers <= 100_000 ? '< 2,000 ms' : 'report'],
      ['events CSV import, rows/s', imported ? imported.rowsPerSecond : 'not run', '', '', 'report'],
    ],
  );
  console.log(
    `customers ${customers.toLocaleString()}, events ${chain.events.toLocaleString()}` +
      (imported ? `, import ${imported.rows.toLocaleString()} rows (${imported.imported.toLocaleString()} imported) for 20,000 customers` : ''),
  );
}
