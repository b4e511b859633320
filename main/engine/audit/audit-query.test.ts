import { normalizeMangoQuery, prepareQuery, type RxCollection } from 'rxdb';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { AuditLog } from './audit-log.ts';
import { auditWindowQuery, countAuditLog, firstAuditEntries, scanAuditLog, searchAuditLog, type AuditFilter, type AuditSearch } from './audit-query.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);
const DEVICES = ['D-a', 'D-b', 'D-c', 'D-d'];
const METHODS = ['plans/update-plan', 'plans/activate-plan', 'rights/use-code', 'settings/update-settings'];

async function open(): Promise<AppDatabase> {
  const dir = makeTempDir('campaign-desk-audit-query-');
  onTestFinished(() => dir.remove());
  const database = await openDatabase({ dataDir: dir.path });
  onTestFinished(() => database.close());
  return database;
}

function doc(device: string, seq: number, at: number, i: number): AuditLogDoc {
  return {
    id: `A-${String((i * 7919) % 10007).padStart(5, '0')}-${i}`,
    seq,
    at,
    device,
    storeId: device === 'D-a' ? '' : `S${DEVICES.indexOf(device)}`,
    actor: { type: i % 3 === 0 ? 'cli' : 'user', id: i % 3 === 0 ? 'cli' : `desk${i % 5}` },
    method: METHODS[i % METHODS.length]!,
    targetCollection: 'plans',
    targetId: `p${i}`,
    outcome: 'ok',
    errorCode: '',
    summary: `Entry ${i}${i % 10 === 0 ? ' tenth' : ''}`,
    prevHash: '',
    hash: '0'.repeat(64),
  };
}

/**
 * 1,000 entries of four devices (synced in as they are): 300 share one millisecond, the rest
 * come 5 to a millisecond, so devices share `at` and often `seq` too; a few lie at the ends of
 * the range an instant can take (0 and NEVER) and years apart.
 */
function entries(): AuditLogDoc[] {
  const seqs = new Map<string, number>();
  const docs: AuditLogDoc[] = [];
  for (let i = 0; i < 1000; i++) {
    const device = DEVICES[i % DEVICES.length]!;
    const seq = (seqs.get(device) ?? 0) + 1;
    seqs.set(device, seq);
    let at = i < 300 ? T0 : T0 + Math.floor(i / 5) * 1000;
    if (i === 997) at = 0;
    if (i === 998) at = NEVER;
    if (i === 999) at = T0 - 5 * 365 * 86_400_000;
    docs.push(doc(device, seq, at, i));
  }
  return docs;
}

/** The expected order, written out independently: time, seq, id, all descending. */
function newestFirst(docs: AuditLogDoc[]): AuditLogDoc[] {
  return docs.slice().sort((a, b) => (a.at !== b.at ? b.at - a.at : a.seq !== b.seq ? b.seq - a.seq : b.id.localeCompare(a.id)));
}

async function pageAll(collection: RxCollection<AuditLogDoc>, filter: AuditFilter): Promise<{ ids: string[]; pages: number; total: number | undefined }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  let total: number | undefined;
  do {
    const page = await searchAuditLog(collection, { ...filter, ...(cursor ? { cursor } : {}) });
    if (pages === 0) total = page.total;
    else expect(page.total).toBeUndefined();
    pages++;
    ids.push(...page.entries.map((e) => e.id));
    expect(page.entries.length).toBe(page.cursor ? filter.limit : page.entries.length);
    cursor = page.cursor;
  } while (cursor && pages < 2000);
  return { ids, pages, total };
}

