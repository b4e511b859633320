import { sql } from 'kysely';
import { makeTempDir } from '../../../main/testing/temp-dir.ts';
import { knownMigrations } from './migrations.ts';
import { openSyncDatabase } from './open-database.ts';

describe('sync server migrations', () => {
  it('brings a database made before allotments and shared rate limits up to date, and holds the totals invariant', async () => {
    const dir = makeTempDir('campaign-desk-migrate-');
    onTestFinished(() => dir.remove());
    const location = { kind: 'sqlite' as const, file: `${dir.path}/sync.sqlite` };
    expect(knownMigrations()).toEqual(['0001_initial', '0002_allotments', '0003_rate_buckets']);

    // A database as the first release left it: 0001 only.
    const first = await openSyncDatabase(location);
    await sql`drop table leases`.execute(first.db);
    await sql`drop table chain_stocks`.execute(first.db);
    await sql`drop table rate_buckets`.execute(first.db);
    await sql`delete from sync_migrations where name in ('0002_allotments', '0003_rate_buckets')`.execute(first.db);
    await first.close();

    const upgraded = await openSyncDatabase(location);
    onTestFinished(() => upgraded.close());
    const applied = await sql<{ name: string }>`select name from sync_migrations order by name`.execute(upgraded.db);
    expect(applied.rows.map((r) => r.name)).toEqual(['0001_initial', '0002_allotments', '0003_rate_buckets']);
    await upgraded.db.insertInto('rate_buckets').values({ key: 'C-1', tokens: 1.5, at: 0, granted: 1 }).execute();
    const stock = { id: 'S', owner_type: 'right', owner_id: 'R', total: 10, remaining: 10, leased: 0, granted: 0, lease_ms: 1000, grace_ms: 0, ends_at: null, created_at: 0, updated_at: 0 };
    await upgraded.db.insertInto('chain_stocks').values(stock).execute();
    // A write that breaks total = granted + leased + remaining is refused by the database itself.
    await expect(upgraded.db.updateTable('chain_stocks').set({ remaining: 9 }).where('id', '=', 'S').execute()).rejects.toThrow(/CHECK constraint failed/);
    await expect(upgraded.db.insertInto('chain_stocks').values({ ...stock, id: 'T', remaining: -1, leased: 11 }).execute()).rejects.toThrow(/CHECK constraint failed/);
  });
});
