// `npm run bench -- sync [--docs=N] [--stores=N] [--publishes=N]`: the sync server on SQLite
// and on a throwaway PostgreSQL (Debian's, as in the tests), over HTTP on loopback:
// push and pull docs/s for one client and for N store clients at once, beside the raw
// database insert rate measured in the same run; and HQ publishing to every store: the time
// until all of their live streams have the document (p50/p99). About a minute.
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SyncHttpClient } from '../main/sync/sync-http-client.ts';
import { makeTempDir } from '../main/testing/temp-dir.ts';
import { createSyncServer } from '../sync-server/src/index.ts';
import { startPostgres } from '../sync-server/test/postgres.ts';
import { printTable } from './table.ts';

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

/** A store-scoped collection of ~800-byte documents (the size FACTS.md measured with). */
const benchSchema = {
  primaryKey: 'id',
  properties: {
    id: { type: 'string', maxLength: 64 },
    storeId: { type: 'string', maxLength: 64 },
    n: { type: 'integer' },
    payload: { type: 'string', maxLength: 2000 },
  },
  required: ['id', 'storeId', 'n', 'payload'],
};
const payload = 'x'.repeat(720);
const doc = (id: string, storeId: string, n: number) => ({ id, storeId, n, payload, _deleted: false });
const BATCH = 100;

/** Docs/s of inserting `count` documents straight into a table, 100 per statement and transaction. */
async function rawInsertRate(db: Kysely<{ raw: { id: string; data: string } }>, count: number): Promise<number> {
  await db.schema.createTable('raw').ifNotExists().addColumn('id', 'text', (c) => c.primaryKey()).addColumn('data', 'text', (c) => c.notNull()).execute();
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => {
      const d = doc(`raw-${i + k}`, 'S', i + k);
      return { id: d.id, data: JSON.stringify(d) };
    });
    await db.transaction().execute((trx) => trx.insertInto('raw').values(rows).execute());
  }
  return count / ((performance.now() - started) / 1000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(label: string, database: string, raw: number, options: { docs: number; stores: number; publishes: number }): Promise<(string | number)[][]> {
  const server = await createSyncServer({ database, collections: { bench: benchSchema }, rateLimit: false, maxStreamsPerCredential: 5 });
  try {
    const url = await server.listen();
    const { token } = await server.identity.initAdmin();
    const hq = new SyncHttpClient({ baseUrl: url, token });
    const stores: SyncHttpClient[] = [];
    for (let s = 0; s < options.stores; s++) {
      const id = `S${String(s).padStart(3, '0')}`;
      await hq.request('POST', '/hq/stores', { id, name: id });
      const issued = await hq.request<{ token: string }>('POST', `/hq/stores/${id}/credentials`, {});
      stores.push(new SyncHttpClient({ baseUrl: url, token: issued.token }));
    }
    const rows: (string | number)[][] = [[label, 'raw insert (baseline)', raw, '1.00']];
    const add = (measureName: string, docsPerSecond: number) => rows.push([label, measureName, docsPerSecond, (docsPerSecond / raw).toFixed(2)]);

    // One client: push everything in batches, then pull it all back in pages of 200.
    const one = stores[0]!;
    let started = performance.now();
    for (let i = 0; i < options.docs; i += BATCH) {
      await one.push('bench', Array.from({ length: Math.min(BATCH, options.docs - i) }, (_, k) => ({ newDocumentState: doc(`one-${i + k}`, 'S000', i + k) })));
    }
    add('push, 1 client', options.docs / ((performance.now() - started) / 1000));
    started = performance.now();
    let pulled = 0;
    for (let checkpoint: { seq: number } | undefined; ; ) {
      const page = await one.pull('bench', checkpoint, 200);
      if (page.documents.length === 0) break;
      pulled += page.documents.length;
      checkpoint = page.checkpoint;
    }
    add('pull, 1 client', pulled / ((performance.now() - started) / 1000));

    // Every store at once, each its own share.
    const share = Math.ceil(options.docs / options.stores);
    started = performance.now();
    await Promise.all(
      stores.map(async (client, s) => {
        const storeId = `S${String(s).padStart(3, '0')}`;
        for (let i = 0; i < share; i += BATCH) {
          await client.push('bench', Array.from({ length: Math.min(BATCH, share - i) }, (_, k) => ({ newDocumentState: doc(`${storeId}-${i + k}`, storeId, i + k) })));
        }
      }),
    );
    add(`push, ${options.stores} clients`, (share * options.stores) / ((performance.now() - started) / 1000));
    started = performance.now();
    const counts = await Promise.all(
      stores.map(async (client) => {
        let n = 0;
        for (let checkpoint: { seq: number } | undefined; ; ) {
          const page = await client.pull('bench', checkpoint, 200);
          if (page.documents.length === 0) return n;
          n += page.documents.length;
          checkpoint = page.checkpoint;
        }
      }),
    );
    add(`pull, ${options.stores} clients`, counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000));

    // HQ publishes to every store; each store's live stream must have it.
    const controller = new AbortController();
    const seen = stores.map(() => new Map<string, number>());
    const opened = stores.map(() => false);
    for (const [s, client] of stores.entries()) {
      void client.stream<{ id: string }>('bench', (event) => {
        if (event === 'RESYNC') opened[s] = true;
        else for (const d of event.documents) seen[s]!.set(d.id, performance.now());
      }, controller.signal);
    }
    while (!opened.every(Boolean)) await new Promise((resolve) => setTimeout(resolve, 5));
    const latencies: number[] = [];
    for (let p = 0; p < options.publishes; p++) {
      const id = `hq-${p}`;
      const at = performance.now();
      await hq.push('bench', [{ newDocumentState: doc(id, '', p) }], { targets: 'all' });
      while (!seen.every((m) => m.has(id))) await new Promise((resolve) => setTimeout(resolve, 1));
      latencies.push(Math.max(...seen.map((m) => m.get(id)!)) - at);
    }
    controller.abort();
    rows.push([label, `HQ publish to ${options.stores} stores: all have it, p50 / p99 ms`, `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`, '']);
    return rows;
  } finally {
    await server.close();
  }
}

