// `npm run bench -- audience [--customers=N] [--activity=X] [--import-rows=N] [--runs=N]`
// Seeds a demo chain (default 100,000 customers at activity 2 ≈ 2,000,000 events), then times
// the 3-condition rule (level + birthday this month + browsed but not bought in 7 days):
// live count (median of --runs) and the full id stream, beside a naive baseline measured in
// the same run (load every customer and every event, filter in JS). Then the import rate of
// an events CSV of --import-rows rows. The 1,000,000-customer line: --customers=1000000.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchesRule } from '../main/core/audience/evaluate.ts';
import { validateRule } from '../main/core/audience/validate.ts';
import type { CustomerEvent } from '../main/core/customers/customer.ts';
import { openDatabase } from '../main/db/open-database.ts';
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

export default async function run(): Promise<void> {
  const customers = flag('customers', 100_000);
  const activity = flag('activity', 2);
  const importRows = flag('import-rows', 1_000_000);
  const runs = flag('runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'cd-bench-audience-'));
  const now = Date.parse('2026-11-25T04:00:00Z');
  const options = { now, defaultZone: 'Asia/Shanghai' };
  const ctx = { now, zoneOf: () => 'Asia/Shanghai' };
  try {
    // Schema validation is off for seeding speed; the data comes from the generator.
    const database = await openDatabase({ dataDir: dir, validate: false });
    const { collections } = database;
    let t0 = performance.now();
    let batch: { customers: CustomerDoc[]; events: ReturnType<typeof toEventDoc>[] } = { customers: [], events: [] };
    let events = 0;
    for (const item of generateDemo({ stores: 10, customers, now, activity })) {
      batch.customers.push(customerDocWithEvents(item.customer, item.events));
      batch.events.push(...item.events.map(toEventDoc));
      if (batch.customers.length >= 2000) {
        await collections.customers.bulkInsert(batch.customers);
        await collections.events.bulkInsert(batch.events);
        events += batch.events.length;
        batch = { customers: [], events: [] };
      }
    }
    await collections.customers.bulkInsert(batch.customers);
    await collections.events.bulkInsert(batch.events);
    events += batch.events.length;
    const seedMs = performance.now() - t0;
    console.log(`seeded ${customers.toLocaleString()} customers and ${events.toLocaleString()} events in ${(seedMs / 1000).toFixed(1)} s`);

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

    const counts: number[] = [];
    let count = 0;
    for (let i = 0; i < runs + 1; i++) {
      t0 = performance.now();
      count = await countMembers(rule, collections, options);
      if (i > 0) counts.push(performance.now() - t0);
    }
    t0 = performance.now();
    let streamed = 0;
    for await (const page of streamMemberIds(rule, collections, options)) streamed += page.length;
    const streamMs = performance.now() - t0;

    // Naive baseline: every customer and every event in memory, the rule in JS.
    t0 = performance.now();
    const allCustomers = (await collections.customers.find().exec()).map((d) => fromCustomerDoc(d.toMutableJSON() as CustomerDoc));
    const byCustomer = new Map<string, CustomerEvent[]>();
    for (const d of await collections.events.find().exec()) {
      const e = fromEventDoc(d.toMutableJSON());
      const list = byCustomer.get(e.customerId);
      if (list) list.push(e);
      else byCustomer.set(e.customerId, [e]);
    }
    const naiveCount = allCustomers.filter((c) => matchesRule(rule.root, c, byCustomer.get(c.externalId) ?? [], ctx)).length;
    const naiveMs = performance.now() - t0;
    if (naiveCount !== count || streamed !== count) throw new Error(`disagreement: indexed ${count}, streamed ${streamed}, naive ${naiveCount}`);

    // Import rate: an events CSV for existing customers.
    const csv = join(dir, 'events.csv');
    const out = createWriteStream(csv);
    out.write('event_id,customer_id,type,at,category,amount\n');
    for (let i = 0; i < importRows; i++) {
      const line = `imp-${i},M${String((i % customers) + 1).padStart(7, '0')},browse,2026-11-${String((i % 20) + 1).padStart(2, '0')} 10:00:00,咖啡,\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    t0 = performance.now();
    const imported = await importFile({ kind: 'events', path: csv, sink: rxdbImportSink(collections), errorPath: join(dir, 'errors.csv'), zone: 'Asia/Shanghai', defaultStoreId: 'S01', now: new Date(now).toISOString(), batchSize: 5000 });
    const importMs = performance.now() - t0;
    await database.close();

    console.log(`rule: level ≥ 2 AND birthday this month AND browsed without ordering in 7 days → ${count.toLocaleString()} members`);
    printTable(
      ['measure', 'indexed (ours)', 'naive baseline', 'ratio', 'target'],
      [
        ['live count, median ms', median(counts), naiveMs, `${(naiveMs / median(counts)).toFixed(1)}x faster`, customers <= 100_000 ? 'p50 < 300 ms' : 'report'],
        ['full id stream, ms', streamMs, naiveMs, `${(naiveMs / streamMs).toFixed(1)}x faster`, customers <= 100_000 ? '< 2,000 ms' : 'report'],
        ['events CSV import, rows/s', (imported.rows / importMs) * 1000, '', '', 'report'],
      ],
    );
    console.log(`customers ${customers.toLocaleString()}, events ${events.toLocaleString()}, import ${imported.rows.toLocaleString()} rows (${imported.imported.toLocaleString()} imported)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
