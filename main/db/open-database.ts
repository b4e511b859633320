import { join, resolve } from 'node:path';
import { addRxPlugin, createRxDatabase, getAllCollectionDocuments, type RxCollectionCreator, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBCleanupPlugin } from 'rxdb/plugins/cleanup';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { CollectionDefinitions, CollectionsOf } from './collection-definition.ts';
import { collectionDefinitions, type AppCollections } from './collections.ts';
import { KeyValueStore } from './key-value-store.ts';
import { pluginsStore, type PluginEntry } from './schemas/plugins.ts';
import { settingsStore, type SettingEntry } from './schemas/settings.ts';
import { getRxStorageSqlite } from './storage-sqlite/index.ts';

/** RxDB's name of the database. Part of replication checkpoints: never change it. */
export const DATABASE_NAME = 'campaign-desk';
/** Where the database lives in the data dir (SQLite adds `-wal` beside it while open). */
export const DATABASE_DIR = 'db';
export const DATABASE_FILE = 'campaign-desk.sqlite';

const DAY = 24 * 60 * 60 * 1000;

export interface OpenDatabaseOptions {
  /** The data directory; created if missing. The database is `<dataDir>/db/campaign-desk.sqlite`. */
  dataDir: string;
  /** Check every write against the collection's JSON schema (default true). */
  validate?: boolean;
}

/** An open database. Invariant: this process holds the file's lock until `close()`. */
export interface AppDatabase<C = AppCollections> {
  readonly db: RxDatabase;
  readonly collections: C;
  /** Absolute path of the SQLite file. */
  readonly file: string;
  /** Documents per collection (deleted ones not counted). */
  counts(): Promise<Record<keyof C & string, number>>;
  /** Business settings by key (see `schemas/settings.ts`). */
  readonly settings: KeyValueStore<SettingEntry>;
  /** Installed plugins by id (see `schemas/plugins.ts`). */
  readonly plugins: KeyValueStore<PluginEntry>;
  /**
   * Copies the database to `targetFile` while it stays in use (SQLite online backup). The
   * target is replaced only when the copy is complete. Throws DB_BACKUP_FAILED.
   */
  backup(targetFile: string): Promise<void>;
  /** Closes the database and releases the file. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) the Campaign Desk database in `dataDir`, migrating collections written
 * by older versions. Throws CampaignError DB_NOT_A_DATABASE, DB_NEWER_SCHEMA, DB_LOCKED,
 * DB_CORRUPT or DB_OPEN_FAILED, naming the file; a refused file is left unchanged.
 */
export function openDatabase(options: OpenDatabaseOptions): Promise<AppDatabase> {
  return openDatabaseWith(options, collectionDefinitions);
}

/** `openDatabase` with other collection definitions (tests: an older or newer schema). */
export async function openDatabaseWith<D extends CollectionDefinitions>(
  options: OpenDatabaseOptions,
  definitions: D,
): Promise<AppDatabase<CollectionsOf<D>>> {
  addRxPlugin(RxDBMigrationSchemaPlugin);
  addRxPlugin(RxDBCleanupPlugin);
  addRxPlugin(RxDBLocalDocumentsPlugin);
  // Audience snapshots keep their member ids as an attachment.
  addRxPlugin(RxDBAttachmentsPlugin);
  const sqlite = getRxStorageSqlite({ directory: join(resolve(options.dataDir), DATABASE_DIR), fileName: () => DATABASE_FILE });
  const storage: RxStorage<unknown, unknown> = options.validate === false ? sqlite : wrappedValidateAjvStorage({ storage: sqlite });
  const file = sqlite.databaseFile(DATABASE_NAME);
  const db = await createRxDatabase({
    name: DATABASE_NAME,
    storage,
    // One process owns the file (it is locked), so there is nobody to share events with.
    multiInstance: false,
    // A second open of the same data dir in this process (dev restart, tests) replaces the first.
    closeDuplicates: true,
    eventReduce: true,
    localDocuments: true,
    // Counts that the index cannot answer alone read the index range: fine at our sizes.
    allowSlowCount: true,
    // Tombstones are kept 30 days (and until replicated) so other stores learn of deletions.
    cleanupPolicy: { minimumDeletedTime: 30 * DAY, runEach: 6 * 60 * 60 * 1000, awaitReplicationsInSync: true, waitForLeadership: false },
  });
  try {
    await refuseNewerSchemas(db, definitions, file);
    const settings = new KeyValueStore(db, settingsStore, file);
    const plugins = new KeyValueStore(db, pluginsStore, file);
    // Reading them once refuses a file whose stores a newer version wrote, before any write.
    await Promise.all([settings.getAll(), plugins.getAll()]);
    const creators: Record<string, RxCollectionCreator> = {};
    for (const [name, definition] of Object.entries(definitions)) {
      creators[name] = { schema: definition.schema as unknown as RxCollectionCreator['schema'], migrationStrategies: definition.migrationStrategies };
    }
    const collections = (await db.addCollections(creators)) as unknown as CollectionsOf<D>;
    const names = Object.keys(definitions) as (keyof D & string)[];
    return {
      db,
      collections,
      file,
      settings,
      plugins,
      counts: async () => {
        const counts = await Promise.all(names.map((name) => db.collections[name]!.count().exec()));
        return Object.fromEntries(names.map((name, i) => [name, counts[i]!])) as Record<keyof D & string, number>;
      },
      backup: (targetFile) => sqlite.backup(DATABASE_NAME, targetFile),
      close: async () => {
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * A collection stored with a higher schema version than this build knows was written by a
 * newer Campaign Desk: opening it would start an empty collection beside the data. Checked
 * before anything is written.
 */
async function refuseNewerSchemas(db: RxDatabase, definitions: CollectionDefinitions, file: string): Promise<void> {
  for (const doc of await getAllCollectionDocuments(db.internalStore)) {
    const definition = definitions[doc.data.name];
    if (definition && doc.data.version > definition.schema.version) {
      throw new CampaignError('DB_NEWER_SCHEMA', {
        file,
        what: `collection ${doc.data.name}`,
        found: doc.data.version,
        supported: definition.schema.version,
      });
    }
  }
}