export default async function syncBench(): Promise<void> {
  const options = { docs: flag('docs', 20_000), stores: flag('stores', 50), publishes: flag('publishes', 30) };
  const dir = makeTempDir('campaign-desk-sync-bench-');
  const postgres = await startPostgres();
  try {
    const rows: (string | number)[][] = [];

    const sqliteRaw = new Database(`${dir.path}/raw.sqlite`);
    sqliteRaw.pragma('journal_mode = WAL');
    sqliteRaw.pragma('synchronous = FULL');
    const sqliteDb = new Kysely<{ raw: { id: string; data: string } }>({ dialect: new SqliteDialect({ database: sqliteRaw }) });
    const sqliteRate = await rawInsertRate(sqliteDb, options.docs);
    await sqliteDb.destroy();
    rows.push(...(await measure('SQLite', `sqlite:${dir.path}/sync.sqlite`, sqliteRate, options)));

    const rawUrl = await postgres.createDatabase('raw');
    const pgDb = new Kysely<{ raw: { id: string; data: string } }>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: rawUrl, max: 2 }) }) });
    await sql`select 1`.execute(pgDb);
    const pgRate = await rawInsertRate(pgDb, options.docs);
    await pgDb.destroy();
    rows.push(...(await measure('PostgreSQL', await postgres.createDatabase('sync'), pgRate, options)));

    console.log(`${options.docs} documents of ~800 bytes, batches of ${BATCH}, loopback HTTP; SQLite with synchronous=FULL, the test PostgreSQL with fsync off.`);
    printTable(['database', 'measure', 'docs/s', 'of raw'], rows);
  } finally {
    await postgres.stop();
    dir.remove();
  }
}
