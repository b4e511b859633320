import { resolve } from 'node:path';
import {
  ensureRxStorageInstanceParamsAreCorrect,
  RXDB_VERSION,
  type RxStorage,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { EXPRESSION_INDEXES, expressionIndexesOf } from '../expression-indexes.ts';
import { acquireSqliteFile, attachmentsTableName, quoteIdentifier, releaseSqliteFile } from './sqlite-file.ts';
import { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';
import { documentKeyFunction, indexKeyEncoder } from './sqlite-index-key.ts';
import { backupSqliteFile } from './sqlite-backup.ts';
import type { SqliteIndexColumn, SqliteInstanceCreationOptions, SqliteStorageInternals, SqliteStorageSettings } from './sqlite-types.ts';

export const RX_STORAGE_NAME_SQLITE = 'campaign-desk-sqlite';

/**
 * RxDB storage on better-sqlite3: one SQLite file per RxDatabase (`<directory>/<name>.sqlite`),
 * one table per collection and schema version. Single process: the file is locked while open,
 * so changes are not propagated to other processes (`multiInstance` has no effect).
 */
export class RxStorageSqlite implements RxStorage<SqliteStorageInternals, SqliteInstanceCreationOptions> {
  /**
   * RxDB refuses two open databases with the same storage name and database name (DB8).
   * Databases in different directories are different files, so the directory is part of it.
   */
  readonly name: string;
  readonly rxdbVersion = RXDB_VERSION;

  constructor(readonly settings: SqliteStorageSettings) {
    this.name = `${RX_STORAGE_NAME_SQLITE}:${resolve(settings.directory)}`;
  }

  /** Absolute path of the SQLite file of a database. */
  databaseFile(databaseName: string): string {
    const fileName = this.settings.fileName ? this.settings.fileName(databaseName) : `${safeFileName(databaseName)}.sqlite`;
    return resolve(this.settings.directory, fileName);
  }

  /** Online backup of a database to `targetFile` (see `backupSqliteFile`). */
  backup(databaseName: string, targetFile: string): Promise<void> {
    return backupSqliteFile(this.databaseFile(databaseName), targetFile);
  }

  createStorageInstance<RxDocType>(
    params: RxStorageInstanceCreationParams<RxDocType, SqliteInstanceCreationOptions>,
  ): Promise<RxStorageInstanceSqlite<RxDocType>> {
    try {
      ensureRxStorageInstanceParamsAreCorrect(params);
      return Promise.resolve(createInstance(this, params));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

export function getRxStorageSqlite(settings: SqliteStorageSettings): RxStorageSqlite {
  return new RxStorageSqlite(settings);
}

function createInstance<RxDocType>(
  storage: RxStorageSqlite,
  params: RxStorageInstanceCreationParams<RxDocType, SqliteInstanceCreationOptions>,
): RxStorageInstanceSqlite<RxDocType> {
  const file = acquireSqliteFile(storage.databaseFile(params.databaseName));
  try {
    const schema = params.schema;
    const fieldLists = (schema.indexes ?? []).map((index) => (typeof index === 'string' ? [index] : [...index]));
    const table = `${params.collectionName}__v${schema.version}`;
    const attachments = !!schema.attachments;
    const indexes: SqliteIndexColumn[] = fieldLists.map((fields, i) => ({
      fields,
      column: `k${i}`,
      keyOf: documentKeyFunction(schema, fields),
      encode: indexKeyEncoder(schema, fields),
    }));
    const keysOf = (doc: object) => indexes.map((index) => index.keyOf(doc));
    const expressionIndexes = expressionIndexesOf(params.collectionName, storage.settings.expressionIndexes ?? EXPRESSION_INDEXES);
    file.ensureTable({ name: table, collectionName: params.collectionName, schemaVersion: schema.version, indexes: fieldLists, attachments, keysOf, expressionIndexes });
    const t = quoteIdentifier(table);
    const keyNames = indexes.map((index) => `, ${index.column}`).join('');
    const keyParams = indexes.map(() => ', ?').join('');
    const keySets = indexes.map((index) => `, ${index.column} = ?`).join('');
    const db = file.db;
    const internals: SqliteStorageInternals = {
      file,
      table,
      attachmentsTable: attachments ? attachmentsTableName(table) : undefined,
      indexes,
      statements: {
        selectByIds: db.prepare<[string], string>(`SELECT data FROM ${t} WHERE id IN (SELECT value FROM json_each(?))`).pluck(),
        selectById: db.prepare<[string], string>(`SELECT data FROM ${t} WHERE id = ?`).pluck(),
        insert: db.prepare<unknown[]>(`INSERT INTO ${t} (deleted, lwt, data${keyNames}, id) VALUES (?, ?, ?${keyParams}, ?)`),
        insertIfNew: db.prepare<unknown[]>(`INSERT INTO ${t} (deleted, lwt, data${keyNames}, id) VALUES (?, ?, ?${keyParams}, ?) ON CONFLICT (id) DO NOTHING`),
        update: db.prepare<unknown[]>(`UPDATE ${t} SET deleted = ?, lwt = ?, data = ?${keySets} WHERE id = ?`),
      },
    };
    return new RxStorageInstanceSqlite<RxDocType>(storage, params.databaseName, params.collectionName, schema, internals, params.options);
  } catch (error) {
    releaseSqliteFile(file);
    throw error;
  }
}

/** Database names become file names: keep them readable, escape anything path-like. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
