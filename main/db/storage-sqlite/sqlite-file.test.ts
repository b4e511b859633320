// How the storage treats its files: refusals leave them untouched, another process's lock
// is reported, and a process killed in the middle of a write leaves a consistent database.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRxDatabase, fillWithDefaultSettings, getIndexableStringMonad, normalizeMangoQuery, prepareQuery, type MangoQuerySelector } from 'rxdb';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { getRxStorageSqlite } from './rx-storage-sqlite.ts';
import { FORMAT_VERSION } from './sqlite-file.ts';
import { toSqliteKey } from './sqlite-key.ts';
import { tempDir } from './sqlite-test-support.ts';
import { batchSchema, type BatchItem } from './fixtures/batch-schema.ts';
import { startChild, stopChildren } from './fixtures/child-process.ts';
import type { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';

function hashOf(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function openError(directory: string, name: string): Promise<CampaignError> {
  const error: unknown = await createRxDatabase({ name, storage: getRxStorageSqlite({ directory }), multiInstance: false }).then(
    (db) => db.close().then(() => undefined),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CampaignError);
  return error as CampaignError;
}

describe('SQLite storage files', () => {
  afterEach(stopChildren);

  it('refuses a file that is not a database and leaves it untouched', async () => {
    const directory = tempDir();
    const file = join(directory, 'notes.sqlite');
    writeFileSync(file, 'Just some notes, not a database.\n'.repeat(200));
    const before = hashOf(file);
    const error = await openError(directory, 'notes');
    expect(error.code).toBe('DB_NOT_A_DATABASE');
    expect(error.message).toContain(file);
    expect(error.message).toContain('--data-dir');
    expect(hashOf(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses another program's SQLite database and leaves it untouched", async () => {
    const directory = tempDir();
    const file = join(directory, 'other.sqlite');
    const other = new Database(file);
    other.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts (name) VALUES ('x')");
    other.close();
    const before = hashOf(file);
    expect((await openError(directory, 'other')).code).toBe('DB_NOT_A_DATABASE');
    expect(hashOf(file)).toBe(before);
  });

  it('refuses a file of a newer storage format and leaves it untouched', async () => {
    const directory = tempDir();
    const db = await createRxDatabase({ name: 'future', storage: getRxStorageSqlite({ directory }), multiInstance: false });
    await db.close();
    const file = join(directory, 'future.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${FORMAT_VERSION + 1}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = hashOf(file);
    const error = await openError(directory, 'future');
    expect(error.code).toBe('DB_NEWER_SCHEMA');
    expect(error.params).toMatchObject({ file, found: FORMAT_VERSION + 1, supported: FORMAT_VERSION });
    expect(hashOf(file)).toBe(before);
  });

  it('upgrades a file of storage format 1 (padded keys), recomputing its keys', async () => {
    const directory = tempDir();
    const open = () => createRxDatabase({ name: 'old', storage: getRxStorageSqlite({ directory }), multiInstance: false });
    let db = await open();
    let { items } = await db.addCollections({ items: { schema: batchSchema } });
    await items.bulkInsert(Array.from({ length: 50 }, (_, i) => ({ id: `item ${i}`, batch: i % 5, payload: 'p' })));
    await db.close();
    // Turn it into what format 1 wrote: RxDB's padded index strings, no key_format column.
    const raw = new Database(join(directory, 'old.sqlite'));
    const { indexes } = raw.prepare("SELECT indexes FROM _cd_tables WHERE name = 'items__v0'").get() as { indexes: string };
    const keyOf = (JSON.parse(indexes) as string[][]).map((fields) => getIndexableStringMonad(fillWithDefaultSettings(batchSchema), fields));
    const update = raw.prepare(`UPDATE "items__v0" SET ${keyOf.map((_, i) => `k${i} = ?`).join(', ')} WHERE rowid = ?`);
    for (const row of raw.prepare('SELECT rowid AS id, data FROM "items__v0"').all() as { id: number; data: string }[]) {
      update.run(...keyOf.map((key) => toSqliteKey(key(JSON.parse(row.data) as never))), row.id);
    }
    raw.exec('ALTER TABLE _cd_tables DROP COLUMN key_format');
    raw.pragma('user_version = 1');
    raw.close();

    db = await open();
    ({ items } = await db.addCollections({ items: { schema: batchSchema } }));
    const found = await items.find({ selector: { batch: { $gte: 3 } }, sort: [{ batch: 'asc' }, { id: 'asc' }] }).exec();
    expect(found.map((d) => d.id)).toEqual([...Array(50).keys()].filter((i) => i % 5 >= 3).sort((a, b) => a % 5 - b % 5 || (`item ${a}` < `item ${b}` ? -1 : 1)).map((i) => `item ${i}`));
    await db.close();
    const check = new Database(join(directory, 'old.sqlite'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(FORMAT_VERSION);
    expect(check.prepare('SELECT key_format FROM _cd_tables WHERE name = ?').pluck().get('items__v0')).toBe(2);
    check.close();
  });

  it('reports a database held by another running process as locked, and opens it once released', async () => {
    const directory = tempDir();
    const child = startChild('./hold-database-child.ts', [directory, 'shared']);
    await child.waitForLine(/^ready$/);
    const file = join(directory, 'shared.sqlite');
    const before = hashOf(file);
    const error = await openError(directory, 'shared');
    expect(error.code).toBe('DB_LOCKED');
    expect(error.message).toContain(file);
    expect(hashOf(file)).toBe(before);
    child.process.stdin.end();
    expect((await child.exited).code).toBe(0);
    const db = await createRxDatabase({ name: 'shared', storage: getRxStorageSqlite({ directory }), multiInstance: false });
    await db.close();
  });

  it('stays consistent when the writing process is killed in the middle of a bulk write', async () => {
    const directory = tempDir();
    const batchSize = 20_000;
    const child = startChild('./bulk-write-child.ts', [directory, 'killed', String(batchSize)]);
    await child.waitForLine(/^committed 2$/);
    // Batch 3's transaction is under way and has most of its rows still to write: kill it.
    await child.waitForLine(/^inside 3$/);
    child.process.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    const file = join(directory, 'killed.sqlite');
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const db = await createRxDatabase({ name: 'killed', storage: getRxStorageSqlite({ directory }), multiInstance: false });
    const { items } = await db.addCollections({ items: { schema: batchSchema } });
    const perBatch = new Map<number, number>();
    const all = await items.find().exec();
    for (const doc of all) perBatch.set(doc.batch, (perBatch.get(doc.batch) ?? 0) + 1);
    const batches = [...perBatch.keys()].sort((a, b) => a - b);
    // The committed batches are complete; nothing of the interrupted one is there.
    expect(batches).toEqual([0, 1, 2]);
    for (const count of perBatch.values()) expect(count).toBe(batchSize);
    // The index agrees with the table.
    const instance = items.storageInstance.originalStorageInstance as unknown as RxStorageInstanceSqlite<BatchItem>;
    for (const batch of batches) {
      const prepared = prepareQuery(instance.schema, normalizeMangoQuery(instance.schema, { selector: { batch: { $eq: batch }, _deleted: { $eq: false } } as MangoQuerySelector<BatchItem> }));
      expect((await instance.count(prepared)).count).toBe(batchSize);
    }
    // And it takes writes again.
    await items.insert({ id: 'after-kill', batch: 999, payload: 'ok' });
    await db.close();
  });
});
