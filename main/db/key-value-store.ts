import { Ajv, type ValidateFunction } from 'ajv';
import { map, type Observable } from 'rxjs';
import type { JsonSchema, RxDatabase } from 'rxdb';
import { BugError, CampaignError } from '../core/errors/campaign-error.ts';

/**
 * How a key-value store is kept: one RxDB local document holding every entry. For small,
 * whole-read data (business settings, installed plugins); it costs no RxDB collection
 * (the open-source RxDB opens at most 13 collections per process).
 */
export interface KeyValueStoreDefinition<T> {
  /** Id of the local document. */
  id: string;
  /** JSON Schema of one entry; every write is checked against it. */
  schema: JsonSchema<T>;
  /** Version of the entries' format. */
  version: number;
  /** `migrations[n]` turns a version n-1 entry into a version n one. */
  migrations: Record<number, (entry: unknown) => T>;
}

interface StoredEntries<T> {
  version: number;
  entries: Record<string, T>;
}

// Strict mode off: schemas carry RxDB's extra keywords (maxLength on enums, `final`).
const ajv = new Ajv({ strict: false, allErrors: true });

/** Entries of one definition in one database. Writes are serialized (read-modify-write). */
export class KeyValueStore<T> {
  private readonly validate: ValidateFunction;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: RxDatabase,
    private readonly definition: KeyValueStoreDefinition<T>,
    private readonly file: string,
  ) {
    this.validate = ajv.compile(definition.schema);
  }

  async getAll(): Promise<Record<string, T>> {
    return this.current(await this.read());
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.getAll())[key];
  }

  /** Adds or replaces an entry; rejects with a BugError when it does not match the schema. */
  set(key: string, value: T): Promise<void> {
    if (!this.validate(value)) {
      return Promise.reject(new BugError(`invalid ${this.definition.id} entry "${key}": ${ajv.errorsText(this.validate.errors)}`));
    }
    return this.update((entries) => ({ ...entries, [key]: value }));
  }

  delete(key: string): Promise<void> {
    return this.update((entries) => {
      const { [key]: _removed, ...rest } = entries;
      return rest;
    });
  }

  /** The entries now, then after every change. */
  watch(): Observable<Record<string, T>> {
    return this.db.getLocal$<StoredEntries<T>>(this.definition.id).pipe(map((doc) => this.current(doc ? (doc.toJSON().data as StoredEntries<T>) : undefined)));
  }

  private async read(): Promise<StoredEntries<T> | undefined> {
    const doc = await this.db.getLocal<StoredEntries<T>>(this.definition.id);
    return doc ? (doc.toJSON().data as StoredEntries<T>) : undefined;
  }

  /** The entries in the current format (older formats migrated on the fly). */
  private current(stored: StoredEntries<T> | undefined): Record<string, T> {
    if (!stored) return {};
    const { version, migrations, id } = this.definition;
    if (stored.version > version) {
      throw new CampaignError('DB_NEWER_SCHEMA', { file: this.file, what: id, found: stored.version, supported: version });
    }
    let entries: Record<string, unknown> = stored.entries;
    for (let v = stored.version + 1; v <= version; v++) {
      const migrate = migrations[v];
      if (!migrate) throw new BugError(`${id}: no migration to version ${v}`);
      entries = Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, migrate(e)]));
    }
    return entries as Record<string, T>;
  }

  private update(change: (entries: Record<string, T>) => Record<string, T>): Promise<void> {
    const run = this.queue.then(async () => {
      const entries = change(this.current(await this.read()));
      await this.db.upsertLocal<StoredEntries<T>>(this.definition.id, { version: this.definition.version, entries });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
