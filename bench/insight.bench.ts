// `npm run bench -- insight [--granted=N] [--orders=N] [--runs=N] [--trace]`
// Campaign results for a plan with --granted customers granted (default 100,000) and
// --orders order events (default 1,000,000) in a real SQLite database: plan A grants them a
// coupon (10% of its audience more are its holdout), plan B grants 30% of them again two days
// later (overlap), orders are spread over 60 days around the grants. Times the results (SQL
// over the storage's indexes, median of --runs) with the 7-day window and with a 60-day window
// (every order of the granted customers read), beside the naive baseline measured in the same
// run (every grant and order loaded through RxDB queries, computed in JS); checks they agree.
// Then drops the declared expression indexes and times the open that creates them again (an
// existing file from before them). The machine's load average is printed: the times depend on it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../main/core/clock.ts';
import { DAY_MS } from '../main/core/insight/attribution.ts';
import { computePlanResults } from '../main/core/insight/results.ts';
import { EXPRESSION_INDEXES } from '../main/db/expression-indexes.ts';
import { openDatabase } from '../main/db/open-database.ts';
import { expressionIndexName } from '../main/db/storage-sqlite/sqlite-file.ts';
import type { CustomerEventDoc } from '../main/db/schemas/customer-events.ts';
import type { GrantDoc } from '../main/db/schemas/grants.ts';
import type { MessageDoc } from '../main/db/schemas/messages.ts';
import type { Task } from '../main/core/plans/run.ts';
import { grantDoc, messageDoc, orderDoc, planDoc, runDoc, taskDoc } from '../main/engine/insight/insight-fixtures.ts';
import { InsightService } from '../main/engine/insight/insight-service.ts';
import { traceInsightSql } from '../main/engine/insight/sql-plan-facts.ts';
import { loadPlanDataNaive, naivePlanFacts } from '../main/engine/insight/naive-plan-facts.ts';
import { printTable } from './table.ts';

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2026, 9, 1, 2, 0, 0);
const ZONE = 'Asia/Shanghai';

