// The same random writes and reads on this storage and on RxDB's memory storage (the
// reference) must give identical results. Replay a failure with DIFF_SEED=<seed>.
import {
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  normalizeMangoQuery,
  prepareQuery,
  randomToken,
  type BulkWriteRow,
  type EventBulk,
  type MangoQuery,
  type MangoQuerySelector,
  type MangoQuerySortPart,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageChangeEvent,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageWriteError,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageSqlite } from './rx-storage-sqlite.ts';
import { seededRandom, tempDir } from './sqlite-test-support.ts';

interface Item {
  id: string;
  name: string;
  age: number;
  score: number;
  active: boolean;
  address: { city?: string; zip: string };
  tags: string[];
  nick?: string;
}

const schema: RxJsonSchema<RxDocumentData<Item>> = fillWithDefaultSettings<Item>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 16 },
    name: { type: 'string', maxLength: 8 },
    age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
    score: { type: 'number', minimum: -1000, maximum: 1000, multipleOf: 0.01 },
    active: { type: 'boolean' },
    address: {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 6 }, zip: { type: 'string' } },
      required: ['zip'],
    },
    tags: { type: 'array', items: { type: 'string' } },
    nick: { type: 'string' },
  },
  required: ['id', 'name', 'age', 'score', 'active', 'address', 'tags'],
  indexes: ['name', 'age', ['address.city', 'age'], ['active', 'score'], ['name', 'age', 'score']],
});

type Instance = RxStorageInstance<Item, unknown, unknown, RxStorageDefaultCheckpoint>;
type Events = EventBulk<RxStorageChangeEvent<Item>, RxStorageDefaultCheckpoint>;

// Letters chosen to hit the collation trap: emoji (surrogates), private use, '\uffff', NUL, tab.
const CHARS = ['a', 'b', 'c', 'Z', ' ', ' ', '\t', '\u0000', '\u0003', 'é', '中', '文', '😀', '🎉', '\ue000', '\ufffe', '\uffff'];
const SORT_FIELDS = ['name', 'age', 'score', 'active', 'address.city', 'nick'] as const;

class Scenario {
  readonly log: string[] = [];
  private lwt = Date.now() - 1000 * 60 * 60;
  private readonly ids: string[] = [];

  constructor(
    readonly seed: number,
    private readonly random: () => number,
  ) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  text(maxLength: number): string {
    let s = '';
    const length = this.int(maxLength) + (this.chance(0.9) ? 1 : 0);
    // An emoji is 2 code units: stay within maxLength (RxDB's index strings are fixed-width).
    while (s.length < length) {
      const c = this.pick(CHARS);
      if (s.length + c.length <= maxLength) s += c;
      else s += 'a';
    }
    // Trailing spaces stay: RxDB treats them like its padding, and so must the keys.
    return s;
  }
  newId(): string {
    // Primary keys never start or end with a space (RxDB's rule).
    const id = `${this.text(6).replace(/\s/g, '_')}${this.ids.length}`;
    this.ids.push(id);
    return id;
  }
  knownId(): string | undefined {
    return this.ids.length ? this.pick(this.ids) : undefined;
  }
  nextLwt(): number {
    this.lwt += this.int(3) === 0 ? 0 : 1 + this.int(500) / 100;
    return Math.round(this.lwt * 100) / 100;
  }
  rev(height: number): string {
    return `${height}-${randomToken(8)}`;
  }

  itemData(id: string): Item {
    const item: Item = {
      id,
      name: this.text(8),
      age: this.int(151),
      score: Math.round((this.random() * 2000 - 1000) * 100) / 100 || 0,
      active: this.chance(0.5),
      address: { zip: String(this.int(99999)) },
      tags: Array.from({ length: this.int(3) }, () => this.pick(['vip', 'new', 'lapsed', '🎂'])),
    };
    if (this.chance(0.7)) item.address.city = this.text(6);
    if (this.chance(0.5)) item.nick = this.text(5);
    return item;
  }

  doc(item: Item, lwt: number, rev: string, deleted: boolean): RxDocumentData<Item> {
    return { ...item, _deleted: deleted, _rev: rev, _meta: { lwt }, _attachments: {} };
  }

  stringCondition(): MangoQuerySelector<Item>['name'] {
    const op = this.pick(['$eq', '$gt', '$gte', '$lt', '$lte', '$in', '$regex', '$ne']);
    if (op === '$in') return { $in: [this.text(3), this.text(3), this.pick(['a', 'b', '中', '😀'])] };
    if (op === '$regex') return { $regex: this.pick(['^a', 'b', '😀', '^中', 'c$', '[ab]{2}']) };
    return { [op]: this.pick([this.text(4), 'b', '😀', '\uffff', '']) };
  }

