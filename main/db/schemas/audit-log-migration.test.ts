import { verifyAuditLog } from '../../engine/audit/verify-audit-log.ts';
import { AuditLog } from '../../engine/audit/audit-log.ts';
import { auditDeviceId } from '../audit-device.ts';
import { defineCollection } from '../collection-definition.ts';
import { openDatabaseWith } from '../open-database.ts';
import { tempDir } from '../storage-sqlite/sqlite-test-support.ts';
import { auditLogMigrations, auditLogSchema } from './audit-log.ts';
import { auditLogSchemaV0, type AuditLogDocV0 } from './history/audit-log-v0.ts';
import { auditLogSchemaV1 } from './history/audit-log-v1.ts';
import { entryHash } from './audit-chain.ts';

function v0(id: string, at: number, summary: string): AuditLogDocV0 {
  return { id, at, actor: { type: 'system', id: 'scheduler' }, method: 'scheduler/fire', targetCollection: 'plans', targetId: 'p1', outcome: 'ok', errorCode: '', summary, details: { kind: 'fired' } };
}

describe('audit log schema v0 → v1', () => {
  it('chains the existing entries in `at` order, on a real file, and the app appends after them', async () => {
    const dataDir = tempDir();
    const old = await openDatabaseWith({ dataDir }, { auditLog: defineCollection(auditLogSchemaV0, {}) });
    // Written out of time order, and two at the same instant (the id breaks the tie).
    await old.collections.auditLog.bulkInsert([v0('sched-3', 3000, 'third'), v0('A-b', 1000, 'first b'), v0('A-a', 1000, 'first a'), v0('sched-2', 2000, 'second')]);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, { auditLog: defineCollection(auditLogSchema, auditLogMigrations) });
    onTestFinished(() => current.close());
    const log = current.collections.auditLog;
    const docs = (await log.find({ sort: [{ seq: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(docs.map((d) => [d.seq, d.id, d.summary])).toEqual([
      [1, 'A-a', 'first a'],
      [2, 'A-b', 'first b'],
      [3, 'sched-2', 'second'],
      [4, 'sched-3', 'third'],
    ]);
    const device = await auditDeviceId(current.db);
    expect(docs.every((d) => d.device === device)).toBe(true);
    expect(docs[0]).toMatchObject({ prevHash: '', details: { kind: 'fired' } });
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, count: 4, chains: [{ lastSeq: 4 }] });

    const next = await AuditLog.of(log).append({ at: 4000, actor: { type: 'user', id: 'desk' }, method: 'plans/pause-plan', targetCollection: 'plans', targetId: 'p1', outcome: 'ok', errorCode: '', summary: 'Weekly' });
    expect(next).toMatchObject({ seq: 5, prevHash: docs[3]!.hash });
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, count: 5 });
  });
});

describe('audit log schema v1 → v2', () => {
  it('keeps every entry and its hash, and the chain verifies and goes on, on a real file', async () => {
    const dataDir = tempDir();
    const old = await openDatabaseWith({ dataDir }, { auditLog: defineCollection(auditLogSchemaV1, { 1: auditLogMigrations[1]! }) });
    const device = await auditDeviceId(old.db);
    let prevHash = '';
    const entries = [1, 2, 3].map((seq) => {
      const doc = { ...v0(`A-${seq}`, seq * 1000, `entry ${seq}`), seq, device, prevHash };
      const full = { ...doc, hash: entryHash(doc) };
      prevHash = full.hash;
      return full;
    });
    await old.collections.auditLog.bulkInsert(entries);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, { auditLog: defineCollection(auditLogSchema, auditLogMigrations) });
    onTestFinished(() => current.close());
    const log = current.collections.auditLog;
    const docs = (await log.find({ sort: [{ seq: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(docs).toEqual(entries);
    expect(await verifyAuditLog(log)).toMatchObject({ ok: true, count: 3, chains: [{ device, lastSeq: 3 }] });
    const next = await AuditLog.of(log).append({ at: 4000, actor: { type: 'user', id: 'desk' }, method: 'plans/pause-plan', targetCollection: 'plans', targetId: 'p1', outcome: 'ok', errorCode: '', summary: 'Weekly' });
    expect(next).toMatchObject({ seq: 4, prevHash: entries[2]!.hash, device });
  });
});
