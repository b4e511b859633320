// The work of RxDB's `runPerformanceTests` (3000 docs of its average schema), without RxDB's
// collection layer, run against several targets so that only the target differs. Every target
// gets the same documents: as RxDB hands them to a storage (the user's fields plus `_deleted`,
// `_attachments`, `_meta.lwt` and `_rev`), built before the clock starts, because building
// them is the collection layer's work (measured in the through-RxDB table), not the storage's.
// - raw better-sqlite3, as a hand-written app would do it: the documents as JSON, the id as
//   primary key, one SQL index per schema index on plain columns, each ending with the id as
//   RxDB's do (its queries return index order, then primary key order, which paging needs),
//   including the index on the last-write time every RxDB schema has (replication reads it);
// - the same, leaner: only the user's fields stored and only the four user indexes (what an
//   app without sync or revisions would store; shown for reference);
// - the Campaign Desk SQLite RxStorageInstance, called directly.
// Like runPerformanceTests, all reopen the database before each group of reads.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRevision,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageInstance,
} from 'rxdb';
import { schemaObjects, schemas } from 'rxdb/plugins/test-utils';
import { getRxStorageSqlite } from '../main/db/storage-sqlite/index.ts';

type AverageDoc = ReturnType<typeof schemaObjects.averageSchemaData>;
/** A document as RxDB hands it to a storage. */
type StoredDoc = RxDocumentData<AverageDoc>;

export const WORKLOAD_STEPS = [
  'insert-documents-500',
  'find-by-ids-3000',
  'serial-inserts-50',
  'serial-find-by-id-50',
  'find-by-query',
  'find-by-query-parallel-4',
  '4x-count',
] as const;
export type WorkloadStep = (typeof WORKLOAD_STEPS)[number];
export type WorkloadTimes = Record<WorkloadStep, number>;

/** What a target must do; every read returns parsed documents. */
interface WorkloadTarget {
  insertMany(docs: StoredDoc[]): Promise<void>;
  reopen(): Promise<void>;
  findByIds(ids: string[]): Promise<unknown[]>;
  /** All documents sorted by var2, var1 (then id). */
  findSorted(): Promise<unknown[]>;
  /** Documents with var2 = value, by id: an index range of 750. */
  findVar2(value: number): Promise<unknown[]>;
  countVar2(value: number): Promise<number>;
  close(): Promise<void>;
}

/** One round of the workload on a fresh target; returns ms per step (inserts: per batch of 500). */
export async function runWorkloadRound(create: (dir: string) => Promise<WorkloadTarget>): Promise<WorkloadTimes> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-workload-'));
  const target = await create(dir);
  const times = {} as WorkloadTimes;
  const time = async <T>(step: WorkloadStep, fn: () => Promise<T>, divideBy = 1): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    times[step] = (times[step] ?? 0) + (performance.now() - start) / divideBy;
    return result;
  };
  const token = randomToken(10);
  const stored = (doc: AverageDoc): StoredDoc => ({ ...doc, _deleted: false, _attachments: {}, _meta: { lwt: now() }, _rev: createRevision(token) });
  try {
    const ids: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const docs = Array.from({ length: 500 }, (_, i) => stored(schemaObjects.averageSchemaData({ var1: `${i % 2}`, var2: i % 4 })));
      ids.push(...docs.map((d) => d.id));
      await time('insert-documents-500', () => target.insertMany(docs), 6);
    }
    await target.reopen();
    check((await time('find-by-ids-3000', () => target.findByIds(ids))).length, 3000);

    const serial = Array.from({ length: 50 }, () => stored(schemaObjects.averageSchemaData({ var2: 1000 })));
    await time('serial-inserts-50', async () => {
      for (const doc of serial) await target.insertMany([doc]);
    });
    await target.reopen();
    await time('serial-find-by-id-50', async () => {
      for (const doc of serial) check((await target.findByIds([doc.id])).length, 1);
    });
    check((await time('find-by-query', () => target.findSorted())).length, 3050);
    await target.reopen();
    const ranges = await time('find-by-query-parallel-4', () => Promise.all([0, 1, 2, 3].map((v) => target.findVar2(v))));
    check(ranges.reduce((sum, docs) => sum + docs.length, 0), 3000);
    await time('4x-count', async () => {
      for (let v = 0; v < 4; v++) check(await target.countVar2(v), 750);
    });
  } finally {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

function check(actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`workload: expected ${expected} documents, got ${actual}`);
}

/** Raw better-sqlite3 with the same file settings as the Campaign Desk storage, storing what it stores. */
export function rawSqliteTarget(dir: string): Promise<WorkloadTarget> {
  return rawTarget(dir, 'full');
}

/** The lean reference: the user's fields only, the four user indexes. */
export function leanSqliteTarget(dir: string): Promise<WorkloadTarget> {
  return rawTarget(dir, 'lean');
}