  fieldSelector(): MangoQuerySelector<Item> {
    switch (this.int(7)) {
      case 0:
        return { name: this.stringCondition() };
      case 1: {
        const a = this.int(151);
        return { age: this.chance(0.5) ? { $gt: a, $lt: a + this.int(80) } : { [this.pick(['$eq', '$gte', '$lte'])]: a } };
      }
      case 2:
        return { score: { [this.pick(['$gt', '$lt', '$gte'])]: Math.round((this.random() * 2000 - 1000) * 100) / 100 } };
      case 3:
        return { active: { $eq: this.chance(0.5) } };
      case 4:
        return this.chance(0.3)
          ? { 'address.city': { $exists: this.chance(0.5) } }
          : ({ 'address.city': this.stringCondition() } as MangoQuerySelector<Item>);
      case 5:
        return { nick: { $exists: this.chance(0.5) } };
      default:
        return { tags: { $in: [this.pick(['vip', 'new', '🎂'])] } } as MangoQuerySelector<Item>;
    }
  }

  selector(): MangoQuerySelector<RxDocumentData<Item>> {
    let selector: MangoQuerySelector<RxDocumentData<Item>> = {};
    const parts = this.int(3);
    for (let i = 0; i < parts; i++) Object.assign(selector, this.fieldSelector());
    if (this.chance(0.2)) selector = { ...selector, $or: [this.fieldSelector(), this.fieldSelector()] };
    if (this.chance(0.15)) selector = { ...selector, $and: [this.fieldSelector(), this.fieldSelector()] };
    const deleted = this.int(10);
    // Mostly what RxDB itself sends; sometimes only tombstones, sometimes both.
    if (deleted < 7) selector._deleted = { $eq: false };
    else if (deleted < 9) selector._deleted = { $eq: true };
    return selector;
  }

  query(): MangoQuery<RxDocumentData<Item>> {
    const sort: MangoQuerySortPart<RxDocumentData<Item>>[] = [];
    const sortCount = this.int(4);
    for (let i = 0; i < sortCount; i++) {
      const field = this.pick(SORT_FIELDS);
      if (!sort.some((part) => field in part)) sort.push({ [field]: this.chance(0.7) ? 'asc' : 'desc' } as MangoQuerySortPart<RxDocumentData<Item>>);
    }
    const query: MangoQuery<RxDocumentData<Item>> = { selector: this.selector(), sort };
    if (this.chance(0.3)) query.skip = this.int(6);
    if (this.chance(0.4)) query.limit = this.int(12);
    return query;
  }
}

function errorSummary(errors: RxStorageWriteError<Item>[]) {
  return errors
    .map((e) => ({ status: e.status, documentId: e.documentId, inDb: 'documentInDb' in e ? e.documentInDb : undefined }))
    .sort((a, b) => (a.documentId < b.documentId ? -1 : 1));
}

function eventSummary(bulks: Events[]) {
  return bulks.map((b) => ({ checkpoint: b.checkpoint, context: b.context, events: b.events }));
}

