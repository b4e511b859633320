import Database from 'better-sqlite3';
import { auditDeviceId, setAuditStore } from '../../db/audit-device.ts';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import { auditLogSchema, type AuditLogDoc } from '../../db/schemas/audit-log.ts';
import { entryHash } from '../../db/schemas/audit-chain.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { AuditLog, type AuditEntryInput } from './audit-log.ts';
import { verifyAuditLog } from './verify-audit-log.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);

function entry(i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: T0 + i * 1000,
    actor: { type: 'user', id: 'desk' },
    method: 'plans/update-plan',
    targetCollection: 'plans',
    targetId: `p${i}`,
    outcome: 'ok',
    errorCode: '',
    summary: `Plan ${i}`,
    changes: [{ path: 'name', before: `Old ${i}`, after: `Plan ${i}` }],
    ...extra,
  };
}

async function open(dataDir: string): Promise<AppDatabase> {
  const database = await openDatabase({ dataDir });
  onTestFinished(() => database.close());
  return database;
}

function dataDir(): string {
  const dir = makeTempDir('campaign-desk-audit-');
  onTestFinished(() => dir.remove());
  return dir.path;
}

/** Opens the SQLite file as a tamperer would (the app closed) and finds the audit log's table. */
function tamper(database: AppDatabase, change: (db: Database.Database, table: string) => void): void {
  const db = new Database(database.file);
  try {
    const { name } = db.prepare("SELECT name FROM _cd_tables WHERE collection = 'auditLog' AND version = ?").get(auditLogSchema.version) as { name: string };
    change(db, `"${name.replace(/"/g, '""')}"`);
  } finally {
    db.close();
  }
}

