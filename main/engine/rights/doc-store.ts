import { normalizeMangoQuery, prepareQuery, registerMutableWriteContext, type MangoQuery, type MangoQuerySelector, type RxCollection, type PreparedQuery, type RxDocumentData, type RxStorageInstance } from 'rxdb';
import { BugError } from '../../core/errors/campaign-error.ts';
import { READ_SLICE, WriteSlicer, yieldToLoop } from '../loop-yield.ts';

/** Writes of at most this many documents go without waiting for a turn of the event loop. */
const SMALL_WRITE = 20;

/** The write context of `DocStore.insert`: its rows are fresh objects, which RxDB may stamp in place. */
const INSERT_CONTEXT = 'doc-store-insert';
/** The `_meta` of an insert row until RxDB stamps it (in place, with the write's time). */
const UNSTAMPED = Object.freeze({ lwt: 0 });
registerMutableWriteContext(INSERT_CONTEXT);

/**
 * Thin batch access to an RxDB collection for the ledger: reads return plain document data
 * (with `_rev` and `_meta`), updates go to the storage in one bulk write with the previous
 * state, so RxDB still detects a conflicting write and the collection's cache and change
 * stream stay in step. Writes go in slices sized to hold the event loop about 5 ms each, each
 * after a turn of the loop (see `WriteSlicer`): a batch of a thousand never holds the main
 * process.
 */
export class DocStore<T extends object> {
  private readonly slicer = new WriteSlicer();

  constructor(readonly collection: RxCollection<T>) {}

  async byIds(ids: readonly string[]): Promise<Map<string, RxDocumentData<T>>> {
    const out = new Map<string, RxDocumentData<T>>();
    if (ids.length === 0) return out;
    const unique = [...new Set(ids)];
    const primary = this.collection.schema.primaryPath as string;
    // Straight from storage: the states a following update names as `previous` must be current.
    // Many ids are read in slices, each after a turn of the event loop.
    for (let i = 0; i < unique.length; i += READ_SLICE) {
      if (unique.length > SMALL_WRITE) await yieldToLoop();
      const found = await this.collection.storageInstance.findDocumentsById(unique.slice(i, i + READ_SLICE), false);
      for (const doc of found) out.set(String((doc as Record<string, unknown>)[primary]), doc);
    }
    return out;
  }

  async find(query: MangoQuery<T>): Promise<RxDocumentData<T>[]> {
    const docs = await this.collection.find(query).exec();
    return docs.map((d) => d._data as RxDocumentData<T>);
  }

  async count(query: MangoQuery<T>): Promise<number> {
    return this.collection.count(query).exec();
  }

  /** The storage under RxDB's wrapper: reads need none of its write bookkeeping. */
  private get reader(): RxStorageInstance<T, unknown, unknown> {
    return (this.collection.storageInstance as { originalStorageInstance?: RxStorageInstance<T, unknown, unknown> }).originalStorageInstance ?? this.collection.storageInstance;
  }

  private readonly equalityPlans = new Map<string, PreparedQuery<T>>();

  /**
   * The prepared query "`field` equals `value`", straight for the storage. Planned once per
   * field, then only its bounds change (RxDB plans a query in about as long as SQLite answers
   * it), and no RxQuery is left cached on the collection to be re-checked on every write.
   */
  private equality(field: keyof T & string, value: string): PreparedQuery<T> {
    const schema = this.collection.schema.jsonSchema;
    let template = this.equalityPlans.get(field);
    if (!template) {
      const query = normalizeMangoQuery(schema, { selector: { [field]: { $eq: value } } as MangoQuerySelector<T> });
      query.selector = { ...query.selector, _deleted: { $eq: false } } as typeof query.selector;
      template = prepareQuery(schema, query);
      const at = template.queryPlan.index.indexOf(field);
      if (!template.queryPlan.selectorSatisfiedByIndex || at < 0) throw new BugError(`${this.collection.name}.${field} has no index`);
      this.equalityPlans.set(field, template);
    }
    const at = template.queryPlan.index.indexOf(field);
    return {
      query: { ...template.query, selector: { ...template.query.selector, [field]: { $eq: value } } },
      queryPlan: {
        ...template.queryPlan,
        startKeys: template.queryPlan.startKeys.map((k, i) => (i === at ? value : k)),
        endKeys: template.queryPlan.endKeys.map((k, i) => (i === at ? value : k)),
      },
    };
  }

