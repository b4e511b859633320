// Two server nodes on one real PostgreSQL: the two traps of issue #9 (the checkpoint
// watermark and concurrent first pushes), and live fan-out across nodes (LISTEN/NOTIFY).
import pg from 'pg';
import { schemas, type HumanDocumentType } from 'rxdb/plugins/test-utils';
import { SyncHttpClient, type SyncCheckpoint } from '../../main/sync/sync-http-client.ts';
import { createSyncServer, type SyncServer } from '../src/index.ts';
import { startHarness, type Harness, type TestStore } from './harness.ts';
import { waitFor, watchStream } from './helpers.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

type Human = HumanDocumentType & { _deleted: boolean };

let postgres: TestPostgres;
let nodeA: Harness;
let nodeB: SyncServer;
let urlB: string;
const stores: TestStore[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  const database = await postgres.createDatabase('races');
  const options = { database, collections: { human: schemas.human }, rateLimit: false as const };
  nodeA = await startHarness(options);
  nodeB = await createSyncServer(options);
  urlB = await nodeB.listen();
  for (const id of ['S1', 'S2', 'S3', 'S4']) stores.push(await nodeA.createStore(id));
});
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await postgres?.stop();
});

/** A client of `store` that talks to node B instead of node A. */
const onNodeB = (store: TestStore) => new SyncHttpClient({ baseUrl: urlB, token: store.token });

const human = (passportId: string, firstName: string): Human => ({ passportId, firstName, lastName: 'L', age: 30, _deleted: false });

