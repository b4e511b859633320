import Database from 'better-sqlite3';
import { fillWithDefaultSettings, getIndexableStringMonad, getStartIndexStringFromLowerBound, getStartIndexStringFromUpperBound, INDEX_MAX, INDEX_MIN, type RxJsonSchema } from 'rxdb';
import { documentKeyFunction, encodeStringField, indexKeyEncoder } from './sqlite-index-key.ts';
import { seededRandom } from './sqlite-test-support.ts';

interface Row {
  id: string;
  a: string;
  n: number;
  b: boolean;
}

const schema = fillWithDefaultSettings<Row>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 6 },
    a: { type: 'string', maxLength: 5 },
    n: { type: 'number', minimum: -50, maximum: 50, multipleOf: 0.1 },
    b: { type: 'boolean' },
  },
  required: ['id', 'a', 'n', 'b'],
} as RxJsonSchema<Row>);

// Space, control characters, a marker look-alike, ordinary text, surrogates and the maximum.
const UNITS = [' ', ' ', ' ', '\u0000', '\u0002', '\u0003', '\t', '!', 'a', 'b', '中', '\ud83d', '\ude00', '\uffff'];

function randomText(random: () => number, max: number): string {
  let s = '';
  const length = Math.floor(random() * (max + 1));
  for (let i = 0; i < length; i++) s += UNITS[Math.floor(random() * UNITS.length)];
  return s;
}

const jsCompare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

describe('indexKeyEncoder', () => {
  it('drops padding', () => {
    expect(encodeStringField('S001' + ' '.repeat(60))).toBe('S001\u0003');
    expect(encodeStringField('')).toBe('\u0003');
  });

  it('keeps RxDB order for keys and bounds of a mixed index, in SQLite', () => {
    const fields = ['a', 'b', 'n', 'id'];
    const indexString = getIndexableStringMonad(schema, fields);
    const encode = indexKeyEncoder(schema, fields);
    const seed = 7331;
    const random = seededRandom(seed);
    const strings = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const row = { id: randomText(random, 6).replace(/^ +| +$/g, '') || 'x', a: randomText(random, 5), n: Math.round((random() * 100 - 50) * 10) / 10, b: random() < 0.5 };
      strings.add(indexString(row as never));
    }
    // Query bounds the way RxDB builds them, incl. open ends.
    for (let i = 0; i < 300; i++) {
      const value = randomText(random, 5);
      const keys = [random() < 0.2 ? INDEX_MIN : random() < 0.2 ? INDEX_MAX : value, INDEX_MIN, INDEX_MAX, INDEX_MIN];
      strings.add(getStartIndexStringFromLowerBound(schema, fields, keys));
      strings.add(getStartIndexStringFromUpperBound(schema, fields, [keys[0], INDEX_MAX, INDEX_MAX, INDEX_MAX]));
    }
    const db = new Database(':memory:');
    db.exec('CREATE TABLE k (raw TEXT, key TEXT)');
    const insert = db.prepare('INSERT INTO k VALUES (?, ?)');
    for (const s of strings) insert.run(JSON.stringify(s), encode(s));
    const rows = db.prepare('SELECT raw, key FROM k ORDER BY key, raw').all() as { raw: string; key: string }[];
    const expected = [...strings].sort(jsCompare);
    // Strings that RxDB considers equal (same padded form) are equal keys, in any order.
    const groups = (list: string[]) => list.map((s) => s.replace(/ +$/, ''));
    expect(groups(rows.map((r) => JSON.parse(r.raw) as string)), `seed ${seed}`).toEqual(groups(expected));
    db.close();
  });

  it('builds a document key directly, equal to encoding its padded index string', () => {
    const seed = 4242;
    const random = seededRandom(seed);
    for (const fields of [['a', 'b', 'n', 'id'], ['n', 'b'], ['_deleted', 'a', 'id'], ['id']]) {
      const keyOf = documentKeyFunction(schema, fields);
      const slow = (doc: object) => indexKeyEncoder(schema, fields)(getIndexableStringMonad(schema, fields)(doc as never));
      for (let i = 0; i < 2000; i++) {
        // Up to one unit over maxLength, so the fallback for over-long values is covered too.
        const doc = { id: randomText(random, 7), a: randomText(random, 6), n: Math.round((random() * 120 - 60) * 10) / 10, b: random() < 0.5, _deleted: random() < 0.5 };
        expect(keyOf(doc), `seed ${seed}, ${JSON.stringify(doc)}`).toBe(slow(doc));
      }
    }
  });
});
