import type { Statement } from 'better-sqlite3';
import { Subject, type Observable } from 'rxjs';
import {
  categorizeBulkWriteRows,
  ensureNotFalsy,
  getChangedDocumentsSinceQuery,
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  now,
  prepareQuery,
  type BulkWriteRow,
  type CategorizeBulkWriteRowsOutput,
  type EventBulk,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageBulkWriteResponse,
  type RxStorageChangeEvent,
  type RxStorageCountResult,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageQueryResult,
  type StringKeys,
} from 'rxdb';
import { quoteIdentifier, releaseSqliteFile, toWriteError } from './sqlite-file.ts';
import { toSqliteKey } from './sqlite-key.ts';
import type { SqliteIndexColumn, SqliteInstanceCreationOptions, SqliteStorageInternals } from './sqlite-types.ts';
import type { RxStorageSqlite } from './rx-storage-sqlite.ts';

/** Thrown inside the insert-only transaction to roll it back when an id exists. */
const ID_EXISTS = Symbol('id exists');

type ChangeEventBulk<RxDocType> = EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>;
/** An index column and the bounds of a query on it, as SQLite keys. */
interface QueryRange {
  index: SqliteIndexColumn;
  lower: string;
  upper: string;
}
/** Attachment bytes read ahead of the (synchronous) write transaction, by their Blob. */
type AttachmentBytes = Map<Blob, Buffer>;

/**
 * An RxDB collection (one schema version) in a table of the database's SQLite file.
 * Invariants: a row's `k<n>` column is RxDB's index string of index n, encoded so that
 * SQLite's order on it is RxDB's (`sqlite-index-key.ts`); every bulkWrite is one SQLite transaction, and its
 * change event is emitted only after the commit.
 */
