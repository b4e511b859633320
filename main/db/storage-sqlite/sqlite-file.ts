import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BugError, CampaignError } from '../../core/errors/campaign-error.ts';
import type { ExpressionIndex } from '../expression-indexes.ts';

/** `PRAGMA application_id` of files this storage created ('CDk1'): tells them from other SQLite files. */
export const APPLICATION_ID = 0x43446b31;
/**
 * Layout version of the file (tables, columns), kept in `PRAGMA user_version`. Bump it when
 * the layout changes, and teach `openSqliteFile` to upgrade older files.
 * 1: first layout. 2: `_cd_tables.key_format`.
 */
export const FORMAT_VERSION = 2;
/**
 * Version of the index key encoding (`sqlite-index-key.ts`), kept per table: a table with an
 * older one has its keys recomputed when it is opened. 1: RxDB's padded strings. 2: compact.
 */
export const KEY_FORMAT = 2;

const SQLITE_HEADER = 'SQLite format 3\u0000';
const REGISTRY = '_cd_tables';

/** How a collection table was created; reopening with other indexes would misread it. */
export interface TableSpec {
  name: string;
  collectionName: string;
  schemaVersion: number;
  /** Index field lists, in column order (`k0`, `k1`, ...). */
  indexes: string[][];
  attachments: boolean;
  /** The key columns' values for a stored document (to recompute keys of an older format). */
  keysOf: (doc: object) => string[];
  /** Expression indexes declared for the collection (`main/db/expression-indexes.ts`). */
  expressionIndexes: readonly ExpressionIndex[];
}

/**
 * One open SQLite file, shared by every storage instance (collection) of one RxDatabase in
 * this process. Invariants: exactly one connection per path per process; the connection
 * holds SQLite's exclusive lock from open to close, so no other process can read or write
 * the file meanwhile; it is closed when the last instance releases it.
 */
export class SqliteFile {
  refCount = 0;
  /** A table was dropped while open: delete the file on close if no table is left. */
  private removedTables = false;
  /** Change listeners per table, so instances of the same table see each other's writes. */
  readonly listeners = new Map<string, Set<(bulk: unknown) => void>>();

  constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {}

