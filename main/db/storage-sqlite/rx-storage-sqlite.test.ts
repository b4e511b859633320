import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { createRxDatabase, normalizeMangoQuery, prepareQuery, type MangoQuery, type RxCollection, type RxJsonSchema } from 'rxdb';
import { getRxStorageSqlite } from './rx-storage-sqlite.ts';
import { tempDir } from './sqlite-test-support.ts';
import type { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';

interface Customer {
  id: string;
  storeId: string;
  name: string;
  points: number;
}

const schema: RxJsonSchema<Customer> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 20 },
    storeId: { type: 'string', maxLength: 10 },
    name: { type: 'string', maxLength: 20 },
    points: { type: 'integer', minimum: 0, maximum: 1_000_000, multipleOf: 1 },
  },
  required: ['id', 'storeId', 'name', 'points'],
  indexes: [['storeId', 'points'], 'name'],
};

async function open(directory: string, name: string): Promise<RxCollection<Customer>> {
  const db = await createRxDatabase({ name, storage: getRxStorageSqlite({ directory }), multiInstance: false });
  const { customers } = await db.addCollections({ customers: { schema } });
  return customers as RxCollection<Customer>;
}

function customers(count: number, store: string): Customer[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${store}-${i}`, storeId: store, name: `客户 ${i} 😀`, points: (i * 37) % 1000 }));
}

function instanceOf(collection: RxCollection<Customer>): RxStorageInstanceSqlite<Customer> {
  return collection.storageInstance.originalStorageInstance as unknown as RxStorageInstanceSqlite<Customer>;
}

describe('SQLite storage', () => {
  it('keeps data across close and reopen', async () => {
    const directory = tempDir();
    let c = await open(directory, 'persist');
    await c.bulkInsert([...customers(300, 'S1'), ...customers(200, 'S2')]);
    await (await c.findOne('S1-5').exec(true)).incrementalPatch({ points: 999_999 });
    await (await c.findOne('S2-7').exec(true)).remove();
    const query: MangoQuery<Customer> = { selector: { storeId: 'S1', points: { $gt: 500 } }, sort: [{ points: 'desc' }] };
    const before = (await c.find(query).exec()).map((d) => d.toJSON());
    await c.database.close();

    c = await open(directory, 'persist');
    expect((await c.find(query).exec()).map((d) => d.toJSON())).toEqual(before);
    expect(await c.count().exec()).toBe(499);
    expect((await c.findOne('S1-5').exec(true)).points).toBe(999_999);
    expect(await c.findOne('S2-7').exec()).toBeNull();
    await c.database.close();
  });

  it('keeps two databases in one process apart', async () => {
    const directory = tempDir();
    const a = await open(directory, 'store-a');
    const b = await open(directory, 'store-b');
    const seenByB: string[] = [];
    const sub = b.$.subscribe((event) => seenByB.push(event.documentId));
    await a.bulkInsert(customers(10, 'A'));
    await b.bulkInsert(customers(3, 'B'));
    expect(await a.count().exec()).toBe(10);
    expect(await b.count().exec()).toBe(3);
    expect(seenByB.every((id) => id.startsWith('B-'))).toBe(true);
    await a.database.close();
    // Closing one leaves the other working.
    await b.insert({ id: 'B-new', storeId: 'B', name: 'new', points: 1 });
    expect(await b.count().exec()).toBe(4);
    sub.unsubscribe();
    await b.database.close();
    expect(readdirSync(directory).sort()).toEqual(['store-a.sqlite', 'store-b.sqlite']);
  });

  it('removes the files of a removed database, and only those', async () => {
    const directory = tempDir();
    const keep = await open(directory, 'keep');
    const gone = await open(directory, 'gone');
    await gone.bulkInsert(customers(5, 'G'));
    await gone.database.remove();
    await keep.database.close();
    expect(readdirSync(directory)).toEqual(['keep.sqlite']);
  });

  it('runs indexed queries as SQL range scans on an SQL index', async () => {
    const directory = tempDir();
    const c = await open(directory, 'plans');
    await c.bulkInsert(customers(50, 'S1'));
    const instance = instanceOf(c);
    const plan = (query: MangoQuery<Customer>) =>
      instance.explainQuery(prepareQuery(instance.schema, normalizeMangoQuery(instance.schema, { ...query, selector: { ...query.selector, _deleted: { $eq: false } } } as MangoQuery<Customer>)));
    const byStore = plan({ selector: { storeId: 'S1', points: { $gte: 100, $lt: 300 } }, sort: [{ points: 'asc' }] });
    expect(byStore.join('\n')).toMatch(/SEARCH .* USING INDEX .*\(k\d+>\? AND k\d+<\?\)/);
    expect(byStore.join('\n')).not.toMatch(/TEMP B-TREE/);
    const byName = plan({ selector: { name: { $gt: '客户 1' } } });
    expect(byName.join('\n')).toMatch(/USING INDEX/);
    await c.database.close();
  });

  it('refuses an insert over an existing or deleted id in a batch of new documents, and writes the rest', async () => {
    const directory = tempDir();
    const c = await open(directory, 'conflicts');
    await c.bulkInsert(customers(3, 'S1'));
    await (await c.findOne('S1-1').exec(true)).remove();
    const instance = instanceOf(c);
    const events: string[][] = [];
    const sub = instance.changeStream().subscribe((bulk) => events.push(bulk.events.map((e) => `${e.operation} ${e.documentId}`)));
    const [existing] = await instance.findDocumentsById(['S1-0'], false);
    const [deleted] = await instance.findDocumentsById(['S1-1'], true);
    const row = (id: string) => ({ document: { ...existing!, id, name: `new ${id}`, _rev: '1-new', _meta: { lwt: Date.now() } } });
    const result = await instance.bulkWrite([row('S1-9'), row('S1-0'), row('S1-1'), row('S1-8')], 'test');
    expect(result.error.map((e) => [e.status, e.documentId, e.status === 409 ? e.documentInDb._rev : ''])).toEqual([
      [409, 'S1-0', existing!._rev],
      [409, 'S1-1', deleted!._rev],
    ]);
    expect(events).toEqual([['INSERT S1-9', 'INSERT S1-8']]);
    expect((await instance.findDocumentsById(['S1-9', 'S1-8', 'S1-0'], false)).map((d) => [d.id, d.name]).sort()).toEqual([
      ['S1-0', '客户 0 😀'],
      ['S1-8', 'new S1-8'],
      ['S1-9', 'new S1-9'],
    ]);
    sub.unsubscribe();
    await c.database.close();
  });

  it('refuses a write the disk has no room for with DB_DISK_FULL, keeping what was stored', async () => {
    const directory = tempDir();
    const c = await open(directory, 'full');
    await c.bulkInsert(customers(200, 'S1'));
    const db = instanceOf(c).internals.file.db;
    // SQLite reports a full disk when the file would pass max_page_count: the same error path.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    const error = await c.bulkInsert(customers(5000, 'S2')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CampaignError);
    expect((error as CampaignError).code).toBe('DB_DISK_FULL');
    expect((error as CampaignError).params.file).toBe(join(directory, 'full.sqlite'));
    expect((error as CampaignError).localized('zh-CN')).toContain('磁盘已满');
    // The failed batch left nothing behind; the earlier documents are intact and findable.
    expect(await c.count().exec()).toBe(200);
    expect(await c.count({ selector: { storeId: 'S2' } }).exec()).toBe(0);
    expect((await c.findOne('S1-199').exec(true)).name).toBe('客户 199 😀');
    // With room again, the same write goes through.
    db.pragma('max_page_count = 1073741823');
    await c.bulkInsert(customers(5000, 'S2'));
    expect(await c.count().exec()).toBe(5200);
    await c.database.close();
  });
});

