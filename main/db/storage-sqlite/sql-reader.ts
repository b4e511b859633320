import type Database from 'better-sqlite3';
import { BugError } from '../../core/errors/campaign-error.ts';
import { acquireSqliteFile, quoteIdentifier, releaseSqliteFile, type SqliteFile } from './sqlite-file.ts';
import { encodeStringField } from './sqlite-index-key.ts';
import { toSqliteKey } from './sqlite-key.ts';

/**
 * Read-only SQL over the tables of an open database, for aggregations RxDB's query language
 * cannot express (joins, grouping) over millions of documents. Each collection's table holds
 * `id`, `deleted` (0/1), `data` (the document as JSON, read with `json_extract`/`->>`) and one
 * key column `k<n>` per schema index (in schema order, with RxDB's `_deleted` first and the
 * primary key last), encoded so that SQLite's order is RxDB's (`sqlite-index-key.ts`).
 *
 * Use `keyPrefix` for an index range: a key starts with the encoded values of the index's
 * leading fields. Never write through it: RxDB would not see the change.
 */
export interface SqlReader {
  /** The quoted table of a collection at a schema version. Throws when it does not exist. */
  table(collection: string, schemaVersion: number): string;
  /**
   * `<table> AS <alias> INDEXED BY <its index on key column k<n>>`: forces SQLite to walk that index
   * (its planner cannot know that one key range per outer row is small).
   */
  keyed(table: string, n: number, alias: string): string;
  /**
   * The quoted name of an expression index of a table (for `INDEXED BY`): one declared in
   * `main/db/expression-indexes.ts` (the storage creates those when it opens the database) or
   * one made by `ensureIndex`.
   */
  indexName(table: string, name: string): string;
  /** Rows as arrays (`raw`), for speed. */
  rows<T extends unknown[]>(sql: string, ...params: unknown[]): T[];
  /**
   * Creates (once) an index `<table>:<name>` on expressions of a collection's table at the first
   * query (slow once on a large table: prefer declaring it in `main/db/expression-indexes.ts`), e.g.
   * `data->>'planKey'`, followed by the `deleted` column. SQLite keeps it up to date on every
   * write; a query whose columns are among its expressions is answered from the index alone
   * (covering) without parsing the documents. With `where` it is a partial index (queries
   * must repeat that condition word for word).
   */
  ensureIndex(table: string, name: string, expressions: string[], where?: string): void;
  /** Releases the connection (the database itself stays open). */
  close(): void;
  /** Runs a statement that changes only this connection's TEMP tables; the number of rows changed. */
  run(sql: string, ...params: unknown[]): number;
}

/** `_deleted` = false, then each value: the start of every key with those leading fields. */
export function keyPrefix(...values: (string | number)[]): string {
  let key = '0';
  for (const v of values) key += typeof v === 'string' ? encodeStringField(v) : String(v);
  return toSqliteKey(key);
}

export { toSqliteKey };

/** Above every code point `toSqliteKey` produces: `prefix + KEY_END` bounds a prefix range. */
export const KEY_END = '\u{10ffff}';

/**
 * Adds SQL functions the aggregations need to a connection (once per connection):
 * `cd_key_prefix(text)` = `keyPrefix(text)`, `cd_iso(ms)` = the ISO 8601 UTC text of an instant
 * with milliseconds (how events store `at`).
 */
const prepared = new WeakSet<Database.Database>();
function addFunctions(db: Database.Database): void {
  if (prepared.has(db)) return;
  // Aggregations keep their TEMP tables in memory (set before any exists: changing it drops them).
  db.pragma('temp_store = MEMORY');
  db.function('cd_key_prefix', { deterministic: true }, (value: unknown) => keyPrefix(String(value)));
  db.function('cd_iso', { deterministic: true }, (ms: unknown) => new Date(Number(ms)).toISOString());
  prepared.add(db);
}

function unquote(table: string): string {
  return table.replace(/^"|"$/g, '').replace(/""/g, '"');
}

/**
 * A reader on the SQLite file at `path`, sharing the connection of the database open in this
 * process (the file is locked to it; a second connection could not read it).
 */
export function openSqlReader(path: string): SqlReader {
  const file: SqliteFile = acquireSqliteFile(path);
  addFunctions(file.db);
  const tables = new Map<string, string>();
  const statements = new Map<string, Database.Statement>();
  const indexes = new Set<string>();
  let open = true;
  return {
    table(collection, schemaVersion) {
      const key = `${collection}@${schemaVersion}`;
      let t = tables.get(key);
      if (t === undefined) {
        const name = file.db.prepare('SELECT name FROM _cd_tables WHERE collection = ? AND version = ?').pluck().get(collection, schemaVersion) as string | undefined;
        if (name === undefined) throw new BugError(`No table for collection ${collection} v${schemaVersion} in ${path}`);
        tables.set(key, (t = quoteIdentifier(name)));
      }
      return t;
    },
    rows<T extends unknown[]>(sql: string, ...params: unknown[]): T[] {
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = file.db.prepare(sql).raw()));
      return stmt.all(...params) as T[];
    },
    keyed(table, n, alias) {
      return `${table} AS ${alias} INDEXED BY ${quoteIdentifier(`${unquote(table)}:k${n}`)}`;
    },
    indexName(table, name) {
      return quoteIdentifier(`${unquote(table)}:${name}`);
    },
    ensureIndex(table, name, expressions, where) {
      const key = `${unquote(table)}:${name}`;
      if (indexes.has(key)) return;
      file.db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(key)} ON ${table} (${expressions.join(', ')}, deleted)${where ? ` WHERE ${where}` : ''}`);
      indexes.add(key);
    },
    run(sql: string, ...params: unknown[]): number {
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = file.db.prepare(sql)));
      return stmt.run(...params).changes;
    },
    close() {
      if (!open) return;
      open = false;
      releaseSqliteFile(file);
    },
  };
}
