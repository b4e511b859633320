import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/open-database.ts';
import { auditLogSchema } from '../../db/schemas/audit-log.ts';
import { AuditLog, type AuditEntryInput } from '../../engine/audit/audit-log.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { main } from '../index.ts';

/** The CLI in this process, with its output captured. */
async function run(...args: string[]) {
  let out = '';
  let err = '';
  vi.stubEnv('CAMPAIGN_DESK_LANG', 'en');
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await main(['node', 'campaign-desk', 'audit', ...args]);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    vi.unstubAllEnvs();
  }
}

// 2026-03-10 10:00 in Shanghai, then an hour apart.
const T0 = Date.UTC(2026, 2, 10, 2, 0);

function entry(i: number, method: string, actorId: string): AuditEntryInput {
  return {
    at: T0 + (i - 1) * 3_600_000,
    actor: { type: actorId === 'scheduler' ? 'system' : 'user', id: actorId },
    method,
    targetCollection: 'plans',
    targetId: `p${i}`,
    outcome: 'ok',
    errorCode: '',
    summary: `entry ${i}`,
    ...(method === 'plans/update-plan' ? { changes: [{ path: 'name', before: 'Old', after: `New ${i}` }] } : {}),
  };
}

describe('campaign-desk audit', () => {
  it('verifies, lists with filters, exports CSV, and names the first broken link after tampering (exit code 2)', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    expect(await run('verify', '--data-dir', dir.path)).toEqual({ code: 0, out: 'Audit log OK: no entries yet.\n', err: '' });

    const database = await openDatabase({ dataDir: dir.path });
    const written = await AuditLog.of(database.collections.auditLog).appendAll([
      entry(1, 'plans/create-plan', 'desk'),
      entry(2, 'plans/update-plan', 'desk'),
      entry(3, 'scheduler/fire', 'scheduler'),
      entry(4, 'settings/update-settings', 'desk'),
    ]);
    await database.close();

    const device = written[0]!.device;
    expect(await run('verify', '--data-dir', dir.path)).toEqual({ code: 0, out: `Audit log OK: 4 entries, the chain of each of 1 devices is intact.\n  ${device}: 4 entries, last entry 4\n`, err: '' });

    const list = await run('list', '--data-dir', dir.path, '--method', 'plans');
    expect(list.code).toBe(0);
    expect(list.out.split('\n')).toEqual([
      '2  2026-03-10T11:00:00+08:00  user:desk  plans/update-plan  plans/p2  ok  entry 2',
      '    name: Old → New 2',
      '1  2026-03-10T10:00:00+08:00  user:desk  plans/create-plan  plans/p1  ok  entry 1',
      '',
    ]);
    const json = JSON.parse((await run('list', '--data-dir', dir.path, '--actor', 'scheduler', '--json')).out) as { seq: number }[];
    expect(json.map((e) => e.seq)).toEqual([3]);
    const dated = await run('list', '--data-dir', dir.path, '--since', '2026-03-10T11:30', '--until', '2026-03-10', '--text', 'entry');
    expect(dated.out.split('\n').map((l) => l.split('  ')[0])).toEqual(['4', '3', '']);
    expect((await run('list', '--data-dir', dir.path, '--since', '2026-03-11')).out).toBe('');
    const bad = await run('list', '--data-dir', dir.path, '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^TM_BAD_INSTANT: /);

    const csv = join(dir.path, 'audit.csv');
    expect(await run('export', csv, '--data-dir', dir.path, '--method', 'plans/update-plan')).toMatchObject({ code: 0, out: `Exported 1 entries to ${csv}\n` });
    const lines = readFileSync(csv, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',plans/update-plan,plans/p2,OK,,entry 2,name: Old → New 2,');

    // Someone edits entry 2 in the database file.
    const db = new Database(database.file);
    const { name } = db.prepare("SELECT name FROM _cd_tables WHERE collection = 'auditLog' AND version = ?").get(auditLogSchema.version) as { name: string };
    const table = `"${name}"`;
    const row = db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get(written[1]!.id) as { data: string };
    db.prepare(`UPDATE ${table} SET data = ? WHERE id = ?`).run(row.data.replace('New 2', 'Innocent'), written[1]!.id);
    db.close();

    const broken = await run('verify', '--data-dir', dir.path);
    expect(broken.code).toBe(2);
    expect(broken.out).toBe('');
    expect(broken.err).toBe(`AD_CHAIN_BROKEN: The audit log of device ${device} is broken at entry 2 (${written[1]!.id}): its content no longer matches its hash: it was edited in the database. Its entries from there on cannot be trusted.\n`);
    const asJson = await run('verify', '--data-dir', dir.path, '--json');
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.out)).toMatchObject({ ok: false, count: 1, broken: { seq: 2, problem: 'edited' } });
  });
});
