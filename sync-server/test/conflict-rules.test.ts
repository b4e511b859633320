// The per-collection conflict rules over HTTP on a real server (SQLite): append-only records,
// grants merged along their lifecycle, HQ-locked plan fields; refusals change nothing stored.
import { CampaignError } from '../../main/core/errors/campaign-error.ts';
import type { PlanDoc } from '../../main/db/schemas/plans.ts';
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { grantWire, planDoc, type Wire } from './fixtures.ts';
import { http, startHarness, type Harness, type TestStore } from './harness.ts';

const dir = makeTempDir('campaign-desk-rules-');
const logs: string[] = [];
let hq: Harness;
let s1: TestStore;
let s2: TestStore;

beforeAll(async () => {
  hq = await startHarness({ database: `sqlite:${dir.path}/sync.sqlite`, rateLimit: false, logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } } });
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

const record = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  type: 'right-granted',
  at: 1_773_108_000_000,
  customerId: 'C1',
  grantId: 'G1',
  code: null,
  rightId: 'R1',
  rightVersion: 1,
  rightName: 'Coupon',
  rightKind: 'coupon',
  packageId: null,
  packageVersion: null,
  planId: null,
  runId: null,
  occurrence: null,
  fromState: 'reserved',
  toState: 'granted',
  actor: { type: 'plan', id: 'P1' },
  reason: null,
  pointsDelta: 0,
  growthDelta: 0,
  corrects: null,
  planKey: '',
  _deleted: false,
  ...over,
});

const grant = (state: string, seq: number) => grantWire('G-merge', state, seq);

describe('append-only records', () => {
  it('accepts first inserts and their repeats, refuses changes and deletions (logged), changing nothing', async () => {
    expect(await s1.client.push('operationRecords', [{ newDocumentState: record('OR-1') }, { newDocumentState: record('OR-2') }])).toEqual([]);
    // A client that lost the answer sends the insert again: acknowledged, nothing rewritten.
    expect(await s1.client.push('operationRecords', [{ newDocumentState: record('OR-1') }])).toEqual([]);
    const before = await hq.server.documents.list('operationRecords');
    const checkpoint = (await hq.admin.pull('operationRecords', undefined, 100)).checkpoint;

    const changed = await refusal(s1.client.push('operationRecords', [{ newDocumentState: record('OR-3') }, { newDocumentState: record('OR-1', { reason: 'edited' }), assumedMasterState: record('OR-1') }]));
    expect(changed.code).toBe('SY_APPEND_ONLY');
    expect(changed.params).toEqual({ collection: 'operationRecords', id: 'OR-1' });
    expect(changed.message).toBe('Document OR-1 in operationRecords is append-only: once written it is never changed or deleted; refused.');
    const deleted = await http(`${hq.url}/sync/operationRecords/push`, { method: 'POST', token: s1.token, body: JSON.stringify([{ newDocumentState: record('OR-2', { _deleted: true }), assumedMasterState: record('OR-2') }]), headers: { 'accept-language': 'zh-CN' } });
    expect(deleted.status).toBe(409);
    expect(deleted.body.error).toMatchObject({ code: 'SY_APPEND_ONLY', message: 'operationRecords 中的文档 OR-2 只能追加：写入后不能修改或删除，已拒绝。' });
    // HQ may not rewrite them either.
    expect((await refusal(hq.admin.push('operationRecords', [{ newDocumentState: record('OR-2', { toState: 'used' }), assumedMasterState: record('OR-2') }]))).code).toBe('SY_APPEND_ONLY');

    expect(await hq.server.documents.list('operationRecords')).toEqual(before);
    expect((await hq.admin.pull('operationRecords', checkpoint, 100)).documents).toEqual([]);
    const refused = logs.map((l) => JSON.parse(l) as { code?: string; storeId?: string }).filter((l) => l.code === 'SY_APPEND_ONLY');
    expect(refused.map((l) => l.storeId ?? 'HQ')).toEqual(['S01', 'S01', 'HQ']);
  });

  it('refuses malformed and oversized record pushes without storing anything', async () => {
    const before = await hq.server.documents.list('operationRecords');
    const push = (body: string) => http(`${hq.url}/sync/operationRecords/push`, { method: 'POST', token: s1.token, body });
    const invalid = await push(JSON.stringify([{ newDocumentState: record('OR-9') }, { newDocumentState: record('OR-10', { type: 'made-up' }) }]));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error?.code).toBe('SY_INVALID_DOCUMENT');
    expect(invalid.body.error?.message).toMatch(/OR-10.*\/type/);
    expect((await push('[{"newDocumentState": 1}]')).body.error?.code).toBe('SY_BAD_REQUEST');
    const huge = await push(JSON.stringify(Array.from({ length: 900 }, (_, i) => ({ newDocumentState: record(`OR-big-${i}`, { reason: 'x'.repeat(1000) }) }))).concat(' '.repeat(4 * 1024 * 1024)));
    expect(huge.status).toBe(413);
    expect(huge.body.error?.code).toBe('SY_PAYLOAD_TOO_LARGE');
    expect(await hq.server.documents.list('operationRecords')).toEqual(before);
  });
});