  /** Creates the table of a collection (if new) and checks that an existing one matches. */
  ensureTable(spec: TableSpec): void {
    const existing = this.db.prepare(`SELECT indexes, attachments, key_format FROM ${REGISTRY} WHERE name = ?`).get(spec.name) as
      | { indexes: string; attachments: number; key_format: number }
      | undefined;
    const indexesJson = JSON.stringify(spec.indexes);
    if (existing) {
      if (existing.indexes !== indexesJson || existing.attachments !== (spec.attachments ? 1 : 0)) {
        throw new BugError(`Table ${spec.name} in ${this.path} has other indexes than its schema (same schema version, changed schema?)`);
      }
      if (existing.key_format < KEY_FORMAT) this.rekey(spec);
      this.ensureExpressionIndexes(spec);
      return;
    }
    const t = quoteIdentifier(spec.name);
    const keyColumns = spec.indexes.map((_, i) => `, k${i} TEXT NOT NULL`).join('');
    this.db.transaction(() => {
      // Rowid table: documents can be large, secondary indexes then point at a small rowid.
      this.db.exec(`CREATE TABLE ${t} (id TEXT NOT NULL PRIMARY KEY, deleted INTEGER NOT NULL, lwt REAL NOT NULL, data TEXT NOT NULL${keyColumns})`);
      spec.indexes.forEach((_, i) => this.db.exec(`CREATE INDEX ${quoteIdentifier(`${spec.name}:k${i}`)} ON ${t} (k${i})`));
      // For cleanup(): only tombstones, by age.
      this.db.exec(`CREATE INDEX ${quoteIdentifier(`${spec.name}:tombstones`)} ON ${t} (lwt) WHERE deleted = 1`);
      if (spec.attachments) {
        this.db.exec(
          `CREATE TABLE ${quoteIdentifier(attachmentsTableName(spec.name))} (doc_id TEXT NOT NULL, attachment_id TEXT NOT NULL, digest TEXT NOT NULL, type TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_id, attachment_id)) WITHOUT ROWID`,
        );
      }
      for (const index of spec.expressionIndexes) this.db.exec(expressionIndexSql(spec.name, index));
      this.db
        .prepare(`INSERT INTO ${REGISTRY} (name, collection, version, indexes, attachments, key_format) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(spec.name, spec.collectionName, spec.schemaVersion, indexesJson, spec.attachments ? 1 : 0, KEY_FORMAT);
    })();
  }

  /**
   * Creates the declared expression indexes an existing table lacks, and recreates those whose
   * declaration changed (SQLite keeps each index's CREATE statement). Indexes made otherwise
   * (e.g. `SqlReader.ensureIndex`) are left alone.
   */
  private ensureExpressionIndexes(spec: TableSpec): void {
    const stored = this.db.prepare<[string], string | null>(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).pluck();
    for (const index of spec.expressionIndexes) {
      const sql = expressionIndexSql(spec.name, index);
      const name = expressionIndexName(spec.name, index.name);
      const existing = stored.get(name);
      if (existing === sql) continue;
      this.db.transaction(() => {
        if (existing !== undefined) this.db.exec(`DROP INDEX ${quoteIdentifier(name)}`);
        this.db.exec(sql);
      })();
    }
  }

  /** Recomputes every key column of a table written with an older key format; one transaction. */
  private rekey(spec: TableSpec): void {
    const t = quoteIdentifier(spec.name);
    const page = this.db.prepare(`SELECT rowid AS id, data FROM ${t} WHERE rowid > ? ORDER BY rowid LIMIT 1000`);
    const sets = spec.indexes.map((_, i) => `k${i} = ?`).join(', ');
    const update = sets ? this.db.prepare(`UPDATE ${t} SET ${sets} WHERE rowid = ?`) : undefined;
    this.db.transaction(() => {
      for (let after = 0; update; ) {
        const rows = page.all(after) as { id: number; data: string }[];
        if (rows.length === 0) break;
        for (const row of rows) update.run(...spec.keysOf(JSON.parse(row.data) as object), row.id);
        after = rows[rows.length - 1]!.id;
      }
      this.db.prepare(`UPDATE ${REGISTRY} SET key_format = ? WHERE name = ?`).run(KEY_FORMAT, spec.name);
    })();
  }

  dropTable(name: string): void {
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`);
      this.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(attachmentsTableName(name))}`);
      this.db.prepare(`DELETE FROM ${REGISTRY} WHERE name = ?`).run(name);
    })();
    this.removedTables = true;
  }

  /** Closes the connection; deletes the file when every table was removed (RxDB's `remove()`). */
  close(): void {
    const empty = this.removedTables && (this.db.prepare(`SELECT count(*) FROM ${REGISTRY}`).pluck().get() as number) === 0;
    this.db.close();
    if (empty) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(this.path + suffix, { force: true });
    }
  }
}

export function expressionIndexName(table: string, name: string): string {
  return `${table}:${name}`;
}

/** The CREATE INDEX statement of a declared expression index, exactly as SQLite keeps it in `sqlite_master.sql`. */
export function expressionIndexSql(table: string, index: ExpressionIndex): string {
  const where = index.where ? ` WHERE ${index.where}` : '';
  return `CREATE INDEX ${quoteIdentifier(expressionIndexName(table, index.name))} ON ${quoteIdentifier(table)} (${[...index.expressions, 'deleted'].join(', ')})${where}`;
}

export function attachmentsTableName(table: string): string {
  return `${table}:attachments`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const OPEN_FILES = new Map<string, SqliteFile>();

/** Opens (or shares the already open) file at an absolute path; pair with `releaseSqliteFile`. */
export function acquireSqliteFile(path: string): SqliteFile {
  let file = OPEN_FILES.get(path);
  if (!file) {
    file = new SqliteFile(path, openSqliteFile(path));
    OPEN_FILES.set(path, file);
  }
  file.refCount++;
  return file;
}

export function releaseSqliteFile(file: SqliteFile): void {
  file.refCount--;
  if (file.refCount > 0) return;
  OPEN_FILES.delete(file.path);
  file.close();
}

/**
 * Opens a file as this storage's database, creating it if missing. Every check runs before
 * the first write, so a file that is refused (not ours, newer format, locked) stays as it was.
 */
function openSqliteFile(path: string): Database.Database {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new CampaignError('DB_OPEN_FAILED', { file: path, reason: reasonOf(error) }, { cause: error });
  }
  checkHeader(path);
  let db: Database.Database | undefined;
  try {
    // timeout 0: a lock held by another process is reported at once, not waited for.
    db = new Database(path, { timeout: 0 });
    // Hold the file lock for the whole session (also keeps WAL's index in memory, no -shm).
    db.pragma('locking_mode = EXCLUSIVE');
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const format = db.pragma('user_version', { simple: true }) as number;
    const objects = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
    if (applicationId !== APPLICATION_ID && (applicationId !== 0 || objects > 0)) {
      throw new CampaignError('DB_NOT_A_DATABASE', { file: path });
    }
    if (format > FORMAT_VERSION) {
      throw new CampaignError('DB_NEWER_SCHEMA', { file: path, what: 'storage format', found: format, supported: FORMAT_VERSION });
    }
    const isNew = applicationId === 0;
    // 8 KiB pages: measured ~1.5x faster inserts than 4 KiB with our long index keys. Only
    // settable before the first write, so only for new files.
    if (isNew) db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL survives a crash of the app; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    // 64 MiB page cache (default 16): indexes of a million customers stay in memory.
    db.pragma('cache_size = -65536');
    // Take the write lock now, so a second instance fails when it opens, not later.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    const opened = db;
    if (isNew) {
      opened.transaction(() => {
        opened.exec(
          `CREATE TABLE ${REGISTRY} (name TEXT NOT NULL PRIMARY KEY, collection TEXT NOT NULL, version INTEGER NOT NULL, indexes TEXT NOT NULL, attachments INTEGER NOT NULL, key_format INTEGER NOT NULL)`,
        );
        opened.pragma(`application_id = ${APPLICATION_ID}`);
        opened.pragma(`user_version = ${FORMAT_VERSION}`);
      })();
    } else if (format < 2) {
      // Format 1 lacked key_format: its tables get their keys recomputed when opened.
      opened.transaction(() => {
        opened.exec(`ALTER TABLE ${REGISTRY} ADD COLUMN key_format INTEGER NOT NULL DEFAULT 1`);
        opened.pragma(`user_version = ${FORMAT_VERSION}`);
      })();
    }
    return db;
  } catch (error) {
    db?.close();
    throw toOpenError(path, error);
  }
}

/** A non-empty file must start with SQLite's magic header; checked without opening it in SQLite. */
function checkHeader(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CampaignError('DB_OPEN_FAILED', { file: path, reason: reasonOf(error) }, { cause: error });
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read > 0 && header.toString('latin1', 0, read) !== SQLITE_HEADER) {
      throw new CampaignError('DB_NOT_A_DATABASE', { file: path });
    }
  } finally {
    closeSync(fd);
  }
}

function toOpenError(path: string, error: unknown): CampaignError {
  if (error instanceof CampaignError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new CampaignError('DB_LOCKED', { file: path }, { cause: error });
  if (code === 'SQLITE_NOTADB') return new CampaignError('DB_NOT_A_DATABASE', { file: path }, { cause: error });
  if (code === 'SQLITE_CORRUPT') return new CampaignError('DB_CORRUPT', { file: path, reason: reasonOf(error) }, { cause: error });
  return new CampaignError('DB_OPEN_FAILED', { file: path, reason: reasonOf(error) }, { cause: error });
}

/**
 * A failed write as a typed error naming the file, when the cause is the disk or the file
 * (full, I/O, read-only); other errors (a bug such as a broken constraint) stay as they are.
 * SQLite has rolled the transaction back, so nothing of the write is stored.
 */
export function toWriteError(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  if (code === 'SQLITE_FULL') return new CampaignError('DB_DISK_FULL', { file: path }, { cause: error });
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(code)) {
    return new CampaignError('DB_WRITE_FAILED', { file: path, reason: reasonOf(error) }, { cause: error });
  }
  return error;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
