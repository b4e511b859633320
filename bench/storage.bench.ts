// `npm run bench -- storage [--rounds=N] [--workload-rounds=N] [--dexie-runs=N] [--scale-docs=N]`
// RxDB's own `runPerformanceTests` on the Campaign Desk SQLite storage, the memory storage and
// Dexie + fake-indexeddb, against raw better-sqlite3 doing the same work; the same work on the
// storage instance alone (without RxDB's collection layer); then the scale line: N customers
// (default 100,000; the figure is --scale-docs=1000000, a few minutes).
// The machine is shared, so the targets are measured in alternating rounds and compared by
// their medians; the first round only warms up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { runPerformanceTests } from 'rxdb/plugins/test-utils';
import { getRxStorageSqlite } from '../main/db/storage-sqlite/index.ts';
import { runScaleBench } from './storage-scale.ts';
import { leanSqliteTarget, rawSqliteTarget, runWorkloadRound, sqliteInstanceTarget, WORKLOAD_STEPS, type WorkloadStep } from './storage-workload.ts';
import { formatNumber, printTable } from './table.ts';

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

type Times = Record<string, number>;

async function perf(storage: RxStorage<unknown, unknown>, runs: number): Promise<Times> {
  const result = await runPerformanceTests(storage, 'bench', { runs, waitBetweenTests: 20, log: false });
  return result as unknown as Times;
}

function medianOf(rounds: Times[], key: string): number {
  const values = rounds.map((r) => r[key]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? NaN;
}

const RXDB_OPERATIONS: { key: string; what: string }[] = [
  { key: 'time-to-first-insert', what: 'open db, 4 collections, 1st insert' },
  { key: 'insert-documents-500', what: 'bulk insert 500 (of 3000)' },
  { key: 'find-by-ids-3000', what: 'read 3000 by id' },
  { key: 'serial-inserts-50', what: '50 single inserts' },
  { key: 'serial-find-by-id-50', what: '50 single reads by id' },
  { key: 'find-by-query', what: 'all 3050, sorted by an index' },
  { key: 'find-by-query-parallel-4', what: '4 index ranges of 750' },
  { key: '4x-count', what: '4 counts of 750' },
  { key: 'property-access', what: 'a field of 3050 docs' },
];

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${formatNumber(a / b)}x` : '-');

export default async function storageBench(): Promise<void> {
  const rounds = Math.max(2, flag('rounds', 8));
  const dexieRuns = flag('dexie-runs', 2);
  const workloadRounds = Math.max(1, flag('workload-rounds', 5));
  const dir = mkdtempSync(join(tmpdir(), 'bench-storage-'));
  try {
    console.log(`${rounds} rounds (the first warms up) of: runPerformanceTests on sqlite and memory, ${workloadRounds}x the workload raw, on the storage instance and lean raw; Dexie: ${dexieRuns} runs (its find-by-query takes seconds)`);
    const sqliteStorage = getRxStorageSqlite({ directory: join(dir, 'rxdb') });
    const sqlite: Times[] = [];
    const memory: Times[] = [];
    const raw: Times[] = [];
    const lean: Times[] = [];
    const instance: Times[] = [];
    for (let round = 0; round < rounds; round++) {
      const keep = round > 0;
      const s = await perf(sqliteStorage, 1);
      const m = await perf(getRxStorageMemory(), 1);
      if (keep) {
        sqlite.push(s);
        memory.push(m);
      }
      // The workload is cheap (a fraction of a second) and its steps short: several rounds of
      // it per round give steadier medians on a shared machine.
      for (let w = 0; w < workloadRounds; w++) {
        const r = await runWorkloadRound(rawSqliteTarget);
        const i = await runWorkloadRound(sqliteInstanceTarget);
        const l = await runWorkloadRound(leanSqliteTarget);
        if (keep) {
          raw.push(r);
          instance.push(i);
          lean.push(l);
        }
      }
    }
    const dexie = await perf(getRxStorageDexie({ indexedDB, IDBKeyRange }), dexieRuns);

    console.log('\nThrough RxDB (runPerformanceTests, median ms; raw = better-sqlite3 storing the same documents with the same indexes, without RxDB;');
    console.log('memory = RxDB on its in-memory storage: what RxDB\'s own collection layer costs with next to no storage work):');
    printTable(
      ['operation', 'work', 'sqlite (ours)', 'raw sqlite', 'ours/raw', 'memory', 'dexie+fake-idb', 'dexie/ours'],
      RXDB_OPERATIONS.map(({ key, what }) => {
        const ours = medianOf(sqlite, key);
        const baseline = (WORKLOAD_STEPS as readonly string[]).includes(key) ? medianOf(raw, key) : NaN;
        const dx = dexie[key] ?? NaN;
        return [key, what, ours, Number.isFinite(baseline) ? baseline : '-', ratio(ours, baseline), medianOf(memory, key), dx, ratio(dx, ours)];
      }),
    );
    console.log('\nThe same work on the storage instance alone (RxStorageInstance calls, median ms; lean = raw storing only the user fields with the four user indexes):');
    printTable(
      ['operation', 'storage instance', 'raw sqlite', 'instance/raw', 'lean raw', 'instance/lean'],
      WORKLOAD_STEPS.map((key: WorkloadStep) => {
        const ours = medianOf(instance, key);
        const baseline = medianOf(raw, key);
        const leanBaseline = medianOf(lean, key);
        return [key, ours, baseline, ratio(ours, baseline), leanBaseline, ratio(ours, leanBaseline)];
      }),
    );
    console.log('targets: each operation within 1.5x of raw; find-by-query >= 20x faster than Dexie; inserts faster than Dexie');

    await runScaleBench(join(dir, 'scale'), flag('scale-docs', 100_000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
