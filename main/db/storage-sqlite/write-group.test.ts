import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { getRxStorageSqlite } from './rx-storage-sqlite.ts';
import type { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';
import { tempDir } from './sqlite-test-support.ts';
import { commitWriteGroup, runInWriteGroup } from './write-group.ts';

interface Note {
  id: string;
  text: string;
}

const schema: RxJsonSchema<Note> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 20 }, text: { type: 'string', maxLength: 100 } },
  required: ['id', 'text'],
};

async function open(directory: string) {
  const db = await createRxDatabase({ name: 'grouped', storage: getRxStorageSqlite({ directory }), multiInstance: false });
  const { notes } = await db.addCollections({ notes: { schema } });
  const collection = notes as RxCollection<Note>;
  const instance = collection.storageInstance.originalStorageInstance as unknown as RxStorageInstanceSqlite<Note>;
  // Document ids of every change event the storage sends, in order.
  const events: string[] = [];
  const subscription = instance.changeStream().subscribe((bulk) => events.push(...bulk.events.map((e) => e.documentId)));
  return {
    collection,
    events,
    /** True while a transaction is open on the file (a group's writes not committed yet). */
    open: () => instance.internals.file.db.inTransaction,
    async close() {
      subscription.unsubscribe();
      await db.close();
    },
  };
}

const note = (id: string): Note => ({ id, text: `note ${id}` });

describe('write groups', () => {
  it('commit their writes together and send the change events only then', async () => {
    const directory = tempDir();
    const s = await open(directory);
    await runInWriteGroup(async () => {
      await s.collection.bulkInsert([note('a'), note('b')]);
      await s.collection.bulkInsert([note('c')]);
      expect(s.open()).toBe(true);
      expect(s.events).toEqual([]);
      // Its own reads see its writes.
      expect(await s.collection.storageInstance.findDocumentsById(['a', 'c'], false)).toHaveLength(2);
      commitWriteGroup();
      expect(s.open()).toBe(false);
      expect(s.events).toEqual(['a', 'b', 'c']);
      await s.collection.bulkInsert([note('d')]);
      expect(s.open()).toBe(true);
    });
    // Ending the group commits the rest.
    expect(s.open()).toBe(false);
    expect(s.events).toEqual(['a', 'b', 'c', 'd']);
    await s.close();

    const again = await open(directory);
    expect((await again.collection.find().exec()).map((d) => d.id)).toEqual(['a', 'b', 'c', 'd']);
    await again.close();
  });

  it('are committed before anyone outside reads or writes, so nobody sees or joins uncommitted data', async () => {
    const s = await open(tempDir());
    let go!: () => void;
    const gate = new Promise<void>((resolve) => (go = resolve));
    // Chained here, outside the group: this code runs in its caller's context, as an API request would.
    const outsideRead = gate.then(() => s.collection.count().exec());
    let goWrite!: () => void;
    const writeGate = new Promise<void>((resolve) => (goWrite = resolve));
    const outsideWrite = writeGate.then(() => s.collection.insert(note('x')));

    await runInWriteGroup(async () => {
      await s.collection.bulkInsert([note('a'), note('b')]);
      expect(s.open()).toBe(true);
      go();
      expect(await outsideRead).toBe(2);
      expect(s.open()).toBe(false);
      expect(s.events).toEqual(['a', 'b']);

      await s.collection.bulkInsert([note('c')]);
      expect(s.open()).toBe(true);
      goWrite();
      await outsideWrite;
      // The outside write committed the group first and was not held in it.
      expect(s.open()).toBe(false);
      expect(s.events).toEqual(['a', 'b', 'c', 'x']);
    });
    await s.close();
  });

  it('keep the rest of the group when one write in it fails, as without a group', async () => {
    const directory = tempDir();
    const s = await open(directory);
    await s.collection.insert(note('a'));
    await runInWriteGroup(async () => {
      await s.collection.bulkInsert([note('b')]);
      // 'a' exists: RxDB reports a conflict for it, 'c' is inserted (the insert-only attempt is rolled back to its savepoint).
      const result = await s.collection.bulkInsert([note('c'), note('a')]);
      expect(result.error.map((e) => e.documentId)).toEqual(['a']);
    });
    await s.close();
    const again = await open(directory);
    expect((await again.collection.find().exec()).map((d) => d.id)).toEqual(['a', 'b', 'c']);
    await again.close();
  });

  it('end with their work: what the work left running writes on its own', async () => {
    const s = await open(tempDir());
    let later!: Promise<unknown>;
    await runInWriteGroup(async () => {
      await s.collection.insert(note('a'));
      later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => s.collection.insert(note('late')));
    });
    await later;
    // Not held in a transaction of the ended group: committed and announced at once.
    expect(s.open()).toBe(false);
    expect(s.events).toEqual(['a', 'late']);
    await s.close();
  });

  it('report a failed commit to the group and drop the events of its undone writes', async () => {
    const s = await open(tempDir());
    const instance = s.collection.storageInstance.originalStorageInstance as unknown as RxStorageInstanceSqlite<Note>;
    await expect(
      runInWriteGroup(async () => {
        await s.collection.insert(note('a'));
        // The group's transaction goes away under it (as SQLite does after an I/O error), so its COMMIT fails.
        instance.internals.file.db.exec('ROLLBACK');
      }),
    ).rejects.toThrow(/no transaction is active/);
    expect(s.events).toEqual([]);
    expect(await instance.findDocumentsById(['a'], false)).toEqual([]);
    await s.close();
  });
});
