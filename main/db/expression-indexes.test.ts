// The declared expression indexes exist in every database the storage opens: created with the
// tables of a new file, and added (or rebuilt when declared differently) when an existing file
// is opened.
import Database from 'better-sqlite3';
import { grantDoc, orderDoc } from '../engine/insight/insight-fixtures.ts';
import { EXPRESSION_INDEXES } from './expression-indexes.ts';
import { openDatabase } from './open-database.ts';
import { expressionIndexName, expressionIndexSql } from './storage-sqlite/sqlite-file.ts';
import { tempDir } from './storage-sqlite/sqlite-test-support.ts';

/** The expression indexes in a (closed) database file: name → CREATE statement. */
function indexesIn(file: string): { tables: Map<string, string>; indexes: Map<string, string> } {
  const db = new Database(file, { readonly: true });
  try {
    const tables = new Map((db.prepare('SELECT collection, name FROM _cd_tables').raw().all() as [string, string][]).map(([collection, name]) => [collection, name]));
    const indexes = new Map(db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%data%'`).raw().all() as [string, string][]);
    return { tables, indexes };
  } finally {
    db.close();
  }
}

function expectDeclared(file: string): void {
  const { tables, indexes } = indexesIn(file);
  for (const index of EXPRESSION_INDEXES) {
    const table = tables.get(index.collection);
    expect(table, index.collection).toBeDefined();
    expect(indexes.get(expressionIndexName(table!, index.name))).toBe(expressionIndexSql(table!, index));
  }
}

describe('declared expression indexes', () => {
  it('are created with the tables of a new database', async () => {
    const database = await openDatabase({ dataDir: tempDir() });
    const file = database.file;
    await database.close();
    expect(EXPRESSION_INDEXES.length).toBeGreaterThan(0);
    expectDeclared(file);
  });

  it('are added to an existing file that lacks them, and rebuilt when declared differently, when it is opened', async () => {
    const dataDir = tempDir();
    let database = await openDatabase({ dataDir });
    const file = database.file;
    await database.collections.grants.bulkInsert([grantDoc({ planId: 'p1', runId: 'r1', customerId: 'c1', grantedAt: 1_000 }), grantDoc({ planId: 'p2', runId: 'r2', customerId: 'c1', grantedAt: 2_000 })]);
    await database.collections.events.bulkInsert([orderDoc('o1', 'c1', 1_500, 1000, 'S1'), orderDoc('o2', 'c1', 2_500, 2000, 'S1'), orderDoc('v1', 'c1', 2_600, 0, 'S1', 'browse')]);
    await database.close();

    // As a file from before the declaration: no `orders` index, an older `touches`, and one
    // made by a query at run time (not declared: left alone).
    const { tables } = indexesIn(file);
    const grants = tables.get('grants')!;
    const events = tables.get('events')!;
    const raw = new Database(file);
    raw.exec(`DROP INDEX "${expressionIndexName(events, 'orders')}"`);
    raw.exec(`DROP INDEX "${expressionIndexName(grants, 'touches')}"`);
    raw.exec(`CREATE INDEX "${expressionIndexName(grants, 'touches')}" ON "${grants}" (data->>'customerId', deleted)`);
    raw.exec(`CREATE INDEX "${expressionIndexName(grants, 'adhoc')}" ON "${grants}" (data->>'state', deleted)`);
    raw.close();
    expect(indexesIn(file).indexes.has(expressionIndexName(events, 'orders'))).toBe(false);

    database = await openDatabase({ dataDir });
    await database.close();
    expectDeclared(file);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(expressionIndexName(grants, 'adhoc'))).toContain(`data->>'state'`);
      // The new index holds the existing rows: the two orders, times as epoch ms.
      const orders = check
        .prepare(`SELECT data->>'eventId', (unixepoch(substr(data->>'at', 1, 19)) * 1000 + CAST(substr(data->>'at', 21, 3) AS INTEGER)) FROM "${events}" INDEXED BY "${expressionIndexName(events, 'orders')}" WHERE data->>'customerId' = ? AND data->>'type' = 'order' ORDER BY 2`)
        .raw()
        .all('c1');
      expect(orders).toEqual([
        ['o1', 1_500],
        ['o2', 2_500],
      ]);
    } finally {
      check.close();
    }
  });
});
