import type { Statement } from 'better-sqlite3';
import type { ExpressionIndex } from '../expression-indexes.ts';
import type { SqliteFile } from './sqlite-file.ts';

/** Settings of `getRxStorageSqlite()`. */
export interface SqliteStorageSettings {
  /** Folder that holds one SQLite file per RxDatabase. Created if missing. */
  directory: string;
  /**
   * File name (inside `directory`) of a database; default `<databaseName>.sqlite`.
   * Must be stable: the same name always maps to the same file.
   */
  fileName?: (databaseName: string) => string;
  /**
   * Expression indexes to keep on collections' tables (default: `EXPRESSION_INDEXES` of
   * `main/db/expression-indexes.ts`): created with a table, and at open where missing.
   */
  expressionIndexes?: readonly ExpressionIndex[];
}

/** Per-collection options; the SQLite storage has none yet. */
export type SqliteInstanceCreationOptions = Record<string, never>;

/** One schema index (incl. RxDB's `_deleted` prefix and primary key suffix) and its column. */
export interface SqliteIndexColumn {
  /** Field paths of the index, as in the schema: `['_deleted', 'storeId', 'id']`. */
  fields: string[];
  /** Column name `k<n>`; holds `keyOf(doc)` and has an SQL index. */
  column: string;
  /** The document's stored key: `encode(getIndexableString(doc))`, computed directly. */
  keyOf: (doc: object) => string;
  /** RxDB's index string (or a query bound) to the stored key (`sqlite-index-key.ts`). */
  encode: (indexString: string) => string;
}

/** What a storage instance owns inside its file; plain data except the statements. */
export interface SqliteStorageInternals {
  file: SqliteFile;
  /** Table of the documents of this collection and schema version. */
  table: string;
  /** Table of attachment bytes, when the schema has attachments. */
  attachmentsTable: string | undefined;
  indexes: SqliteIndexColumn[];
  statements: SqliteStatements;
}

export interface SqliteStatements {
  /** `(idsJson) -> data[]`: documents whose encoded ids are in the JSON array. */
  selectByIds: Statement<[string], string>;
  /** `(id) -> data`: the same for one id (much cheaper than json_each for single reads). */
  selectById: Statement<[string], string>;
  /** `(deleted, lwt, data, ...keys, id)`: the parameters of all three writes, in one order. */
  insert: Statement<unknown[]>;
  /** The same, doing nothing (0 changes) when the id exists. */
  insertIfNew: Statement<unknown[]>;
  /** The same parameters, for the row of that id. */
  update: Statement<unknown[]>;
}
