// The shared (database) token bucket on a real SQLite file; the same statement runs on
// PostgreSQL, where two server nodes share it (sync-server/test/postgres-two-nodes.test.ts).
import { makeTempDir } from '../../../main/testing/temp-dir.ts';
import { migrateToLatest } from '../db/migrations.ts';
import { openSyncDatabase } from '../db/open-database.ts';
import { sharedLimiter } from './shared-rate-limiter.ts';

describe('shared rate limiter', () => {
  it('allows a burst, then the rate, per key, as the in-memory bucket does; time never runs back', async () => {
    const dir = makeTempDir('campaign-desk-rate-');
    const database = await openSyncDatabase({ kind: 'sqlite', file: `${dir.path}/sync.sqlite` });
    onTestFinished(async () => {
      await database.close();
      dir.remove();
    });
    await migrateToLatest(database.db as never);
    const limiter = sharedLimiter(database, { perSecond: 2, burst: 3 });
    const at = (t: number, key = 'a') => limiter.take(key, t);
    expect([await at(0), await at(0), await at(0)].every((r) => r.ok)).toBe(true);
    expect(await at(0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect((await at(0, 'b')).ok).toBe(true);
    expect((await at(499)).ok).toBe(false);
    expect((await at(500)).ok).toBe(true);
    // A node whose clock is behind: no tokens come from the past.
    expect((await at(100)).ok).toBe(false);
    expect((await at(10_000)).ok).toBe(true);
    expect([await at(10_000), await at(10_000)].map((r) => r.ok)).toEqual([true, true]);
    expect((await at(10_000)).ok).toBe(false);
  });
});
