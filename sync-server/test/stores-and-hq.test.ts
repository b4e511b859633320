// Two stores and HQ on one sync server (SQLite): scope, refusals, revocation, publishing.
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { CampaignError } from '../../main/core/errors/campaign-error.ts';
import { planSchema, type PlanDoc } from '../../main/db/schemas/plans.ts';
import { replicateCollection } from '../../main/sync/replicate-collection.ts';
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { planDoc, rightDoc } from './fixtures.ts';
import { http, startHarness, type Harness, type TestStore } from './harness.ts';
import { sleep, waitFor, watchStream } from './helpers.ts';

const dir = makeTempDir('campaign-desk-sync-');
const logs: string[] = [];
let hq: Harness;
let s1: TestStore;
let s2: TestStore;

beforeAll(async () => {
  hq = await startHarness({
    database: `sqlite:${dir.path}/sync.sqlite`,
    bodyLimit: 64 * 1024,
    maxPushRows: 50,
    rateLimit: false,
    logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } },
  });
  s1 = await hq.createStore('S01');
  s2 = await hq.createStore('S02');
});
afterAll(async () => {
  await hq?.close();
  dir.remove();
});

async function refusal(promise: Promise<unknown>): Promise<CampaignError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const ids = (docs: { id: string }[]) => docs.map((d) => d.id).sort();

describe('store scope', () => {
  it('lets a store read only its own documents, and refuses its writes to another store’s (logged)', async () => {
    expect(await s1.client.push('plans', [{ newDocumentState: planDoc('p-s1', 'S01') }])).toEqual([]);
    expect(await s2.client.push('plans', [{ newDocumentState: planDoc('p-s2', 'S02') }])).toEqual([]);
    expect(ids((await s1.client.pull<PlanDoc>('plans', undefined, 100)).documents)).toEqual(['p-s1']);
    expect(ids((await s2.client.pull<PlanDoc>('plans', undefined, 100)).documents)).toEqual(['p-s2']);
    expect(ids((await hq.admin.pull<PlanDoc>('plans', undefined, 100)).documents)).toEqual(['p-s1', 'p-s2']);
    const before = await hq.server.documents.list('plans');

    // A new document naming another store; then taking over the other store's document; then
    // a batch that mixes an allowed row with a forbidden one: each refused, nothing written.
    const foreignNew = await refusal(s1.client.push('plans', [{ newDocumentState: planDoc('p-x', 'S02') }]));
    expect(foreignNew.code).toBe('SY_FOREIGN_STORE');
    expect(foreignNew.params).toMatchObject({ id: 'p-x', owner: 'S02', storeId: 'S01' });
    const master = planDoc('p-s2', 'S02');
    const takeOver = await refusal(s1.client.push('plans', [{ newDocumentState: planDoc('p-s2', 'S01', { name: 'mine' }), assumedMasterState: master }]));
    expect(takeOver.code).toBe('SY_FOREIGN_STORE');
    const mixed = await refusal(s1.client.push('plans', [{ newDocumentState: planDoc('p-s1b', 'S01') }, { newDocumentState: planDoc('p-y', 'S02') }]));
    expect(mixed.code).toBe('SY_FOREIGN_STORE');
    expect(await hq.server.documents.list('plans')).toEqual(before);

    // Collections without a storeId field belong to the store that created the document.
    expect(await s1.client.push('rights', [{ newDocumentState: rightDoc('r-s1') }])).toEqual([]);
    expect((await s2.client.pull('rights', undefined, 100)).documents).toEqual([]);
    const foreignRight = await refusal(s2.client.push('rights', [{ newDocumentState: rightDoc('r-s1', { name: 'x' }), assumedMasterState: rightDoc('r-s1') }]));
    expect(foreignRight.code).toBe('SY_FOREIGN_STORE');
    expect(foreignRight.params).toMatchObject({ owner: 'S01', storeId: 'S02' });

    const refusals = logs.map((line) => JSON.parse(line) as { msg: string; storeId?: string; code?: string });
    expect(refusals.filter((l) => l.code === 'SY_FOREIGN_STORE').map((l) => l.storeId)).toEqual(['S01', 'S01', 'S01', 'S02']);
  });

  it('streams a store only its own documents', async () => {
    const own = watchStream<PlanDoc>(s1.client, 'plans');
    const other = watchStream<PlanDoc>(s2.client, 'plans');
    await waitFor(() => own.events.length > 0 && other.events.length > 0, 2000, 'the first events');
    expect(own.events[0]).toBe('RESYNC');
    await s1.client.push('plans', [{ newDocumentState: planDoc('p-live', 'S01') }]);
    await waitFor(() => own.documents().some((d) => d.id === 'p-live'), 2000, 'the own stream');
    await sleep(150);
    expect(other.documents()).toEqual([]);
    own.stop();
    other.stop();
  });
});

