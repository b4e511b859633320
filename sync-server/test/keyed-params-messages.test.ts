// Refusals whose params are keys (SY_FORBIDDEN's `role` and `action`, SY_NOT_FOUND's and
// SY_ALREADY_EXISTS's `what`, SY_UNAUTHORIZED's `reason`, SY_LEASE_CLOSED's `state`) over HTTP: the key in `params`, and
// the message worded in the language the request asks for (no English inside the Chinese).
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { http, startHarness, type Harness, type TestStore } from './harness.ts';

const dir = makeTempDir('campaign-desk-keyed-params-');
let hq: Harness;
let store: TestStore;
let adminToken: string;
let operatorToken: string;
let closedLease: string;

beforeAll(async () => {
  hq = await startHarness({ database: `sqlite:${dir.path}/sync.sqlite`, rateLimit: false, reclaimEveryMs: false });
  store = await hq.createStore('S01');
  adminToken = (await hq.admin.request<{ token: string }>('POST', '/hq/users', { id: 'boss', name: 'Boss', role: 'admin' })).token;
  operatorToken = (await hq.admin.request<{ token: string }>('POST', '/hq/users', { id: 'op', name: 'Operator', role: 'operator' })).token;
  await hq.admin.request('POST', '/hq/allotments', { id: 'coupons', ownerType: 'right', ownerId: 'R-1', total: 10 });
  const { lease } = await store.client.request<{ lease: { id: string } }>('POST', '/allotments/coupons/leases', { requestId: 'r1', units: 2 });
  await store.client.request('POST', `/allotments/leases/${lease.id}/return`, { consumed: 1 });
  closedLease = lease.id;
});
afterAll(async () => {
  await hq?.close();
  dir.remove();
});

interface Case {
  what: string;
  method?: string;
  path: string;
  token?: () => string;
  body?: unknown;
  status: number;
  code: string;
  params: Record<string, unknown>;
  en: string;
  zh: string;
}

const cases: Case[] = [
  {
    what: 'a store reading HQ’s allotments',
    path: '/hq/allotments',
    token: () => store.token,
    status: 403,
    code: 'SY_FORBIDDEN',
    params: { role: 'store', action: 'read-hq-allotments' },
    en: 'This store credential may not read HQ’s chain stocks and all leases.',
    zh: '门店凭据不能查看总部的全链库存和所有租约。',
  },
  {
    what: 'HQ asking for a store’s leases',
    path: '/allotments',
    token: () => operatorToken,
    status: 403,
    code: 'SY_FORBIDDEN',
    params: { role: 'operator', action: 'hold-leases' },
    en: 'This HQ operator credential may not hold leases of chain stock (only stores do).',
    zh: '总部运营凭据不能持有全链库存的份额租约（仅限门店）。',
  },
  {
    what: 'HQ leasing chain stock',
    method: 'POST',
    path: '/allotments/coupons/leases',
    token: () => operatorToken,
    body: { requestId: 'r3', units: 1 },
    status: 403,
    code: 'SY_FORBIDDEN',
    params: { role: 'operator', action: 'lease-chain-stock' },
    en: 'This HQ operator credential may not lease chain stock (only stores do).',
    zh: '总部运营凭据不能租用全链库存份额（仅限门店）。',
  },
  {
    what: 'an unknown route',
    path: '/no/such/route',
    token: () => store.token,
    status: 404,
    code: 'SY_NOT_FOUND',
    params: { what: 'route', id: 'GET /no/such/route' },
    en: 'No route "GET /no/such/route" on the sync server.',
    zh: '同步服务器上没有接口“GET /no/such/route”。',
  },
  {
    what: 'leasing from an unknown chain stock',
    method: 'POST',
    path: '/allotments/nothing/leases',
    token: () => store.token,
    body: { requestId: 'r2', units: 1 },
    status: 404,
    code: 'SY_NOT_FOUND',
    params: { what: 'chain-stock', id: 'nothing' },
    en: 'No chain stock "nothing" on the sync server.',
    zh: '同步服务器上没有全链库存“nothing”。',
  },
  {
    what: 'a store created twice',
    method: 'POST',
    path: '/hq/stores',
    token: () => adminToken,
    body: { id: 'S01', name: 'again' },
    status: 409,
    code: 'SY_ALREADY_EXISTS',
    params: { what: 'store', id: 'S01' },
    en: 'A store "S01" already exists on the sync server.',
    zh: '同步服务器上已有门店“S01”。',
  },
  {
    what: 'a chain stock created twice',
    method: 'POST',
    path: '/hq/allotments',
    token: () => adminToken,
    body: { id: 'coupons', ownerType: 'right', ownerId: 'R-1', total: 10 },
    status: 409,
    code: 'SY_ALREADY_EXISTS',
    params: { what: 'chain-stock', id: 'coupons' },
    en: 'A chain stock "coupons" already exists on the sync server.',
    zh: '同步服务器上已有全链库存“coupons”。',
  },
  {
    what: 'a request without a token',
    path: '/sync/plans/pull',
    status: 401,
    code: 'SY_UNAUTHORIZED',
    params: { reason: 'no-bearer' },
    en: 'The sync server needs a valid credential (Authorization: Bearer TOKEN): the request has no Authorization: Bearer header.',
    zh: '同步服务器需要有效凭据（Authorization: Bearer 令牌）：请求缺少 Authorization: Bearer 请求头。',
  },
  {
    what: 'an unknown token',
    path: '/sync/plans/pull',
    token: () => 'x'.repeat(40),
    status: 401,
    code: 'SY_UNAUTHORIZED',
    params: { reason: 'unknown-token' },
    en: 'The sync server needs a valid credential (Authorization: Bearer TOKEN): the token is not known.',
    zh: '同步服务器需要有效凭据（Authorization: Bearer 令牌）：令牌无法识别。',
  },
  {
    what: 'a report on a returned lease',
    method: 'POST',
    path: '/allotments/leases/:closed/report',
    token: () => store.token,
    body: { consumed: 2 },
    status: 409,
    code: 'SY_LEASE_CLOSED',
    params: { state: 'returned' },
    en: 'Lease :closed is already closed (returned); it takes no more reports.',
    zh: '份额租约 :closed 已关闭（已归还），不再接受上报。',
  },
];

/** The Chinese message without the parts that are data or protocol, which may be Latin. */
const withoutData = (message: string, params: Record<string, unknown>) =>
  Object.entries(params)
    .filter(([name]) => name === 'id' || name === 'lease')
    .reduce((text, [, value]) => text.split(String(value)).join(''), message)
    .replace(/Authorization: Bearer/g, '');

describe('refusals with key-valued params', () => {
  for (const c of cases) {
    it(`words ${c.what} in zh-CN and en`, async () => {
      const fill = (text: string) => text.split(':closed').join(closedLease);
      const params = { ...c.params, ...(c.code === 'SY_LEASE_CLOSED' ? { lease: closedLease } : {}) };
      const ask = async (language: string) => {
        const init = { method: c.method, token: c.token?.(), headers: { 'accept-language': language }, ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }) };
        const answer = await http(`${hq.url}${fill(c.path)}`, init);
        expect(answer.status).toBe(c.status);
        const error = answer.body.error as { code: string; message: string; params: Record<string, unknown> };
        expect(error.code).toBe(c.code);
        expect(error.params).toEqual(params);
        return error.message;
      };
      const zh = await ask('zh-CN,zh;q=0.9');
      expect(zh).toBe(fill(c.zh));
      expect(withoutData(zh, params)).not.toMatch(/[A-Za-z]/);
      expect(await ask('en-US')).toBe(fill(c.en));
    });
  }
});