describe('audit log', () => {
  it('chains entries 1, 2, 3… with the hash of the one before, from one device', async () => {
    const database = await open(dataDir());
    const log = AuditLog.of(database.collections.auditLog);
    expect(AuditLog.of(database.collections.auditLog)).toBe(log);
    const [a] = await log.appendAll([entry(1)]);
    const [b, c] = await log.appendAll([entry(2, { details: { kind: 'x', nothing: undefined } }), entry(3, { outcome: 'error', errorCode: 'EN_PLAN_CONFLICT' })]);
    expect([a!.seq, b!.seq, c!.seq]).toEqual([1, 2, 3]);
    expect(a!.prevHash).toBe('');
    expect(b!.prevHash).toBe(a!.hash);
    expect(c!.prevHash).toBe(b!.hash);
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([a!.device, b!.device, c!.device]).size).toBe(1);
    const stored = (await database.collections.auditLog.findOne(b!.id).exec())!.toJSON();
    expect(entryHash(stored)).toBe(b!.hash);
    expect(await verifyAuditLog(database.collections.auditLog)).toEqual({ ok: true, count: 3, chains: [{ device: a!.device, count: 3, lastSeq: 3, lastHash: c!.hash }] });
  });

  it('keeps one chain when many writers append at once', async () => {
    const database = await open(dataDir());
    const writes = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0 ? AuditLog.of(database.collections.auditLog).appendAll([entry(i), entry(i + 100)]) : AuditLog.of(database.collections.auditLog).append(entry(i)),
    );
    await Promise.all(writes);
    const docs = await database.collections.auditLog.find({ sort: [{ seq: 'asc' }] }).exec();
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await verifyAuditLog(database.collections.auditLog)).toMatchObject({ ok: true, count: 50 });
  });

  it('goes on from an entry of this device it did not write itself (checked, not assumed), so the chain never forks', async () => {
    const database = await open(dataDir());
    const log = AuditLog.of(database.collections.auditLog);
    const [, b] = await log.appendAll([entry(1), entry(2)]);
    // Written behind the writer's back (as a restored or synced-in copy of this device's entry would be).
    const doc: Omit<AuditLogDoc, 'hash'> = { ...entry(3), id: 'A-elsewhere', seq: 3, device: b!.device, prevHash: b!.hash };
    const foreign: AuditLogDoc = { ...doc, hash: entryHash(doc) };
    await database.collections.auditLog.insert(foreign);
    const d = await log.append(entry(4));
    expect(d).toMatchObject({ seq: 4, prevHash: foreign.hash });
    const e = await log.append(entry(5));
    expect(e).toMatchObject({ seq: 5, prevHash: d.hash });
    expect(await verifyAuditLog(database.collections.auditLog)).toMatchObject({ ok: true, count: 5 });
  });

  it('keeps the device id across restarts, and the chain goes on', async () => {
    const dir = dataDir();
    const first = await openDatabase({ dataDir: dir });
    const a = await AuditLog.of(first.collections.auditLog).append(entry(1));
    await first.close();
    const second = await open(dir);
    const b = await AuditLog.of(second.collections.auditLog).append(entry(2));
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash, device: a.device });
  });

  it('detects an entry edited in the SQLite file, naming its seq', async () => {
    const dir = dataDir();
    const database = await openDatabase({ dataDir: dir });
    const written = await AuditLog.of(database.collections.auditLog).appendAll([1, 2, 3, 4, 5].map((i) => entry(i)));
    await database.close();

    tamper(database, (db, table) => {
      const row = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get(written[2]!.id) as { data: string };
      const doc = JSON.parse(row.data) as { changes: { after: string }[] };
      doc.changes[0]!.after = 'Plan 3 (edited)';
      db.prepare(`UPDATE ${table} SET data = ? WHERE id = ?`).run(JSON.stringify(doc), written[2]!.id);
    });

    const reopened = await open(dir);
    expect(await verifyAuditLog(reopened.collections.auditLog)).toMatchObject({ ok: false, count: 2, broken: { device: written[2]!.device, seq: 3, id: written[2]!.id, problem: 'edited', expectedSeq: 3 } });
  });

  it('detects a deleted entry as a gap, and an edit with a recomputed hash at the next link', async () => {
    const dir = dataDir();
    const database = await openDatabase({ dataDir: dir });
    const written = await AuditLog.of(database.collections.auditLog).appendAll([1, 2, 3, 4, 5].map((i) => entry(i)));
    await database.close();

    // A careful tamperer edits entry 4 and stores its new hash: entry 5 no longer links to it.
    tamper(database, (db, table) => {
      const row = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get(written[3]!.id) as { data: string };
      const doc: Record<string, unknown> = { ...(JSON.parse(row.data) as Record<string, unknown>), summary: 'nothing to see' };
      doc.hash = entryHash(doc);
      db.prepare(`UPDATE ${table} SET data = ? WHERE id = ?`).run(JSON.stringify(doc), written[3]!.id);
    });
    const reopened = await openDatabase({ dataDir: dir });
    expect(await verifyAuditLog(reopened.collections.auditLog)).toMatchObject({ ok: false, count: 4, broken: { seq: 5, id: written[4]!.id, problem: 'relinked', expectedSeq: 5 } });
    await reopened.close();

    // Then entry 2 is deleted: the first broken link is now the gap before entry 3.
    tamper(database, (db, table) => db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(written[1]!.id));
    const again = await open(dir);
    expect(await verifyAuditLog(again.collections.auditLog)).toMatchObject({ ok: false, count: 1, broken: { seq: 3, id: written[2]!.id, problem: 'missing', expectedSeq: 2 } });
  });

  it("keeps its own chain beside other devices' entries (synced in), and checks each chain", async () => {
    const dir = dataDir();
    const database = await openDatabase({ dataDir: dir });
    const collection = database.collections.auditLog;
    const log = AuditLog.of(collection);
    const mine = await log.appendAll([entry(1), entry(2)]);
    // Another store's device wrote three entries, which sync copied here as they were.
    const other: AuditLogDoc[] = [];
    for (const i of [1, 2, 3]) {
      const doc: Omit<AuditLogDoc, 'hash'> = { id: `A-other-${i}`, seq: i, device: 'D-other', storeId: 'S2', ...entry(i + 10), prevHash: other[i - 2]?.hash ?? '' };
      other.push({ ...doc, hash: entryHash(doc) });
    }
    await collection.bulkInsert(other);
    // Once sync is set up, new entries name the store; the chain goes on from this device's last.
    await setAuditStore(database.db, 'S1');
    const next = await log.append(entry(3));
    expect(next).toMatchObject({ seq: 3, prevHash: mine[1]!.hash, device: await auditDeviceId(database.db), storeId: 'S1' });

    const result = await verifyAuditLog(collection);
    expect(result.ok).toBe(true);
    expect(result.count).toBe(6);
    expect(result.chains.map((c) => [c.device === 'D-other' ? 'other' : 'mine', c.storeId, c.count, c.lastSeq]).sort()).toEqual([
      ['mine', 'S1', 3, 3],
      ['other', 'S2', 3, 3],
    ]);

    // An edit of the other device's entry 2 (its store rewritten) breaks that chain only, and says whose.
    await database.close();
    tamper(database, (db, table) => {
      const row = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get('A-other-2') as { data: string };
      db.prepare(`UPDATE ${table} SET data = ? WHERE id = ?`).run(JSON.stringify({ ...(JSON.parse(row.data) as object), storeId: 'S1' }), 'A-other-2');
    });
    const reopened = await open(dir);
    const broken = await verifyAuditLog(reopened.collections.auditLog);
    expect(broken).toMatchObject({ ok: false, count: 4, broken: { device: 'D-other', seq: 2, id: 'A-other-2', problem: 'edited' } });
    expect(broken.chains.find((c) => c.device !== 'D-other')).toMatchObject({ count: 3 });
  });
});
