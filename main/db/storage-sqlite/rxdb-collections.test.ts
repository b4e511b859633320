// RxDB's own test collections and replication suite, running on the SQLite storage.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxStorage } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import {
  humansCollection,
  runReplicationBaseTestSuite,
  schemaObjects,
  schemas,
  setConfig,
  type HumanDocumentType,
} from 'rxdb/plugins/test-utils';
import { getRxStorageSqlite } from './rx-storage-sqlite.ts';
import { ReplicationTestServer } from './replication-test-server.ts';

disableWarnings();
addRxPlugin(RxDBDevModePlugin);
addRxPlugin(RxDBLocalDocumentsPlugin);
addRxPlugin(RxDBAttachmentsPlugin);

// One folder for every database of this file; RxDB's helpers name databases at random.
const directory = mkdtempSync(join(tmpdir(), 'campaign-desk-rxdb-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function storage(): RxStorage<unknown, unknown> {
  // Dev-mode wants a validating storage; this is also how the app wraps it.
  return wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory }) });
}

setConfig({
  storage: {
    name: 'campaign-desk-sqlite',
    getStorage: storage,
    getPerformanceStorage: () => ({ storage: storage(), description: 'campaign-desk-sqlite' }),
    hasPersistence: true,
    hasMultiInstance: false,
    hasAttachments: true,
    hasReplication: true,
  },
});

const server = new ReplicationTestServer<HumanDocumentType & { _deleted: boolean }>('passportId');

describe('RxDB test collections on the SQLite storage', () => {
  it('runs humansCollection queries, updates and removes', async () => {
    const c = await humansCollection.create(30);
    expect(await c.count().exec()).toBe(30);
    const old = await c.find({ selector: { age: { $gte: 18 } }, sort: [{ age: 'desc' }] }).exec();
    const ages = old.map((d) => d.age ?? 0);
    expect(ages.every((age, i) => age >= 18 && (i === 0 || ages[i - 1]! >= age))).toBe(true);
    const first = await c.findOne().exec(true);
    await first.incrementalPatch({ firstName: 'Änne 😀' });
    expect((await c.findOne({ selector: { firstName: 'Änne 😀' } }).exec(true)).primary).toBe(first.primary);
    await first.getLatest().remove();
    expect(await c.count().exec()).toBe(29);
    await c.database.close();
  });

  it('updates reactive queries on writes', async () => {
    const c = await humansCollection.create(5);
    const query = c.find({ selector: { age: { $gt: 0 } }, sort: [{ passportId: 'asc' }] });
    expect((await firstValueFrom(query.$)).length).toBeGreaterThan(0);
    const before = (await query.exec()).length;
    const grown = firstValueFrom(query.$.pipe(filter((docs) => docs.length === before + 1)));
    await c.insert(schemaObjects.humanData('reactive-1', 42));
    expect((await grown).some((d) => d.passportId === 'reactive-1')).toBe(true);
    const shrunk = firstValueFrom(query.$.pipe(filter((docs) => docs.length === before)));
    await (await c.findOne('reactive-1').exec(true)).remove();
    expect((await shrunk).some((d) => d.passportId === 'reactive-1')).toBe(false);
    await c.database.close();
  });

  it('stores attachments, also across close and reopen', async () => {
    const c = await humansCollection.createAttachments(1);
    const name = c.database.name;
    const doc = await c.findOne().exec(true);
    await doc.putAttachment({ id: 'note.txt', data: new Blob(['hello 附件 😀'], { type: 'text/plain' }), type: 'text/plain' });
    await doc.getLatest().putAttachment({ id: 'b.bin', data: new Blob([new Uint8Array([0, 1, 2, 255])]), type: 'application/octet-stream' });
    await c.database.close();

    const db = await createRxDatabase({ name, storage: storage(), multiInstance: false });
    const schema = { ...schemas.human, attachments: {} };
    const { human } = await db.addCollections({ human: { schema } });
    const again = await human.findOne(doc.primary).exec(true);
    expect(await again.getAttachment('note.txt')!.getStringData()).toBe('hello 附件 😀');
    const bytes = new Uint8Array(await (await again.getAttachment('b.bin')!.getData()).arrayBuffer());
    expect([...bytes]).toEqual([0, 1, 2, 255]);
    await again.getAttachment('note.txt')!.remove();
    expect(again.getLatest().getAttachment('note.txt')).toBeNull();
    await db.close();
  });

  it('advances replication checkpoints, also across close and reopen', async () => {
    server.clear();
    const name = `replication${Date.now()}`;
    const open = async () => {
      const db = await createRxDatabase({ name, storage: storage(), multiInstance: false });
      const { human } = await db.addCollections({ human: { schema: schemas.human } });
      return human as RxCollection<HumanDocumentType>;
    };
    let c = await open();
    await c.bulkInsert(Array.from({ length: 5 }, () => schemaObjects.humanData()));
    await server.syncOnce(c);
    expect(server.allDocs()).toHaveLength(5);
    expect(server.pushes.reduce((a, b) => a + b, 0)).toBe(5);

    await c.bulkInsert(Array.from({ length: 2 }, () => schemaObjects.humanData()));
    server.pushes.length = 0;
    await server.syncOnce(c);
    // Only the new documents went up: the push checkpoint advanced past the first five.
    expect(server.pushes.reduce((a, b) => a + b, 0)).toBe(2);
    await c.database.close();

    server.pushes.length = 0;
    server.pulls.length = 0;
    c = await open();
    await server.syncOnce(c);
    expect(server.pushes.reduce((a, b) => a + b, 0)).toBe(0);
    // The pull started from the stored checkpoint (the server's newest document), not from scratch.
    expect(server.pulls[0]).toEqual({ id: expect.any(String), lwt: 7 });
    expect(await c.count().exec()).toBe(7);
    await c.database.close();
  });

  it('removes the database file with database.remove()', async () => {
    const c = await humansCollection.create(3);
    const file = `${c.database.name}.sqlite`;
    expect(readdirSync(directory)).toContain(file);
    await c.database.remove();
    expect(readdirSync(directory).filter((f) => f.startsWith(file))).toEqual([]);
  });
});

describe('RxDB replication base test suite on the SQLite storage', () => {
  runReplicationBaseTestSuite({
    startReplication: (collection) => server.replicate(collection, true),
    syncOnce: (collection) => server.syncOnce(collection),
    getAllServerDocs: () => Promise.resolve(server.allDocs()),
    cleanUpServer: () => Promise.resolve(server.clear()),
    softDeletes: true,
    isDeleted: (doc: { _deleted: boolean }) => doc._deleted,
    getPrimaryOfServerDoc: (doc: HumanDocumentType) => doc.passportId,
  });
});