export default async function run(): Promise<void> {
  const granted = flag('granted', 100_000);
  const orderCount = flag('orders', 1_000_000);
  const runs = flag('runs', 5);
  const control = Math.round(granted / 10);
  const overlap = Math.round(granted * 0.3);
  const customerCount = granted * 2;
  const id = (i: number) => `M${String(i).padStart(7, '0')}`;
  const dir = mkdtempSync(join(tmpdir(), 'cd-bench-insight-'));
  const rnd = random(42);
  try {
    const database = await openDatabase({ dataDir: dir, validate: false });
    const c = database.collections;
    let t0 = performance.now();
    await c.plans.bulkInsert([planDoc('plan-a', 'Plan A', 'S01', T0), planDoc('plan-b', 'Plan B', 'S02', T0)]);
    const skipped = { holdout: control };
    await c.planRuns.bulkInsert([
      runDoc('run-a', 'plan-a', T0, { total: granted + control, done: granted, granted, sent: granted, skipped: control }, skipped),
      runDoc('run-b', 'plan-b', T0 + 2 * DAY_MS, { total: overlap, done: overlap, granted: overlap }),
    ]);
    // Run A's chunks: every 11th customer of the first granted + control ones is in the holdout.
    const tasks: Task[] = [];
    let members: { customerId: string; item: Task['items'][number] }[] = [];
    for (let i = 1; i <= granted + control; i++) {
      members.push({ customerId: id(i), item: i > granted ? { s: 'skipped', r: 'holdout', a: 0 } : { s: 'done', a: 1, g: 1, m: 1 } });
      if (members.length === 500) {
        tasks.push(taskDoc('run-a', 'plan-a', tasks.length, members, T0));
        members = [];
      }
    }
    if (members.length > 0) tasks.push(taskDoc('run-a', 'plan-a', tasks.length, members, T0));
    await c.tasks.bulkInsert(tasks);
    let grants: GrantDoc[] = [];
    let messages: MessageDoc[] = [];
    for (let i = 1; i <= granted; i++) {
      const at = T0 + Math.floor(rnd() * 3_600_000);
      grants.push(grantDoc({ id: `GA${i}`, planId: 'plan-a', runId: 'run-a', customerId: id(i), grantedAt: at, usedAt: rnd() < 0.2 ? at + Math.floor(rnd() * 14 * DAY_MS) : null }));
      messages.push(messageDoc(`MA${i}`, 'plan-a', 'run-a', id(i), rnd() < 0.98 ? 'sent' : 'failed', at));
      if (i <= overlap) grants.push(grantDoc({ id: `GB${i}`, planId: 'plan-b', runId: 'run-b', customerId: id(i), grantedAt: T0 + 2 * DAY_MS + Math.floor(rnd() * 3_600_000) }));
      if (grants.length >= 5000) {
        await c.grants.bulkInsert(grants);
        await c.messages.bulkInsert(messages);
        grants = [];
        messages = [];
      }
    }
    await c.grants.bulkInsert(grants);
    await c.messages.bulkInsert(messages);
    let events: CustomerEventDoc[] = [];
    for (let i = 0; i < orderCount; i++) {
      const customer = 1 + Math.floor(rnd() * customerCount);
      const at = T0 - 30 * DAY_MS + Math.floor(rnd() * 60 * DAY_MS);
      events.push(orderDoc(`E${i}`, id(customer), at, 1000 + Math.floor(rnd() * 20_000), `S0${1 + (customer % 5)}`));
      if (events.length >= 10_000) {
        await c.events.bulkInsert(events);
        events = [];
      }
    }
    await c.events.bulkInsert(events);
    const seedMs = performance.now() - t0;
    console.log(`seeded ${granted.toLocaleString()} granted (+${control.toLocaleString()} holdout, ${overlap.toLocaleString()} also by plan B), ${orderCount.toLocaleString()} orders in ${(seedMs / 1000).toFixed(1)} s`);

    const insight = new InsightService(database.file, new ManualClock(T0 + 40 * DAY_MS), () => ZONE);
    const timed = (windowDays: number) => {
      const times: number[] = [];
      let result = insight.planResults('plan-a', { windowDays });
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        result = insight.planResults('plan-a', { windowDays });
        times.push(performance.now() - start);
      }
      return { result, ms: median(times), first: times[0] ?? NaN };
    };
    if (process.argv.includes('--trace')) traceInsightSql((sql, ms) => ms > 20 && console.log(`${ms.toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`));
    const w7 = timed(7);
    traceInsightSql(null);
    const w60 = timed(60);

    t0 = performance.now();
    const data = await loadPlanDataNaive(c, 'plan-a');
    const naive7 = computePlanResults(naivePlanFacts(data, 7 * DAY_MS), { windowDays: 7, zone: ZONE });
    const naiveMs = performance.now() - t0;
    const naive60 = computePlanResults(naivePlanFacts(data, 60 * DAY_MS), { windowDays: 60, zone: ZONE });
    const same = JSON.stringify(naive7) === JSON.stringify(w7.result) && JSON.stringify(naive60) === JSON.stringify(w60.result);
    if (!same) throw new Error('the SQL results and the naive results disagree');
    await database.close();

    // A file from before the declared indexes: opening it creates them (once).
    const raw = new Database(database.file);
    const tables = new Map(raw.prepare('SELECT collection, name FROM _cd_tables').raw().all() as [string, string][]);
    for (const index of EXPRESSION_INDEXES) {
      const table = tables.get(index.collection);
      if (table) raw.exec(`DROP INDEX IF EXISTS "${expressionIndexName(table, index.name)}"`);
    }
    raw.close();
    t0 = performance.now();
    await (await openDatabase({ dataDir: dir, validate: false })).close();
    const indexMs = performance.now() - t0;

    const r = w7.result;
    console.log(
      `plan A, 7-day window: ${r.totals.orders.toLocaleString()} attributed orders, revenue ${(r.totals.revenue / 100).toLocaleString()} yuan, ` +
        `lift ${(r.lift!.difference * 100).toFixed(2)} points [${(r.lift!.ciLow * 100).toFixed(2)}, ${(r.lift!.ciHigh * 100).toFixed(2)}]; 60-day window: ${w60.result.totals.orders.toLocaleString()} orders`,
    );
    printTable(
      ['measure', 'SQL over indexes (ours)', 'naive full scan (RxDB)', 'ratio', 'target'],
      [
        ['plan results, 7-day window, median ms', w7.ms, naiveMs, `${(naiveMs / w7.ms).toFixed(1)}x faster`, '< 2,000 ms'],
        ['plan results, 60-day window (all orders of the customers), median ms', w60.ms, naiveMs, `${(naiveMs / w60.ms).toFixed(1)}x faster`, 'report'],
        ['open a file without the declared indexes (creates them once), ms', indexMs, '', '', 'report'],
      ],
    );
    console.log(`granted ${granted.toLocaleString()}, orders ${orderCount.toLocaleString()}, runs ${runs}; the naive baseline computes both windows from one load; results identical: ${same}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