describe('refused pushes change nothing', () => {
  it('refuses malformed, invalid and oversized pushes with a code and a reason', async () => {
    const before = await hq.server.documents.list('plans');
    const checkpoint = (await hq.admin.pull('plans', undefined, 1000)).checkpoint;
    const push = (body: string) => http(`${hq.url}/sync/plans/push`, { method: 'POST', token: s1.token, body });

    const notJson = await push('{"newDocumentState": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.code).toBe('SY_BAD_REQUEST');
    expect((await push('{"rows": []}')).body.error?.code).toBe('SY_BAD_REQUEST');
    expect((await push('[{"assumedMasterState": null}]')).body.error?.message).toMatch(/row 0 has no newDocumentState/);

    // One valid row and one whose status is not a plan status: the whole batch is refused.
    const invalid = await push(JSON.stringify([{ newDocumentState: planDoc('p-ok', 'S01') }, { newDocumentState: planDoc('p-bad', 'S01', { status: 'nonsense' as PlanDoc['status'] }) }]));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'SY_INVALID_DOCUMENT' });
    expect(invalid.body.error?.message).toMatch(/p-bad.*\/status must be equal to one of the allowed values/);
    const extra = await push(JSON.stringify([{ newDocumentState: { ...planDoc('p-extra', 'S01'), secret: 1 } }]));
    expect(extra.body.error?.code).toBe('SY_INVALID_DOCUMENT');

    const tooMany = await push(JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ newDocumentState: planDoc(`p-many-${i}`, 'S01') }))));
    expect(tooMany.body.error).toMatchObject({ code: 'SY_BAD_REQUEST' });
    const huge = await push(JSON.stringify([{ newDocumentState: planDoc('p-huge', 'S01', { config: { blob: 'x'.repeat(70 * 1024) } }) }]));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'SY_PAYLOAD_TOO_LARGE', message: 'The request body is larger than the limit of 65536 bytes; send smaller batches.' });

    expect(await hq.server.documents.list('plans')).toEqual(before);
    const after = await hq.admin.pull('plans', checkpoint, 1000);
    expect(after.documents).toEqual([]);
    expect(after.checkpoint).toEqual(checkpoint);
  });

  it('answers refusals in Chinese when asked', async () => {
    const response = await http(`${hq.url}/sync/plans/pull`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'SY_UNAUTHORIZED' });
    expect(response.body.error?.message).toMatch(/^同步服务器需要有效凭据/);
  });
});