function rawTarget(dir: string, kind: 'full' | 'lean'): Promise<WorkloadTarget> {
  const file = join(dir, 'raw.sqlite');
  const full = kind === 'full';
  const open = (create: boolean) => {
    const db = new Database(file);
    db.pragma('locking_mode = EXCLUSIVE');
    if (create) db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    if (create) {
      db.exec(`CREATE TABLE docs (id TEXT PRIMARY KEY, var1 TEXT, var2 INTEGER, deep1 TEXT, lwt REAL, data TEXT NOT NULL);
        CREATE INDEX docs_var1 ON docs (var1, id); CREATE INDEX docs_var2 ON docs (var2, id);
        CREATE INDEX docs_deep1 ON docs (deep1, id); CREATE INDEX docs_var2_var1 ON docs (var2, var1, id);`);
      if (full) db.exec('CREATE INDEX docs_lwt ON docs (lwt, id)');
    }
    const insert = db.prepare('INSERT INTO docs (id, var1, var2, deep1, lwt, data) VALUES (?, ?, ?, ?, ?, ?)');
    return {
      db,
      insertMany: db.transaction((docs: StoredDoc[]) => {
        for (const d of docs) insert.run(d.id, d.var1, d.var2, d.deep.deep1, full ? d._meta.lwt : null, JSON.stringify(full ? d : userFields(d)));
      }),
      byIds: db.prepare<[string], string>('SELECT data FROM docs WHERE id IN (SELECT value FROM json_each(?))').pluck(),
      byId: db.prepare<[string], string>('SELECT data FROM docs WHERE id = ?').pluck(),
      sorted: db.prepare<[], string>('SELECT data FROM docs ORDER BY var2, var1, id').pluck(),
      byVar2: db.prepare<[number], string>('SELECT data FROM docs WHERE var2 = ? ORDER BY id').pluck(),
      countVar2: db.prepare<[number], number>('SELECT count(*) FROM docs WHERE var2 = ?').pluck(),
    };
  };
  const parse = (rows: string[]) => rows.map((row) => JSON.parse(row) as AverageDoc);
  let s = open(true);
  return Promise.resolve({
    insertMany: (docs) => Promise.resolve(void s.insertMany(docs)),
    reopen: () => {
      s.db.close();
      s = open(false);
      return Promise.resolve();
    },
    findByIds: (ids) => {
      if (ids.length === 1) {
        const row = s.byId.get(ids[0]!);
        return Promise.resolve(row === undefined ? [] : parse([row]));
      }
      return Promise.resolve(parse(s.byIds.all(JSON.stringify(ids))));
    },
    findSorted: () => Promise.resolve(parse(s.sorted.all())),
    findVar2: (value) => Promise.resolve(parse(s.byVar2.all(value))),
    countVar2: (value) => Promise.resolve(s.countVar2.get(value)!),
    close: () => {
      s.db.close();
      return Promise.resolve();
    },
  });
}

function userFields(doc: StoredDoc): AverageDoc {
  const { _deleted, _attachments, _meta, _rev, ...fields } = doc;
  return fields;
}

/** The Campaign Desk storage instance, called the way RxDB calls it. */
export async function sqliteInstanceTarget(dir: string): Promise<WorkloadTarget> {
  const schema: RxJsonSchema<RxDocumentData<AverageDoc>> = fillWithDefaultSettings(schemas.averageSchema());
  const storage = getRxStorageSqlite({ directory: dir });
  const token = randomToken(10);
  const params = { databaseInstanceToken: token, databaseName: 'bench', collectionName: 'docs', schema, options: {}, multiInstance: false, devMode: false };
  const open = () => storage.createStorageInstance<AverageDoc>(params) as Promise<RxStorageInstance<AverageDoc, unknown, unknown>>;
  // RxDB adds `_deleted: false` to every query of a collection; so do we.
  const prepared = (query: MangoQuery<AverageDoc>) =>
    prepareQuery(schema, normalizeMangoQuery<AverageDoc>(schema, { ...query, selector: { ...query.selector, _deleted: { $eq: false } } as MangoQuery<AverageDoc>['selector'] }));
  const sortedQuery = prepared({ selector: {}, sort: [{ var2: 'asc' }, { var1: 'asc' }] });
  const var2Queries = [0, 1, 2, 3].map((v) => prepared({ selector: { var2: { $eq: v } } }));
  let instance = await open();
  return {
    insertMany: async (docs) => {
      const result = await instance.bulkWrite(docs.map((document) => ({ document })), 'bench');
      if (result.error.length > 0) throw new Error('bench insert failed');
    },
    reopen: async () => {
      await instance.close();
      instance = await open();
    },
    findByIds: (ids) => instance.findDocumentsById(ids, false),
    findSorted: async () => (await instance.query(sortedQuery)).documents,
    findVar2: async (value) => (await instance.query(var2Queries[value]!)).documents,
    countVar2: async (value) => (await instance.count(var2Queries[value]!)).count,
    close: () => instance.remove(),
  };
}