function byId(docs: RxDocumentData<Item>[]) {
  return [...docs].sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function runScenario(seed: number, steps: number, directory: string): Promise<void> {
  const s = new Scenario(seed, seededRandom(seed));
  const params = {
    databaseInstanceToken: randomToken(10),
    databaseName: `diff${seed}x${randomToken(6)}`,
    collectionName: 'items',
    schema,
    options: {},
    multiInstance: false,
    devMode: false,
  };
  const reference = (await getRxStorageMemory().createStorageInstance<Item>(params)) as unknown as Instance;
  const subject = (await getRxStorageSqlite({ directory }).createStorageInstance<Item>(params)) as unknown as Instance;
  const referenceEvents: Events[] = [];
  const subjectEvents: Events[] = [];
  const subs = [reference.changeStream().subscribe((e) => referenceEvents.push(e)), subject.changeStream().subscribe((e) => subjectEvents.push(e))];
  const where = (step: number, what: string) => `seed ${seed} (replay: DIFF_SEED=${seed}), step ${step}: ${what}`;

  try {
    for (let step = 0; step < steps; step++) {
      const op = s.int(100);
      if (op < 45) {
        // Writes: inserts, updates with the right or a stale revision, deletes, re-inserts.
        const rows: BulkWriteRow<Item>[] = [];
        const lwt = s.nextLwt();
        const size = 1 + s.int(6);
        const used = new Set<string>();
        for (let i = 0; i < size; i++) {
          const id = s.chance(0.5) ? s.newId() : s.knownId() ?? s.newId();
          if (used.has(id)) continue;
          used.add(id);
          const [current] = await reference.findDocumentsById([id], true);
          const item = s.itemData(id);
          if (!current || s.chance(0.1)) {
            // New document, or an insert over an existing one: a conflict.
            rows.push({ document: s.doc(item, lwt, s.rev(1), s.chance(0.05)) });
          } else {
            const height = Number(current._rev.split('-')[0]) + 1;
            const stale = s.chance(0.15);
            const previous = stale ? { ...current, _rev: s.rev(height - 1) } : current;
            const deleted = current._deleted ? s.chance(0.3) : s.chance(0.25);
            rows.push({ previous, document: s.doc(s.chance(0.2) ? { ...current, nick: s.text(5) } : item, lwt, s.rev(height), deleted) });
          }
        }
        const context = `write-${step}`;
        const expected = await reference.bulkWrite(rows, context);
        const actual = await subject.bulkWrite(rows, context);
        expect(errorSummary(actual.error), where(step, 'bulkWrite errors')).toEqual(errorSummary(expected.error));
      } else if (op < 85) {
        const mango = s.query();
        const prepared = prepareQuery(schema, normalizeMangoQuery(schema, mango));
        const expected = await reference.query(prepared);
        const actual = await subject.query(prepared);
        expect(actual.documents, where(step, `query ${JSON.stringify(mango)}`)).toEqual(expected.documents);
        const countQuery = prepareQuery(schema, normalizeMangoQuery(schema, { selector: mango.selector, sort: mango.sort }));
        const expectedCount = await reference.count(countQuery);
        const actualCount = await subject.count(countQuery);
        expect(actualCount.count, where(step, `count ${JSON.stringify(mango.selector)}`)).toBe(expectedCount.count);
      } else if (op < 92) {
        const ids = Array.from({ length: 1 + s.int(8) }, () => s.knownId() ?? 'missing');
        ids.push('never-written');
        const withDeleted = s.chance(0.5);
        const expected = await reference.findDocumentsById([...new Set(ids)], withDeleted);
        const actual = await subject.findDocumentsById([...new Set(ids)], withDeleted);
        expect(byId(actual), where(step, `findDocumentsById withDeleted=${withDeleted}`)).toEqual(byId(expected));
      } else if (op < 98) {
        // Page through all changes, as replication does.
        const batch = 1 + s.int(15);
        let expectedCheckpoint: RxStorageDefaultCheckpoint | undefined;
        let actualCheckpoint: RxStorageDefaultCheckpoint | undefined;
        for (let page = 0; page < 1000; page++) {
          const expected = await getChangedDocumentsSince(reference, batch, expectedCheckpoint);
          const actual = await getChangedDocumentsSince(subject, batch, actualCheckpoint);
          expect(actual, where(step, `changes page ${page} batch ${batch}`)).toEqual(expected);
          expectedCheckpoint = expected.checkpoint;
          actualCheckpoint = actual.checkpoint;
          if (expected.documents.length < batch) break;
        }
      } else {
        // Purge tombstones older than some age (memory and SQLite use the same clock).
        const age = s.chance(0.5) ? 0 : 1000 * 60 * 30;
        await reference.cleanup(age);
        await subject.cleanup(age);
        const all = prepareQuery(schema, normalizeMangoQuery(schema, { selector: {} }));
        expect((await subject.query(all)).documents, where(step, `cleanup(${age})`)).toEqual((await reference.query(all)).documents);
      }
    }
    expect(eventSummary(subjectEvents), where(steps, 'change events')).toEqual(eventSummary(referenceEvents));
  } finally {
    subs.forEach((sub) => sub.unsubscribe());
    await reference.remove();
    await subject.remove();
  }
}

describe('SQLite storage vs memory storage (randomized differential)', () => {
  const replay = process.env.DIFF_SEED ? [Number(process.env.DIFF_SEED)] : undefined;
  const seeds = replay ?? Array.from({ length: 8 }, (_, i) => 1000 + i * 7919 + (Date.now() % 997));
  for (const seed of seeds) {
    it(`gives identical results for seed ${seed}`, async () => {
      await runScenario(seed, 400, tempDir());
    });
  }
});