describe('sync server on PostgreSQL, two nodes', () => {
  it('gives clients that pull while 4 pushers write concurrently every document (the watermark trap)', async () => {
    const batches = 25;
    const perBatch = 20;
    const [s1, s2] = stores as [TestStore, TestStore];
    const hqOnB = new SyncHttpClient({ baseUrl: urlB, token: (await nodeA.admin.request<{ token: string }>('POST', '/hq/users', { id: 'watcher', name: 'Watcher', role: 'read-only' })).token });
    const stream = watchStream<Human>(hqOnB, 'human');
    await waitFor(() => stream.events.length > 0, 2000, 'the stream on node B');

    let pushing = true;
    /** Pulls from the start until the pushers are done and a page comes back empty. */
    const pullAll = async (client: SyncHttpClient) => {
      const pulled = new Set<string>();
      let checkpoint: SyncCheckpoint | undefined;
      let pulls = 0;
      for (;;) {
        const done = !pushing;
        const page = await client.pull<Human>('human', checkpoint, 37);
        pulls++;
        for (const doc of page.documents) pulled.add(doc.passportId);
        checkpoint = page.checkpoint;
        // Every push was acknowledged before `done`: an empty page then means the end.
        if (page.documents.length === 0 && done) return { pulled, pulls };
      }
    };
    // HQ sees everything; store S1 its own documents and HQ's (two index walks in one statement).
    const pullers = Promise.all([pullAll(nodeA.admin), pullAll(onNodeB(s1))]);
    const pushers: [SyncHttpClient, string, 'all' | undefined][] = [
      [s1.client, 'S1a', undefined],
      [onNodeB(s1), 'S1b', undefined],
      [onNodeB(s2), 'S2', undefined],
      [nodeA.admin, 'HQ', 'all'],
    ];
    await Promise.all(
      pushers.map(async ([client, prefix, targets]) => {
        for (let b = 0; b < batches; b++) {
          const rows = Array.from({ length: perBatch }, (_, k) => ({ newDocumentState: human(`${prefix}-${b}-${k}`, prefix) }));
          expect(await client.push('human', rows, { targets })).toEqual([]);
        }
      }),
    );
    pushing = false;
    const [hqPulled, storePulled] = await pullers;

    const each = batches * perBatch;
    expect(hqPulled.pulled.size).toBe(4 * each);
    expect(hqPulled.pulls).toBeGreaterThan(batches);
    const prefixes = (set: Set<string>) => [...new Set([...set].map((id) => id.split('-')[0]))].sort();
    expect(storePulled.pulled.size).toBe(3 * each);
    expect(prefixes(storePulled.pulled)).toEqual(['HQ', 'S1a', 'S1b']);
    // Node B's live stream got every document node A or B wrote, in checkpoint order.
    await waitFor(() => new Set(stream.documents().map((d) => d.passportId)).size === 4 * each, 5000, 'node B’s stream to carry every document');
    const checkpoints = stream.events.flatMap((e) => (e === 'RESYNC' ? [] : [e.checkpoint.seq]));
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
    stream.stop();
  });

  it('decides concurrent first pushes of one document: exactly one wins, the others get its state', async () => {
    const [store] = stores;
    const writers = 8;
    const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    const results = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: writers }, async (_, w) => {
          const client = w % 2 === 0 ? store!.client : onNodeB(store!);
          const conflicts = await client.push<Human>('human', [{ newDocumentState: human(id, `writer-${w}`) }]);
          return { id, writer: `writer-${w}`, conflicts };
        }),
      ),
    );
    const stored = new Map((await nodeA.server.documents.list('human')).map((d) => [d.passportId as string, d as Human]));
    for (const id of ids) {
      const attempts = results.filter((r) => r.id === id);
      const winners = attempts.filter((r) => r.conflicts.length === 0);
      expect(winners, id).toHaveLength(1);
      const winner = stored.get(id)!;
      expect(winner.firstName).toBe(winners[0]!.writer);
      for (const loser of attempts.filter((r) => r.conflicts.length > 0)) expect(loser.conflicts).toEqual([winner]);
    }
  });

  it('closes a credential’s stream on the other node at once when it is revoked', async () => {
    const store = await nodeA.createStore('S9');
    const stream = watchStream<Human>(onNodeB(store), 'human');
    await waitFor(() => stream.events.length > 0, 2000, 'the stream on node B');
    const started = Date.now();
    await nodeA.admin.request('POST', `/hq/credentials/${store.credentialId}/revoke`, {});
    expect((await stream.ended)?.code).toBe('SY_REVOKED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('tells streams to RESYNC when its LISTEN connection drops, and carries on after reconnecting', async () => {
    const stream = watchStream<Human>(onNodeB(stores[1]!), 'human');
    await waitFor(() => stream.events.length > 0, 2000, 'the stream on node B');
    const admin = new pg.Client({ connectionString: postgres.url.replace(/\/postgres$/, '/races') });
    await admin.connect();
    onTestFinished(() => admin.end());
    const killed = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN campaign_desk_sync'");
    expect(killed.rowCount).toBe(2);
    await waitFor(() => stream.events.filter((e) => e === 'RESYNC').length >= 2, 5000, 'a RESYNC after the drop');
    await waitFor(async () => (await admin.query("select 1 from pg_stat_activity where query = 'LISTEN campaign_desk_sync'")).rowCount === 2, 5000, 'both nodes to LISTEN again');
    await stores[1]!.client.push('human', [{ newDocumentState: human('after-drop', 'S2') }]);
    await waitFor(() => stream.documents().some((d) => d.passportId === 'after-drop'), 2000, 'the stream to carry a new write');
    stream.stop();
  });
});

describe('rate limits on PostgreSQL, two nodes', () => {
  it('counts a credential’s requests on every node against one budget', async () => {
    const database = await postgres.createDatabase('limits');
    const options = { database, collections: { human: schemas.human }, rateLimit: { perSecond: 0.01, burst: 4 } };
    const a = await startHarness(options);
    const b = await createSyncServer(options);
    onTestFinished(async () => {
      await a.close();
      await b.close();
    });
    const urlOfB = await b.listen();
    const store = await a.createStore('R1');
    const viaB = new SyncHttpClient({ baseUrl: urlOfB, token: store.token });
    // Alternating nodes: four requests in all pass, the fifth is refused whichever node gets it
    // (one bucket per node would have let eight through).
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const client = i % 2 === 0 ? store.client : viaB;
      outcomes.push(await client.pull('human', undefined, 1).then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'));
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'SY_RATE_LIMITED', 'SY_RATE_LIMITED']);
  });
});
