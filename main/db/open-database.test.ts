import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import type { RxJsonSchema } from 'rxdb';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { defineCollection } from './collection-definition.ts';
import { DATABASE_DIR, DATABASE_FILE, openDatabase as openAppDatabase, openDatabaseWith as openWith, type OpenDatabaseOptions } from './open-database.ts';
import type { CollectionDefinitions } from './collection-definition.ts';
import { audienceSchema, type AudienceDoc } from './schemas/audiences.ts';
import { tempDir } from './storage-sqlite/sqlite-test-support.ts';

function hashOf(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function audience(id: string, name: string): AudienceDoc {
  return {
    id,
    storeId: '',
    name,
    description: '',
    rule: { version: 1, root: { op: 'and', children: [{ kind: 'attribute', field: 'level', cmp: 'gte', value: 3 }] } },
    mode: 'live',
    lastSize: 0,
    lastSizedAt: 0,
    archived: false,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
  };
}

// The next version of the audiences schema, as a later issue might write it: audiences get
// tags, and existing ones start with none.
type AudienceV1 = AudienceDoc & { tags: string[] };
const audienceSchemaV1: RxJsonSchema<AudienceV1> = {
  ...audienceSchema,
  version: 1,
  properties: { ...audienceSchema.properties, tags: { type: 'array', items: { type: 'string', maxLength: 40 } } },
  required: [...(audienceSchema.required as string[]), 'tags'] as RxJsonSchema<AudienceV1>['required'],
};
const v0 = { audiences: defineCollection(audienceSchema, {}) };
const v1 = { audiences: defineCollection(audienceSchemaV1, { 1: (doc: AudienceDoc): AudienceV1 => ({ ...doc, tags: [] }) }) };

// Closed after each test even when it fails: open-source RxDB allows 13 open collections.
async function openDatabase(options: OpenDatabaseOptions) {
  const database = await openAppDatabase(options);
  onTestFinished(() => database.close());
  return database;
}

async function openDatabaseWith<D extends CollectionDefinitions>(options: OpenDatabaseOptions, definitions: D) {
  const database = await openWith(options, definitions);
  onTestFinished(() => database.close());
  return database;
}

async function rejection(promise: Promise<unknown>): Promise<CampaignError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CampaignError);
  return error as CampaignError;
}