describe('credentials and roles', () => {
  it('refuses requests without a known credential', async () => {
    expect((await http(`${hq.url}/sync/plans/pull`)).body.error?.code).toBe('SY_UNAUTHORIZED');
    expect((await http(`${hq.url}/sync/plans/pull`, { token: 'cdt_not-a-real-token' })).status).toBe(401);
    expect((await http(`${hq.url}/no/such/route`, { token: s1.token })).body.error?.code).toBe('SY_NOT_FOUND');
    expect((await http(`${hq.url}/sync/nothing/pull`, { token: s1.token })).body.error?.code).toBe('SY_UNKNOWN_COLLECTION');
    expect((await http(`${hq.url}/health`)).body).toEqual({ status: 'ok' });
  });

  it('keeps stores out of HQ administration and each role to its own work', async () => {
    expect((await refusal(s1.client.request('POST', '/hq/stores', { id: 'S99', name: 'x' }))).code).toBe('SY_FORBIDDEN');
    expect((await refusal(s1.client.request('GET', '/hq/stores'))).code).toBe('SY_FORBIDDEN');
    const reader = await hq.admin.request<{ token: string }>('POST', '/hq/users', { id: 'reader', name: 'Reader', role: 'read-only' });
    const operator = await hq.admin.request<{ token: string }>('POST', '/hq/users', { id: 'op', name: 'Operator', role: 'operator' });
    const readOnly = hq.clientWith(reader.token);
    const op = hq.clientWith(operator.token);
    expect((await readOnly.pull('plans', undefined, 10)).documents.length).toBeGreaterThan(0);
    const push = await refusal(readOnly.push('plans', [{ newDocumentState: planDoc('p-ro', '') }]));
    expect(push.code).toBe('SY_FORBIDDEN');
    expect(push.params).toEqual({ role: 'read-only', action: 'push' });
    expect(push.localized('zh-CN')).toBe('总部只读凭据不能写入文档。');
    expect((await refusal(op.request('POST', '/hq/stores', { id: 'S98', name: 'x' }))).code).toBe('SY_FORBIDDEN');
    expect(await op.push('plans', [{ newDocumentState: planDoc('p-op', '') }], { targets: ['S01'] })).toEqual([]);
    expect((await refusal(hq.admin.request('POST', '/hq/stores', { id: 'S01', name: 'again' }))).code).toBe('SY_ALREADY_EXISTS');
    expect((await refusal(hq.admin.request('POST', '/hq/stores', { id: '../x', name: 'bad' }))).code).toBe('SY_BAD_REQUEST');
    const stores = await readOnly.request<{ stores: { id: string }[] }>('GET', '/hq/stores');
    expect(stores.stores.map((s) => s.id)).toEqual(['S01', 'S02']);
  });

  it('refuses a revoked credential at once, also on its open stream', async () => {
    const store = await hq.createStore('S03');
    const spare = await hq.admin.request<{ token: string; credential: { id: string } }>('POST', '/hq/stores/S03/credentials', { label: 'till 2' });
    const stream = watchStream(store.client, 'plans');
    await waitFor(() => stream.events.length > 0, 2000, 'the stream to open');
    const started = Date.now();
    const { credential } = await hq.admin.request<{ credential: { revokedAt: number | null } }>('POST', `/hq/credentials/${store.credentialId}/revoke`, {});
    expect(credential.revokedAt).not.toBeNull();
    const ended = await stream.ended;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ended?.code).toBe('SY_REVOKED');
    expect((await refusal(store.client.pull('plans', undefined, 10))).code).toBe('SY_REVOKED');
    // The store's other credential still works; rotating it replaces it at once.
    const other = hq.clientWith(spare.token);
    await other.pull('plans', undefined, 10);
    const rotated = await hq.admin.request<{ token: string }>('POST', `/hq/credentials/${spare.credential.id}/rotate`, {});
    expect((await refusal(other.pull('plans', undefined, 10))).code).toBe('SY_REVOKED');
    await hq.clientWith(rotated.token).pull('plans', undefined, 10);
    const listed = await hq.admin.request<{ credentials: { id: string; revokedAt: number | null }[] }>('GET', '/hq/credentials?storeId=S03');
    expect(listed.credentials.map((c) => c.revokedAt === null)).toEqual([false, false, true]);
    expect(JSON.stringify(listed)).not.toContain(rotated.token);
  });
});

