import Database from 'better-sqlite3';
import { toSqliteKey } from './sqlite-key.ts';
import { seededRandom } from './sqlite-test-support.ts';

function jsCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Code units from every region the mapping treats differently.
const ALPHABET = ['\u0000', '\u0001', '\u0002', '\t', ' ', 'a', 'z', '~', 'é', '中', '\ud7ff', '\ud83d', '\ude00', '😀', '🎉', '\ue000', '\uf8ff', '\ufffe', '\uffff'];

function randomKey(random: () => number): string {
  let s = '';
  const length = Math.floor(random() * 6);
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return s;
}

describe('toSqliteKey', () => {
  it('leaves ordinary text unchanged', () => {
    expect(toSqliteKey('customer-001 张三')).toBe('customer-001 张三');
  });

  it('makes SQLite order equal to JavaScript order, incl. emoji, NUL, lone surrogates and \\uffff', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE k (raw TEXT, key TEXT)');
    const insert = db.prepare('INSERT INTO k VALUES (?, ?)');
    const seed = 20240601;
    const random = seededRandom(seed);
    const keys = new Set<string>(['😀', '\uffff', '\uffff\uffff', '😀\uffff', '', '\u0000', '\u0001']);
    while (keys.size < 3000) keys.add(randomKey(random));
    for (const k of keys) insert.run(JSON.stringify(k), toSqliteKey(k));
    const fromSqlite = (db.prepare('SELECT raw FROM k ORDER BY key').pluck().all() as string[]).map((r) => JSON.parse(r) as string);
    expect(fromSqlite, `seed ${seed}`).toEqual([...keys].sort(jsCompare));
    // Range bounds compare the same way too.
    const below = db.prepare('SELECT count(*) FROM k WHERE key < ?').pluck().get(toSqliteKey('\uffff')) as number;
    expect(below).toBe([...keys].filter((k) => k < '\uffff').length);
    db.close();
  });
});