describe('openDatabase', () => {
  it('opens every collection in <dataDir>/db, and keeps data across close and reopen', async () => {
    const dataDir = tempDir();
    let database = await openDatabase({ dataDir });
    expect(database.file).toBe(join(dataDir, DATABASE_DIR, DATABASE_FILE));
    expect(Object.keys(database.collections)).toHaveLength(13);
    await database.collections.audiences.insert(audience('a1', 'Gold members'));
    await database.collections.plans.insert({
      id: 'p1', storeId: 'S1', name: 'Birthday coupon', description: '', marketingType: 'birthday', pluginId: 'campaign-desk.birthday',
      status: 'active', audienceId: 'a1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'birthday', scope: 'day', time: '09:00' } },
      misfire: 'fire-once', actions: [{ id: 'a', type: 'grant', subject: { type: 'package', id: 'pk1' } }], limits: {}, config: {},
      nextFireAt: 1_700_000_100_000, activatedAt: 1, lastFiredAt: 0, version: 1, source: 'local', createdAt: 1, updatedAt: 1, updatedBy: 'user:alice',
    });
    await database.close();

    database = await openDatabase({ dataDir });
    const counts = await database.counts();
    expect(counts).toMatchObject({ audiences: 1, plans: 1, customers: 0, grants: 0 });
    // The scheduler's question: which active plans are due?
    const due = await database.collections.plans.find({ selector: { status: 'active', nextFireAt: { $lte: 1_700_000_200_000 } } }).exec();
    expect(due.map((p) => p.id)).toEqual(['p1']);
    await database.close();
  });

  it('validates writes against the schema', async () => {
    const database = await openDatabase({ dataDir: tempDir() });
    const bad = { ...audience('a2', 'x'), mode: 'sometimes' } as unknown as AudienceDoc;
    await expect(database.collections.audiences.insert(bad)).rejects.toThrow();
    await database.close();
  });

  it('keeps settings and plugins in validated key-value stores', async () => {
    const dataDir = tempDir();
    let database = await openDatabase({ dataDir });
    const changed = firstValueFrom(database.settings.watch().pipe(filter((all) => 'engine.quietHours' in all)));
    await database.settings.set('engine.quietHours', { value: { from: '21:00', to: '08:00' }, updatedAt: 5, updatedBy: 'user:alice' });
    expect((await changed)['engine.quietHours']?.value).toEqual({ from: '21:00', to: '08:00' });
    await expect(database.settings.set('bad', { value: 1 } as never)).rejects.toThrow(/invalid settings entry/);
    await database.plugins.set('campaign-desk.birthday', {
      name: 'Birthday', version: '1.0.0', publisher: 'Campaign Desk', apiRange: '^1.0.0', builtIn: true, enabled: true, status: 'ok',
      manifest: {}, trust: 'builtin', keyId: '', config: {}, grantedPermissions: [], location: '', installedAt: 1, updatedAt: 1,
    });
    await database.close();

    database = await openDatabase({ dataDir });
    expect(await database.settings.get('engine.quietHours')).toMatchObject({ updatedBy: 'user:alice' });
    expect(Object.keys(await database.plugins.getAll())).toEqual(['campaign-desk.birthday']);
    await database.settings.delete('engine.quietHours');
    expect(await database.settings.getAll()).toEqual({});
    await database.close();
  });

  it('reads plugin entries written in the previous format (v0: no trust or config), on a real file', async () => {
    const dataDir = tempDir();
    let database = await openDatabase({ dataDir });
    const v0 = { name: 'Win-back', version: '1.2.0', publisher: 'Acme', apiRange: '^1.0.0', builtIn: false, enabled: true, status: 'ok', manifest: {}, grantedPermissions: [], location: 'plugins/com.acme.win-back', installedAt: 1, updatedAt: 1 };
    await database.db.upsertLocal('plugins', { version: 0, entries: { 'com.acme.win-back': v0, 'campaign-desk.birthday': { ...v0, builtIn: true, location: '' } } });
    await database.close();

    database = await openDatabase({ dataDir });
    expect(await database.plugins.get('com.acme.win-back')).toEqual({ ...v0, trust: 'unsigned', keyId: '', config: {} });
    expect((await database.plugins.get('campaign-desk.birthday'))?.trust).toBe('builtin');
    await database.close();
  });

  it('migrates a collection written by the previous schema version, on a real file', async () => {
    const dataDir = tempDir();
    const old = await openDatabaseWith({ dataDir }, v0);
    await old.collections.audiences.bulkInsert([audience('a1', 'Gold'), audience('a2', 'Fans 😀')]);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, v1);
    const docs = await current.collections.audiences.find({ sort: [{ id: 'asc' }] }).exec();
    expect(docs.map((d) => [d.id, d.name, d.tags])).toEqual([
      ['a1', 'Gold', []],
      ['a2', 'Fans 😀', []],
    ]);
    await current.collections.audiences.insert({ ...audience('a3', 'New'), tags: ['vip'] });
    await current.close();

    const again = await openDatabaseWith({ dataDir }, v1);
    expect(await again.collections.audiences.count().exec()).toBe(3);
    await again.close();
  });

  it('refuses a database written by a newer version and leaves the file untouched', async () => {
    const dataDir = tempDir();
    const newer = await openDatabaseWith({ dataDir }, v1);
    await newer.collections.audiences.insert({ ...audience('a1', 'Gold'), tags: [] });
    await newer.close();
    const file = join(dataDir, DATABASE_DIR, DATABASE_FILE);
    const before = hashOf(file);

    const error = await rejection(openDatabaseWith({ dataDir }, v0));
    expect(error.code).toBe('DB_NEWER_SCHEMA');
    expect(error.params).toMatchObject({ file, what: 'collection audiences', found: 1, supported: 0 });
    expect(error.localized('zh-CN')).toContain(file);
    expect(hashOf(file)).toBe(before);
    // The newer version still opens it, data intact.
    const reopened = await openDatabaseWith({ dataDir }, v1);
    expect(await reopened.collections.audiences.count().exec()).toBe(1);
    await reopened.close();
  });

  it('refuses a file that is not a database, naming it', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, DATABASE_DIR, DATABASE_FILE);
    mkdirSync(join(dataDir, DATABASE_DIR));
    writeFileSync(file, 'PK\u0003\u0004 not a database');
    const error = await rejection(openDatabase({ dataDir }));
    expect(error.code).toBe('DB_NOT_A_DATABASE');
    expect(error.message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe('PK\u0003\u0004 not a database');
  });

  it('backs up while open; the copy opens as a data dir of its own', async () => {
    const dataDir = tempDir();
    const database = await openDatabase({ dataDir });
    await database.collections.audiences.bulkInsert([audience('a1', 'Gold'), audience('a2', 'Silver')]);
    const target = join(tempDir(), 'backups', 'campaign-desk-backup.sqlite');
    await database.backup(target);
    await database.collections.audiences.insert(audience('a3', 'After the backup'));
    await database.close();

    const restoredDir = tempDir();
    mkdirSync(join(restoredDir, DATABASE_DIR));
    copyFileSync(target, join(restoredDir, DATABASE_DIR, DATABASE_FILE));
    const restored = await openDatabase({ dataDir: restoredDir });
    const names = (await restored.collections.audiences.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.name);
    expect(names).toEqual(['Gold', 'Silver']);
    await restored.close();
  });

  it('reports a failed backup with DB_BACKUP_FAILED', async () => {
    const dataDir = tempDir();
    const database = await openDatabase({ dataDir });
    // A file where the target's folder should be.
    const blocker = join(dataDir, 'not-a-folder');
    writeFileSync(blocker, '');
    const error = await rejection(database.backup(join(blocker, 'backup.sqlite')));
    expect(error.code).toBe('DB_BACKUP_FAILED');
    await database.close();
  });
});