describe('grants merge along their lifecycle', () => {
  it('answers a pusher whose expiry lost to a use with the used grant, and writes a winning push as the master', async () => {
    expect(await s1.client.push('grants', [{ newDocumentState: grant('granted', 2) }])).toEqual([]);
    // The till uses it (seq 3)...
    expect(await s1.client.push('grants', [{ newDocumentState: grant('used', 3), assumedMasterState: grant('granted', 2) }])).toEqual([]);
    // ...while HQ's sweep, still on the granted state, expires it: the use wins, HQ gets it back.
    expect(await hq.admin.push('grants', [{ newDocumentState: grant('expired', 3), assumedMasterState: grant('granted', 2) }])).toEqual([grant('used', 3)]);
    expect((await hq.server.documents.list('grants')).find((g) => g.id === 'G-merge')).toEqual(grant('used', 3));
    // A restore seen later (seq 4) wins over the stored use, and is written.
    expect(await hq.admin.push('grants', [{ newDocumentState: grant('restored', 4), assumedMasterState: grant('granted', 2) }])).toEqual([]);
    expect((await hq.server.documents.list('grants')).find((g) => g.id === 'G-merge')).toMatchObject({ state: 'restored', seq: 4 });
    const notices = logs.map((l) => JSON.parse(l) as { code?: string; reason?: string }).filter((l) => l.code === 'conflict-rule');
    expect(notices.at(-1)?.reason).toMatch(/restored \(seq 4\) wins over used \(seq 3\)/);
  });
});

describe('HQ-locked plan fields', () => {
  it('keeps each store’s overrides of a shared plan apart, only where HQ allows them', async () => {
    const shared = planDoc('P-shared', '', { limits: {}, overridable: ['quietHours'] });
    const own = planDoc('P-own', '', { limits: {} });
    await hq.admin.push('plans', [{ newDocumentState: shared }], { targets: 'all' });
    await hq.admin.push('plans', [{ newDocumentState: own }], { targets: ['S01'] });
    const quiet = (p: Wire<PlanDoc>, storeId: string, start: string): Wire<PlanDoc> => ({ ...p, storeOverrides: { ...p.storeOverrides, [storeId]: { quietHours: { start, end: '08:00' } } } });
    // Both stores set their own quiet hours on the shared plan: both stay.
    expect(await s1.client.push('plans', [{ newDocumentState: quiet(shared, 'S01', '22:00'), assumedMasterState: shared }])).toEqual([]);
    const afterS1 = quiet(shared, 'S01', '22:00');
    expect(await s2.client.push('plans', [{ newDocumentState: quiet(shared, 'S02', '23:00'), assumedMasterState: shared }])).toEqual([quiet(afterS1, 'S02', '23:00')]);
    // HQ allows nothing on P-own: S01's override and its edit of the plan's own quiet hours are dropped.
    expect(await s1.client.push('plans', [{ newDocumentState: { ...quiet(own, 'S01', '21:00'), limits: { quietHours: { start: '21:00', end: '08:00' } } }, assumedMasterState: own }])).toEqual([own]);
    // S02 cannot see P-own, so it cannot touch it.
    expect((await refusal(s2.client.push('plans', [{ newDocumentState: quiet(own, 'S02', '21:00'), assumedMasterState: own }]))).code).toBe('SY_READ_ONLY_DOCUMENT');
    const stored = new Map((await hq.server.documents.list('plans')).map((p) => [p.id, p]));
    expect(stored.get('P-shared')).toEqual(quiet(afterS1, 'S02', '23:00'));
    expect(stored.get('P-own')).toEqual(own);
    expect(logs.some((l) => /edits of HQ-locked fields of plan P-own dropped/.test(l))).toBe(true);
  });
});