describe('audit log search (keyset paging)', () => {
  it('pages through 1,000 entries, many of one millisecond, each exactly once and in order', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    const docs = entries();
    await collection.bulkInsert(docs);
    const expected = newestFirst(docs).map((d) => d.id);
    for (const limit of [7, 50, 1000]) {
      const { ids, pages, total } = await pageAll(collection, { limit });
      expect(total).toBe(1000);
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(1000);
      expect(pages).toBe(Math.ceil(1000 / limit));
    }
  });

  it('applies every filter to every page, and counts the matches on the first', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    const docs = entries();
    await collection.bulkInsert(docs);
    const cases: [AuditSearch, (d: AuditLogDoc) => boolean][] = [
      [{ method: 'plans/update-plan' }, (d) => d.method === 'plans/update-plan'],
      [{ method: 'plans' }, (d) => d.method.startsWith('plans')],
      [{ actor: 'user:desk1' }, (d) => d.actor.id === 'desk1'],
      [{ text: 'TENTH' }, (d) => d.summary.endsWith('tenth')],
      [{ storeId: '' }, (d) => d.storeId === ''],
      [{ device: 'D-c' }, (d) => d.device === 'D-c'],
      [{ since: T0, until: T0 + 100_000 }, (d) => d.at >= T0 && d.at < T0 + 100_000],
      [{ method: 'rights/use-code', since: T0 + 1000, storeId: 'S2' }, (d) => d.method === 'rights/use-code' && d.at >= T0 + 1000 && d.storeId === 'S2'],
      [{ method: 'plans/activate-plan', device: 'D-b', until: T0 + 1 }, (d) => d.method === 'plans/activate-plan' && d.device === 'D-b' && d.at < T0 + 1],
      [{ actor: 'nobody' }, () => false],
    ];
    for (const [filter, test] of cases) {
      const expected = newestFirst(docs.filter(test)).map((d) => d.id);
      const { ids, total } = await pageAll(collection, { ...filter, limit: 9 });
      expect(ids, JSON.stringify(filter)).toEqual(expected);
      expect(total, JSON.stringify(filter)).toBe(expected.length);
      expect(await countAuditLog(collection, filter)).toBe(expected.length);
    }
  });

  it('neither skips nor repeats entries when entries are appended while paging', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    const docs = entries();
    await collection.bulkInsert(docs);
    const seen: string[] = [];
    let page = await searchAuditLog(collection, { limit: 40 });
    seen.push(...page.entries.map((e) => e.id));
    let round = 0;
    while (page.cursor) {
      const last = page.entries.at(-1)!;
      round++;
      // This device writes new entries now, and sync brings in another store's: two in the last
      // entry's millisecond, one before it in the order (seq) and one after it (id), and one much older.
      const log = AuditLog.of(collection);
      await log.append({ at: T0 + 10_000_000 + round, actor: { type: 'user', id: 'desk' }, method: 'plans/update-plan', targetCollection: 'plans', targetId: 'p', outcome: 'ok', errorCode: '', summary: 'new' });
      await collection.bulkInsert([
        { ...doc('D-late', last.seq + 1, last.at, 5000 + round), id: `A-late-${round}-before` },
        { ...doc('D-late', last.seq, last.at, 6000 + round), id: `A-!late-${round}-after` },
        { ...doc('D-late', 1, Math.max(0, last.at - 50_000), 7000 + round), id: `A-late-${round}-old` },
      ]);
      page = await searchAuditLog(collection, { limit: 40, cursor: page.cursor });
      seen.push(...page.entries.map((e) => e.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    const original = new Set(docs.map((d) => d.id));
    expect(seen.filter((id) => original.has(id))).toEqual(newestFirst(docs).map((d) => d.id));
    // What came in below a page already read is found on a later page, in order.
    const all = newestFirst((await collection.find().exec()).map((d) => d.toJSON() as AuditLogDoc));
    const position = new Map(all.map((d, i) => [d.id, i]));
    const order = seen.map((id) => position.get(id)!);
    expect(order).toEqual(order.slice().sort((a, b) => a - b));
    expect(seen.filter((id) => id.endsWith('-before'))).toEqual([]);
    expect(seen.filter((id) => id.endsWith('-after'))).toHaveLength(round);
    expect(seen.filter((id) => id.endsWith('-old')).length).toBeGreaterThan(round / 2);
  });

  it('scans every entry newest first (exports), and stops at a limit saying there are more', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    const docs = entries();
    await collection.bulkInsert(docs);
    const scanned: string[] = [];
    for await (const entry of scanAuditLog(collection, {})) scanned.push(entry.id);
    expect(scanned).toEqual(newestFirst(docs).map((d) => d.id));
    expect(await firstAuditEntries(collection, { method: 'plans' }, 10_000)).toMatchObject({ more: false, entries: { length: 500 } });
    const first = await firstAuditEntries(collection, {}, 999);
    expect(first.more).toBe(true);
    expect(first.entries.map((e) => e.id)).toEqual(newestFirst(docs).slice(0, 999).map((d) => d.id));
    expect(await firstAuditEntries(collection, {}, 1000)).toMatchObject({ more: false });
  });

  it('reads each window of time as one index range in index order (SQL does the work)', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    const instance = collection.internalStorageInstance as unknown as { schema: typeof collection.schema.jsonSchema; explainQuery(q: unknown): string[] };
    const schema = instance.schema;
    for (const base of [{}, { method: 'plans/update-plan' }]) {
      const query = auditWindowQuery(base, T0, T0 + 1000);
      const prepared = prepareQuery(schema, normalizeMangoQuery(schema, { ...query, selector: { ...query.selector, _deleted: { $eq: false } } } as typeof query));
      expect(prepared.queryPlan).toMatchObject({ selectorSatisfiedByIndex: true, sortSatisfiedByIndex: true });
      expect(prepared.queryPlan.index).toEqual(['_deleted', ...('method' in base ? ['method'] : []), 'at', 'id']);
      const plan = instance.explainQuery(prepared).join('\n');
      expect(plan).toMatch(/SEARCH .* USING (COVERING )?INDEX/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('reads about a page of entries per page however deep, so paging through the log is linear', async () => {
    const database = await open();
    const collection = database.collections.auditLog;
    // 3,000 entries: a quiet stretch (one a minute), a burst (ten a millisecond), a steady one.
    const docs: AuditLogDoc[] = [];
    for (let i = 0; i < 3000; i++) {
      const at = i < 1000 ? T0 + i * 60_000 : i < 2000 ? T0 + 60_000_000 + Math.floor(i / 10) : T0 + 70_000_000 + i * 1000;
      docs.push(doc(DEVICES[i % 4]!, Math.floor(i / 4) + 1, at, i));
    }
    await collection.bulkInsert(docs);
    const storage = collection.internalStorageInstance;
    const read: number[] = [];
    // Counts the documents the storage hands back (the real query runs).
    const original = storage.query.bind(storage);
    storage.query = async (query) => {
      const result = await original(query);
      read[read.length - 1]! += result.documents.length;
      return result;
    };
    onTestFinished(() => void (storage.query = original));
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      read.push(0);
      const page = await searchAuditLog(collection, { limit: 20, ...(cursor ? { cursor } : {}) });
      ids.push(...page.entries.map((e) => e.id));
      cursor = page.cursor;
    } while (cursor);
    expect(ids).toEqual(newestFirst(docs).map((d) => d.id));
    expect(read).toHaveLength(150);
    expect(Math.max(...read)).toBeLessThanOrEqual(200);
    expect(read.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(6 * 3000);
  });
});