describe('HQ publishing', () => {
  async function storeReplica(store: TestStore): Promise<RxCollection<PlanDoc>> {
    const db = await createRxDatabase({ name: `replica-${store.id}-${Date.now()}`, storage: getRxStorageMemory(), multiInstance: false });
    // The store side only needs the document shape here; version 0 needs no migration plugin.
    const { plans } = await db.addCollections({ plans: { schema: { ...planSchema, version: 0 } } });
    const replication = replicateCollection<PlanDoc>(plans as RxCollection<PlanDoc>, { client: store.client, live: true, retryTime: 100, reconnectMs: { min: 50, max: 500 } });
    await replication.awaitInitialReplication();
    onTestFinished(() => db.close().then(() => undefined));
    return plans as RxCollection<PlanDoc>;
  }

  it('reaches both stores within a second, read-only there; a list reaches only those stores', async () => {
    const [a, b] = await Promise.all([storeReplica(s1), storeReplica(s2)]);
    const started = Date.now();
    expect(await hq.admin.push('plans', [{ newDocumentState: planDoc('p-hq', '') }], { targets: 'all' })).toEqual([]);
    const has = (c: RxCollection<PlanDoc>, id: string) => c.findOne(id).exec().then((d) => d !== null);
    await waitFor(async () => (await has(a, 'p-hq')) && (await has(b, 'p-hq')), 1000, 'both stores to have the plan');
    expect(Date.now() - started).toBeLessThan(1000);

    // A store's edit of an HQ-locked field is dropped: it gets HQ's plan back as the conflict answer.
    expect(await s1.client.push('plans', [{ newDocumentState: planDoc('p-hq', '', { name: 'edited' }), assumedMasterState: planDoc('p-hq', '') }])).toEqual([planDoc('p-hq', '')]);
    const readOnly = await refusal(s1.client.push('plans', [{ newDocumentState: planDoc('p-hq-new', '') }]));
    expect(readOnly.code).toBe('SY_READ_ONLY_DOCUMENT');

    await hq.admin.push('plans', [{ newDocumentState: planDoc('p-hq-s2', '') }], { targets: ['S02'] });
    await waitFor(() => has(b, 'p-hq-s2'), 1000, 'S02 to have its plan');
    expect(await has(a, 'p-hq-s2')).toBe(false);
    expect(ids((await s1.client.pull<PlanDoc>('plans', undefined, 100)).documents)).not.toContain('p-hq-s2');
    // HQ drafts stay at HQ until published.
    await hq.admin.push('plans', [{ newDocumentState: planDoc('p-hq-draft', '') }]);
    expect(ids((await s2.client.pull<PlanDoc>('plans', undefined, 100)).documents)).not.toContain('p-hq-draft');

    // Publishing later (to all) reaches the store that could not see it before.
    expect(await hq.admin.request('POST', '/hq/publish/plans', { ids: ['p-hq-s2', 'p-hq-draft'], targets: 'all' })).toEqual({ published: 2 });
    await waitFor(async () => (await has(a, 'p-hq-s2')) && (await has(a, 'p-hq-draft')), 1000, 'S01 to get the newly published plans');
    expect((await refusal(hq.admin.request('POST', '/hq/publish/plans', { ids: ['p-s1'], targets: 'all' }))).code).toBe('SY_BAD_REQUEST');
    expect((await refusal(hq.admin.push('plans', [{ newDocumentState: planDoc('p-z', '') }], { targets: ['S77'] }))).code).toBe('SY_UNKNOWN_STORE');
  });
});

describe('rate limit', () => {
  it('refuses a credential over its rate with SY_RATE_LIMITED and Retry-After', async () => {
    const limited = await startHarness({ database: `sqlite:${dir.path}/limited.sqlite`, rateLimit: { perSecond: 1, burst: 3 } });
    onTestFinished(() => limited.close());
    const store = await limited.createStore('S01');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await http(`${limited.url}/sync/plans/pull`, { token: store.token });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.body.error?.code).toBe('SY_RATE_LIMITED');
    expect(last?.headers.get('retry-after')).toBe('1');

    // Bad tokens are counted per address: after 50 the server stops looking them up.
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 60; i++) codes.push((await http(`${limited.url}/sync/plans/pull`, { token: 'cdt_wrong' })).body.error?.code);
    expect(codes.slice(0, 50).every((c) => c === 'SY_UNAUTHORIZED')).toBe(true);
    expect(codes.filter((c) => c === 'SY_RATE_LIMITED').length).toBeGreaterThanOrEqual(5);
  });
});