export class RxStorageInstanceSqlite<RxDocType>
  implements RxStorageInstance<RxDocType, SqliteStorageInternals, SqliteInstanceCreationOptions, RxStorageDefaultCheckpoint>
{
  readonly primaryPath: StringKeys<RxDocumentData<RxDocType>>;
  private readonly changes$ = new Subject<ChangeEventBulk<RxDocType>>();
  private readonly listener = (bulk: unknown) => this.changes$.next(bulk as ChangeEventBulk<RxDocType>);
  private readonly indexByName = new Map<string, SqliteIndexColumn>();
  private readonly statementCache = new Map<string, Statement<unknown[], unknown>>();
  private readonly rangeCache = new Map<string, QueryRange>();
  /** The same by plan object: RxDB keeps one prepared query per RxQuery and reruns it. */
  private readonly rangeByPlan = new WeakMap<object, QueryRange>();
  private readonly writeTransaction: (
    rows: BulkWriteRow<RxDocType>[],
    context: string,
    bytes: AttachmentBytes | undefined,
  ) => CategorizeBulkWriteRowsOutput<RxDocType>;
  private readonly insertTransaction: (rows: BulkWriteRow<RxDocType>[], context: string) => CategorizeBulkWriteRowsOutput<RxDocType>;
  private closed: Promise<void> | undefined;

  constructor(
    readonly storage: RxStorageSqlite,
    readonly databaseName: string,
    readonly collectionName: string,
    readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
    readonly internals: SqliteStorageInternals,
    readonly options: Readonly<SqliteInstanceCreationOptions>,
  ) {
    this.primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as StringKeys<RxDocumentData<RxDocType>>;
    for (const index of internals.indexes) this.indexByName.set(index.fields.join(','), index);
    let listeners = internals.file.listeners.get(internals.table);
    if (!listeners) internals.file.listeners.set(internals.table, (listeners = new Set()));
    listeners.add(this.listener);
    this.writeTransaction = internals.file.db.transaction((rows, context, bytes) => this.writeInTransaction(rows, context, bytes));
    this.insertTransaction = internals.file.db.transaction((rows, context) => this.insertInTransaction(rows, context));
    // The statements of the most common query shape (equality and closed ranges) are prepared
    // with the collection, as a hand-written app prepares its statements at start: preparing
    // one costs about as much as counting a few hundred index entries.
    for (const index of internals.indexes) {
      this.rangeStatement(index, true, true, 'page');
      this.rangeStatement(index, true, true, 'count');
    }
  }

  bulkWrite(rows: BulkWriteRow<RxDocType>[], context: string): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.ensureOpen();
    // Without attachments everything is synchronous: no other write can interleave.
    if (!this.internals.attachmentsTable) {
      try {
        return Promise.resolve(this.write(rows, context, undefined));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return readAttachmentBytes(rows).then((bytes) => this.write(rows, context, bytes));
  }

  private write(rows: BulkWriteRow<RxDocType>[], context: string, bytes: AttachmentBytes | undefined): RxStorageBulkWriteResponse<RxDocType> {
    this.ensureOpen();
    let categorized: CategorizeBulkWriteRowsOutput<RxDocType>;
    try {
      categorized = (!bytes && this.tryInsertOnly(rows, context)) || this.writeTransaction(rows, context, bytes);
    } catch (error) {
      throw toWriteError(this.internals.file.path, error);
    }
    const eventBulk = categorized.eventBulk;
    if (eventBulk.events.length > 0) {
      const newest = ensureNotFalsy(categorized.newestRow).document;
      eventBulk.checkpoint = { id: newest[this.primaryPath] as string, lwt: newest._meta.lwt };
      for (const listener of this.internals.file.listeners.get(this.internals.table) ?? []) listener(eventBulk);
    }
    return { error: categorized.errors };
  }

  /**
   * The common write, new documents only, without reading the current states first: each row
   * is inserted unless its id exists. If one exists (a conflict, or an insert over a deleted
   * document), the transaction is rolled back and the careful path decides, so the outcome is
   * always the careful path's. Saves one read of every id per batch.
   */
  private tryInsertOnly(rows: BulkWriteRow<RxDocType>[], context: string): CategorizeBulkWriteRowsOutput<RxDocType> | undefined {
    for (let i = 0; i < rows.length; i++) if (rows[i]!.previous) return undefined;
    try {
      return this.insertTransaction(rows, context);
    } catch (error) {
      if (error === ID_EXISTS) return undefined;
      throw error;
    }
  }

  private insertInTransaction(rows: BulkWriteRow<RxDocType>[], context: string): CategorizeBulkWriteRowsOutput<RxDocType> {
    const categorized = categorizeBulkWriteRows<RxDocType>(this, this.primaryPath as StringKeys<RxDocType>, new Map(), rows, context);
    const { insertIfNew } = this.internals.statements;
    for (const row of categorized.bulkInsertDocs) {
      if (insertIfNew.run(this.rowParams(row.document)).changes === 0) throw ID_EXISTS;
    }
    return categorized;
  }

  /** A document's row as the parameters of `insert`, `insertIfNew` and `update`. */
  private rowParams(doc: RxDocumentData<RxDocType>): unknown[] {
    const indexes = this.internals.indexes;
    const keyCount = indexes.length;
    const params = new Array<unknown>(4 + keyCount);
    params[0] = doc._deleted ? 1 : 0;
    params[1] = doc._meta.lwt;
    params[2] = JSON.stringify(doc);
    for (let i = 0; i < keyCount; i++) params[3 + i] = indexes[i]!.keyOf(doc);
    params[3 + keyCount] = toSqliteKey(doc[this.primaryPath] as string);
    return params;
  }

  /** Reads the current states, lets RxDB decide conflicts, writes the rest: all in one transaction. */
  private writeInTransaction(rows: BulkWriteRow<RxDocType>[], context: string, bytes: AttachmentBytes | undefined) {
    const primaryPath = this.primaryPath;
    const { statements } = this.internals;
    const docsInDb = new Map<string, RxDocumentData<RxDocType>>();
    for (const json of this.selectDocuments(rows.map((row) => row.document[primaryPath] as string))) {
      const doc = JSON.parse(json) as RxDocumentData<RxDocType>;
      docsInDb.set(doc[primaryPath] as string, doc);
    }
    const categorized = categorizeBulkWriteRows<RxDocType>(this, primaryPath as StringKeys<RxDocType>, docsInDb, rows, context);
    for (const row of categorized.bulkInsertDocs) statements.insert.run(this.rowParams(row.document));
    for (const row of categorized.bulkUpdateDocs) statements.update.run(this.rowParams(row.document));
    if (this.internals.attachmentsTable) this.writeAttachments(categorized, ensureNotFalsy(bytes));
    return categorized;
  }

  private writeAttachments(categorized: CategorizeBulkWriteRowsOutput<RxDocType>, bytes: AttachmentBytes): void {
    const table = quoteIdentifier(ensureNotFalsy(this.internals.attachmentsTable));
    const put = this.statement(
      `put-attachment`,
      `INSERT OR REPLACE INTO ${table} (doc_id, attachment_id, digest, type, data) VALUES (?, ?, ?, ?, ?)`,
    );
    for (const a of [...categorized.attachmentsAdd, ...categorized.attachmentsUpdate]) {
      const data = ensureNotFalsy(bytes.get(a.attachmentData.data), 'attachment bytes not read ahead');
      put.run(toSqliteKey(a.documentId), toSqliteKey(a.attachmentId), a.digest, a.attachmentData.type, data);
    }
    const remove = this.statement('delete-attachment', `DELETE FROM ${table} WHERE doc_id = ? AND attachment_id = ?`);
    for (const a of categorized.attachmentsRemove) remove.run(toSqliteKey(a.documentId), toSqliteKey(a.attachmentId));
  }

  findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen();
    const found: RxDocumentData<RxDocType>[] = [];
    if (ids.length === 0) return Promise.resolve(found);
    for (const row of this.selectDocuments(ids)) {
      const doc = JSON.parse(row) as RxDocumentData<RxDocType>;
      if (withDeleted || !doc._deleted) found.push(doc);
    }
    return Promise.resolve(found);
  }

  /** The stored JSON of the documents with these ids (in no particular order). */
  private selectDocuments(ids: string[]): string[] {
    const { selectById, selectByIds } = this.internals.statements;
    if (ids.length === 1) {
      const json = selectById.get(toSqliteKey(ids[0]!));
      return json === undefined ? [] : [json];
    }
    return selectByIds.all(JSON.stringify(ids.map(toSqliteKey)));
  }

  query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen();
    const { query, queryPlan } = preparedQuery;
    const skip = query.skip ?? 0;
    // typeof: an explicit `limit: 0` means no documents, not "no limit".
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const range = this.range(preparedQuery);
    const mustSort = !queryPlan.sortSatisfiedByIndex;
    let documents: RxDocumentData<RxDocType>[];
    if (queryPlan.selectorSatisfiedByIndex && !mustSort) {
      // The common case is pure SQL: range scan in index order, skip and limit included.
      const stmt = this.rangeStatement(range.index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'page');
      documents = parseAll(stmt.all(range.lower, range.upper, Number.isFinite(limit) ? limit : -1, skip) as string[]);
      return Promise.resolve({ documents });
    }
    const stmt = this.rangeStatement(range.index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'all');
    if (queryPlan.selectorSatisfiedByIndex) {
      documents = parseAll(stmt.all(range.lower, range.upper) as string[]);
    } else {
      const matches = getQueryMatcher(this.schema, query);
      documents = [];
      if (!mustSort && Number.isFinite(limit)) {
        // In index order: stop reading as soon as skip + limit documents matched.
        const wanted = skip + limit;
        if (wanted > 0) {
          for (const json of stmt.iterate(range.lower, range.upper) as IterableIterator<string>) {
            const doc = JSON.parse(json) as RxDocumentData<RxDocType>;
            if (matches(doc) && documents.push(doc) >= wanted) break;
          }
        }
      } else {
        for (const json of stmt.all(range.lower, range.upper) as string[]) {
          const doc = JSON.parse(json) as RxDocumentData<RxDocType>;
          if (matches(doc)) documents.push(doc);
        }
      }
    }
    if (mustSort) documents.sort(getSortComparator(this.schema, query));
    if (skip > 0 || documents.length > skip + limit) documents = documents.slice(skip, skip + limit);
    return Promise.resolve({ documents });
  }

  /** Like the memory storage, counts the whole match (RxDB's count() takes no skip/limit). */
  count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen();
    const { query, queryPlan } = preparedQuery;
    const range = this.range(preparedQuery);
    if (queryPlan.selectorSatisfiedByIndex) {
      const stmt = this.rangeStatement(range.index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'count');
      return Promise.resolve({ count: stmt.get(range.lower, range.upper) as number, mode: 'fast' });
    }
    const matches = getQueryMatcher(this.schema, query);
    const stmt = this.rangeStatement(range.index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, 'all');
    let count = 0;
    for (const json of stmt.all(range.lower, range.upper) as string[]) {
      if (matches(JSON.parse(json) as RxDocumentData<RxDocType>)) count++;
    }
    // 'slow': every document of the index range was read, as RxDB defines it.
    return Promise.resolve({ count, mode: 'slow' });
  }

  /** Documents written after the checkpoint, oldest first, deleted ones included. */
  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    this.ensureOpen();
    const fields = ['_meta.lwt', this.primaryPath];
    const index = this.indexByName.get(fields.join(','));
    let documents: RxDocumentData<RxDocType>[];
    if (index) {
      const after = checkpoint ? index.encode(getStartIndexStringFromLowerBound(this.schema, fields, [checkpoint.lwt, checkpoint.id])) : '';
      const stmt = this.statement(
        `changes:${index.column}`,
        `SELECT data FROM ${quoteIdentifier(this.internals.table)} WHERE ${index.column} > ? ORDER BY ${index.column} LIMIT ?`,
      );
      documents = parseAll(stmt.pluck().all(after, limit) as string[]);
    } else {
      // RxDB always adds this index; this is its own fallback for storages without the method.
      documents = (await this.query(prepareQuery(this.schema, getChangedDocumentsSinceQuery(this, limit, checkpoint)))).documents;
    }
    const last = documents[documents.length - 1];
    return {
      documents,
      checkpoint: last ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  changeStream(): Observable<ChangeEventBulk<RxDocType>> {
    this.ensureOpen();
    return this.changes$.asObservable();
  }

  /** Purges tombstones deleted at least `minimumDeletedTime` ms ago; always finishes in one go. */
  cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.ensureOpen();
    const maxDeletionTime = now() - minimumDeletedTime;
    const table = quoteIdentifier(this.internals.table);
    const db = this.internals.file.db;
    db.transaction(() => {
      if (this.internals.attachmentsTable) {
        db.prepare(
          `DELETE FROM ${quoteIdentifier(this.internals.attachmentsTable)} WHERE doc_id IN (SELECT id FROM ${table} WHERE deleted = 1 AND lwt <= ?)`,
        ).run(maxDeletionTime);
      }
      db.prepare(`DELETE FROM ${table} WHERE deleted = 1 AND lwt <= ?`).run(maxDeletionTime);
    })();
    return Promise.resolve(true);
  }

  getAttachmentData(documentId: string, attachmentId: string, digest: string): Promise<Blob> {
    this.ensureOpen();
    const table = this.internals.attachmentsTable;
    const row = table
      ? (this.statement('get-attachment', `SELECT digest, type, data FROM ${quoteIdentifier(table)} WHERE doc_id = ? AND attachment_id = ?`).get(
          toSqliteKey(documentId),
          toSqliteKey(attachmentId),
        ) as { digest: string; type: string; data: Buffer } | undefined)
      : undefined;
    if (!row || row.digest !== digest) {
      return Promise.reject(new Error(`attachment does not exist: ${documentId}/${attachmentId}`));
    }
    // A plain Uint8Array view type-checks under both the Node and the DOM Blob typings.
    return Promise.resolve(new Blob([new Uint8Array(row.data)], { type: row.type }));
  }

  remove(): Promise<void> {
    this.ensureOpen();
    this.internals.file.dropTable(this.internals.table);
    return this.close();
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    // Released right away (not in a later tick), so a reopen of the same file can follow directly.
    this.closed = Promise.resolve();
    this.changes$.complete();
    this.internals.file.listeners.get(this.internals.table)?.delete(this.listener);
    releaseSqliteFile(this.internals.file);
    return this.closed;
  }

  /**
   * SQLite's plan for the statement `query()` runs (EXPLAIN QUERY PLAN details), e.g.
   * `SEARCH items__v0 USING INDEX items__v0:k1 (k1>? AND k1<?)`: for tests and slow-query hunts.
   */
  explainQuery(preparedQuery: PreparedQuery<RxDocType>): string[] {
    this.ensureOpen();
    const { queryPlan } = preparedQuery;
    const range = this.range(preparedQuery);
    const paged = queryPlan.selectorSatisfiedByIndex && queryPlan.sortSatisfiedByIndex;
    const stmt = this.rangeStatement(range.index, queryPlan.inclusiveStart, queryPlan.inclusiveEnd, paged ? 'page' : 'all');
    const params = paged ? [range.lower, range.upper, -1, 0] : [range.lower, range.upper];
    const rows = this.internals.file.db.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`).all(...params) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`SQLite storage instance ${this.databaseName}/${this.collectionName} is closed`);
  }

  /** The plan's index column and its bounds as SQLite keys (memoized: live queries repeat). */
  private range(preparedQuery: PreparedQuery<RxDocType>): QueryRange {
    const plan = preparedQuery.queryPlan;
    let range = this.rangeByPlan.get(plan);
    if (range) return range;
    const cacheKey = JSON.stringify([plan.index, plan.startKeys, plan.endKeys]);
    range = this.rangeCache.get(cacheKey);
    if (!range) {
      const index = this.indexByName.get(plan.index.join(','));
      if (!index) throw new Error(`index does not exist: ${plan.index.join(',')} (${this.collectionName})`);
      range = {
        index,
        lower: index.encode(getStartIndexStringFromLowerBound(this.schema, plan.index, plan.startKeys)),
        upper: index.encode(getStartIndexStringFromUpperBound(this.schema, plan.index, plan.endKeys)),
      };
      if (this.rangeCache.size >= 500) this.rangeCache.clear();
      this.rangeCache.set(cacheKey, range);
    }
    this.rangeByPlan.set(plan, range);
    return range;
  }

  private rangeStatement(index: SqliteIndexColumn, inclusiveStart: boolean, inclusiveEnd: boolean, kind: 'all' | 'page' | 'count') {
    const c = index.column;
    // Looked up on every query: the key is built without the SQL text.
    const key = `${kind}:${c}:${inclusiveStart ? 1 : 0}${inclusiveEnd ? 1 : 0}`;
    let stmt = this.statementCache.get(key);
    if (!stmt) {
      const where = `${c} ${inclusiveStart ? '>=' : '>'} ? AND ${c} ${inclusiveEnd ? '<=' : '<'} ?`;
      const table = quoteIdentifier(this.internals.table);
      const sql =
        kind === 'count'
          ? `SELECT count(*) FROM ${table} WHERE ${where}`
          : `SELECT data FROM ${table} WHERE ${where} ORDER BY ${c}${kind === 'page' ? ' LIMIT ? OFFSET ?' : ''}`;
      this.statementCache.set(key, (stmt = this.internals.file.db.prepare(sql).pluck()));
    }
    return stmt;
  }

  private statement(key: string, sql: string): Statement<unknown[], unknown> {
    let stmt = this.statementCache.get(key);
    if (!stmt) this.statementCache.set(key, (stmt = this.internals.file.db.prepare(sql)));
    return stmt;
  }
}

function parseAll<T>(rows: string[]): RxDocumentData<T>[] {
  const docs = new Array<RxDocumentData<T>>(rows.length);
  for (let i = 0; i < rows.length; i++) docs[i] = JSON.parse(rows[i]!) as RxDocumentData<T>;
  return docs;
}

/** Reads every attachment Blob of the rows into memory, before the synchronous transaction. */
async function readAttachmentBytes<RxDocType>(rows: BulkWriteRow<RxDocType>[]): Promise<AttachmentBytes> {
  const bytes: AttachmentBytes = new Map();
  const reads: Promise<void>[] = [];
  for (const row of rows) {
    for (const attachment of Object.values(row.document._attachments ?? {})) {
      if ('data' in attachment && attachment.data && !bytes.has(attachment.data)) {
        const blob = attachment.data;
        bytes.set(blob, Buffer.alloc(0));
        reads.push(blob.arrayBuffer().then((buffer) => void bytes.set(blob, Buffer.from(buffer))));
      }
    }
  }
  await Promise.all(reads);
  return bytes;
}