  /** For each value, how many documents have `field` equal to it (one index lookup each). */
  async countEach(field: keyof T & string, values: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const value of values) out.set(value, (await this.reader.count(this.equality(field, value))).count);
    return out;
  }

  /**
   * The values of the indexed `field` that start with `prefix`, in one range of its index (no
   * per-row matching of a long `$in` list).
   */
  async valuesWithPrefix(field: keyof T & string, prefix: string): Promise<Set<string>> {
    const schema = this.collection.schema.jsonSchema;
    // Crockford base 32 and other plain ids sort below '~'.
    const query = normalizeMangoQuery(schema, { selector: { [field]: { $gte: prefix, $lt: `${prefix}~` } } as MangoQuerySelector<T> });
    query.selector = { ...query.selector, _deleted: { $eq: false } } as typeof query.selector;
    const prepared = prepareQuery(schema, query);
    if (!prepared.queryPlan.index.includes(field)) throw new BugError(`${this.collection.name}.${field} has no index`);
    const out = new Set<string>();
    for (const doc of (await this.reader.query(prepared)).documents) out.add(String((doc as Record<string, unknown>)[field]));
    return out;
  }

  /** The documents whose indexed `field` equals `value`. */
  async findEqual(field: keyof T & string, value: string): Promise<RxDocumentData<T>[]> {
    return (await this.reader.query(this.equality(field, value))).documents;
  }

  /**
   * Inserts new documents; returns the ids that already existed (not overwritten). Straight to
   * the collection's storage instance, as `update`: RxDB's wrapper still validates each
   * document against the schema, stamps `_meta` and `_rev`, and feeds the change stream; only
   * the RxDocument objects `bulkInsert` would build for the result (and their garbage) are left
   * out. None of these collections has insert hooks or schema defaults.
   */
  async insert(docs: readonly T[]): Promise<string[]> {
    const existing: string[] = [];
    for (let i = 0; i < docs.length; ) {
      // A write of a few documents (a till's use of a code) takes well under a millisecond.
      if (docs.length > SMALL_WRITE) await yieldToLoop();
      const started = performance.now();
      const slice = docs.slice(i, (i += this.slicer.size()));
      // RxDB's fields first, then the document (which has none of them): V8 copies a spread
      // object fast but adds properties to the copy slowly (see `toGrantDoc`). `_meta` and
      // `_rev` are placeholders RxDB overwrites in place (INSERT_CONTEXT).
      const rows = slice.map((doc) => ({ document: { _deleted: false, _attachments: {}, _meta: UNSTAMPED, _rev: '', ...doc } as unknown as RxDocumentData<T> }));
      const result = await this.collection.storageInstance.bulkWrite(rows, INSERT_CONTEXT);
      this.slicer.took(slice.length, performance.now() - started);
      for (const error of result.error) {
        if (error.status === 409) existing.push(error.documentId);
        else throw new BugError(`insert into ${this.collection.name} failed: ${JSON.stringify(error).slice(0, 500)}`);
      }
    }
    return existing;
  }

  /** Writes new states of documents read before; throws on a conflicting concurrent write. */
  async update(updates: readonly { previous: RxDocumentData<T>; next: T }[], context: string): Promise<void> {
    for (let i = 0; i < updates.length; ) {
      if (updates.length > SMALL_WRITE) await yieldToLoop();
      const slice = updates.slice(i, (i += this.slicer.size()));
      const rows = slice.map(({ previous, next }) => ({
        previous,
        document: { ...next, _deleted: false, _attachments: {}, _meta: previous._meta, _rev: previous._rev } as RxDocumentData<T>,
      }));
      const result = await this.collection.storageInstance.bulkWrite(rows, context);
      if (result.error.length > 0) {
        throw new BugError(`update of ${this.collection.name} failed: ${JSON.stringify(result.error[0]).slice(0, 500)}`);
      }
    }
  }

  /** Inserts or updates, reading the current states first. */
  async upsert(docs: readonly T[], idOf: (doc: T) => string, context: string): Promise<void> {
    const current = await this.byIds(docs.map(idOf));
    const inserts = docs.filter((d) => !current.has(idOf(d)));
    const updates = docs.flatMap((d) => {
      const previous = current.get(idOf(d));
      return previous ? [{ previous, next: d }] : [];
    });
    await this.insert(inserts);
    await this.update(updates, context);
  }
}

/** Document data without RxDB's bookkeeping fields. */
export function plain<T extends object>(data: RxDocumentData<T>): T {
  const { _rev: _r, _meta: _m, _deleted: _d, _attachments: _a, ...rest } = data as RxDocumentData<T> & Record<string, unknown>;
  return rest as unknown as T;
}
