// Allotments and conflict rules on a real PostgreSQL with two server nodes: concurrent lease
// requests never lease more than the chain stock (the conditional UPDATE), a request retried
// concurrently gets one lease, and grants used and expired at once on both nodes end used.
import { SyncHttpClient } from '../../main/sync/sync-http-client.ts';
import { CampaignError } from '../../main/core/errors/campaign-error.ts';
import type { ChainStockInfo, LeaseInfo } from '../src/db/allotment-store.ts';
import { createSyncServer, type SyncServer } from '../src/index.ts';
import { grantWire } from './fixtures.ts';
import { startHarness, type Harness, type TestStore } from './harness.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

let postgres: TestPostgres;
let nodeA: Harness;
let nodeB: SyncServer;
let urlB: string;
const stores: TestStore[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  const database = await postgres.createDatabase('allotments');
  nodeA = await startHarness({ database, rateLimit: false });
  nodeB = await createSyncServer({ database, rateLimit: false });
  urlB = await nodeB.listen();
  for (let i = 1; i <= 12; i++) stores.push(await nodeA.createStore(`S${String(i).padStart(2, '0')}`));
}, 60_000);
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await postgres?.stop();
});

const onNodeB = (store: TestStore) => new SyncHttpClient({ baseUrl: urlB, token: store.token });

describe('allotments on PostgreSQL, two nodes', () => {
  it('never leases more than the chain stock under concurrent requests, and each store grants within its leases', async () => {
    const total = 250;
    await nodeA.admin.request('POST', '/hq/allotments', { id: 'race', ownerType: 'right', ownerId: 'R1', total });
    const leases: LeaseInfo[] = [];
    let refused = 0;
    // 12 stores, half through each node, each asking 6 times for 1-9 units at once.
    await Promise.all(
      stores.flatMap((store, s) =>
        Array.from({ length: 6 }, async (_, k) => {
          const client = s % 2 === 0 ? store.client : onNodeB(store);
          try {
            const { lease } = await client.request<{ lease: LeaseInfo }>('POST', '/allotments/race/leases', { requestId: `r${k}`, units: 1 + ((s * 7 + k * 3) % 9) });
            leases.push(lease);
          } catch (error) {
            if (!(error instanceof CampaignError) || error.code !== 'SY_ALLOTMENT_EXHAUSTED') throw error;
            refused++;
          }
        }),
      ),
    );
    const leased = leases.reduce((n, l) => n + l.units, 0);
    const { stocks } = await nodeA.admin.request<{ stocks: ChainStockInfo[] }>('GET', '/hq/allotments?stockId=race');
    const stock = stocks.find((s) => s.id === 'race')!;
    expect(leased).toBeLessThanOrEqual(total);
    expect(stock.leased).toBe(leased);
    expect(stock.remaining).toBe(total - leased);
    expect(stock.granted + stock.leased + stock.remaining).toBe(total);
    expect(leases.length + refused).toBe(72);

    // Offline, every store grants its whole share and reports it, concurrently.
    await Promise.all(leases.map((l) => (stores.find((s) => s.id === l.storeId)!.client.request('POST', `/allotments/leases/${l.id}/return`, { consumed: l.units }))));
    const after = (await nodeA.admin.request<{ stocks: ChainStockInfo[] }>('GET', '/hq/allotments?stockId=race')).stocks[0]!;
    expect(after).toMatchObject({ granted: leased, leased: 0, remaining: total - leased });
  });

  it('drains a small stock exactly under a burst of requests', async () => {
    await nodeA.admin.request('POST', '/hq/allotments', { id: 'small', ownerType: 'right', ownerId: 'R2', total: 10 });
    const results = await Promise.allSettled(
      stores.flatMap((store, s) => [0, 1, 2].map((k) => (s % 2 === 0 ? store.client : onNodeB(store)).request<{ lease: LeaseInfo }>('POST', '/allotments/small/leases', { requestId: `q${k}`, units: 1 }))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(10);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as CampaignError).code).toBe('SY_ALLOTMENT_EXHAUSTED');
  });

  it('answers the same request id sent at once to both nodes with one lease', async () => {
    await nodeA.admin.request('POST', '/hq/allotments', { id: 'retry', ownerType: 'package', ownerId: 'P1', total: 100 });
    const store = stores[0]!;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store.client : onNodeB(store)).request<{ lease: LeaseInfo }>('POST', '/allotments/retry/leases', { requestId: 'same', units: 10 })),
    );
    expect(new Set(answers.map((a) => a.lease.id)).size).toBe(1);
    const stock = (await nodeA.admin.request<{ stocks: ChainStockInfo[] }>('GET', '/hq/allotments?stockId=retry')).stocks.find((s) => s.id === 'retry')!;
    expect(stock).toMatchObject({ leased: 10, remaining: 90 });
  });

  it('merges grants used at a store and expired by HQ at the same moment on two nodes: all end used', async () => {
    const store = stores[0]!;
    const ids = Array.from({ length: 40 }, (_, i) => `G-pg-${i}`);
    expect(await store.client.push('grants', ids.map((id) => ({ newDocumentState: grantWire(id, 'granted', 2) })))).toEqual([]);
    const hqOnB = new SyncHttpClient({ baseUrl: urlB, token: (await nodeA.admin.request<{ token: string }>('POST', '/hq/users', { id: 'sweeper', name: 'Sweeper', role: 'operator' })).token });
    const answers = await Promise.all(
      ids.flatMap((id, i) => [
        (i % 2 === 0 ? store.client : onNodeB(store)).push<{ state: string }>('grants', [{ newDocumentState: grantWire(id, 'used', 3), assumedMasterState: grantWire(id, 'granted', 2) }]),
        (i % 2 === 0 ? hqOnB : nodeA.admin).push<{ state: string }>('grants', [{ newDocumentState: grantWire(id, 'expired', 3), assumedMasterState: grantWire(id, 'granted', 2) }]),
      ]),
    );
    // Whoever came second got the used grant back (or, for the store, nothing to take back).
    for (const answer of answers.flat()) expect(answer.state).toBe('used');
    const stored = (await nodeA.server.documents.list('grants')).filter((g) => ids.includes(g.id as string));
    expect(stored.map((g) => g.state)).toEqual(ids.map(() => 'used'));
  });

  it('merges concurrent first pushes of one grant in different states on two nodes: all end used', async () => {
    const store = stores[1]!;
    const ids = Array.from({ length: 20 }, (_, i) => `G-first-${i}`);
    const variants: [string, number][] = [['reserved', 1], ['granted', 2], ['expired', 3], ['used', 3]];
    const answers = await Promise.all(
      ids.flatMap((id) =>
        variants.map(async ([state, seq], w) => ({ seq, answer: await (w % 2 === 0 ? store.client : onNodeB(store)).push<{ state: string; seq: number }>('grants', [{ newDocumentState: grantWire(id, state, seq) }]) })),
      ),
    );
    // A pusher that lost gets the merge as it stood then: never behind what it pushed.
    for (const { seq, answer } of answers) for (const doc of answer) expect(doc.seq).toBeGreaterThanOrEqual(seq);
    const stored = (await nodeA.server.documents.list('grants')).filter((g) => ids.includes(g.id as string));
    expect(stored.map((g) => g.state)).toEqual(ids.map(() => 'used'));
  });
});
