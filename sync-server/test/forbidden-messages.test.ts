// SY_FORBIDDEN from the allotment routes and store over HTTP: 403, `action` a key, and the
// message worded in the language the request asks for (no English inside the Chinese).
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { http, startHarness, type Harness, type TestStore } from './harness.ts';

const dir = makeTempDir('campaign-desk-forbidden-');
let hq: Harness;
let store: TestStore;
let operatorToken: string;

beforeAll(async () => {
  hq = await startHarness({ database: `sqlite:${dir.path}/sync.sqlite`, rateLimit: false, reclaimEveryMs: false });
  store = await hq.createStore('S01');
  operatorToken = (await hq.admin.request<{ token: string }>('POST', '/hq/users', { id: 'op', name: 'Operator', role: 'operator' })).token;
  await hq.admin.request('POST', '/hq/allotments', { id: 'coupons', ownerType: 'right', ownerId: 'R-1', total: 10 });
});
afterAll(async () => {
  await hq?.close();
  dir.remove();
});

async function refused(path: string, token: string, language: string, body?: unknown) {
  const init = { token, headers: { 'accept-language': language }, ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }) };
  const answer = await http(`${hq.url}${path}`, init);
  expect(answer.status).toBe(403);
  const error = answer.body.error as { code: string; message: string; params: Record<string, unknown> };
  expect(error.code).toBe('SY_FORBIDDEN');
  return error;
}

describe('SY_FORBIDDEN of the allotments', () => {
  const cases = [
    {
      what: 'a store reading HQ’s allotments',
      path: '/hq/allotments',
      token: () => store.token,
      params: { role: 'store', action: 'read-hq-allotments' },
      en: 'This store credential may not read HQ’s chain stocks and all leases.',
      zh: '门店凭据不能查看总部的全链库存和所有租约。',
    },
    {
      what: 'HQ asking for a store’s leases',
      path: '/allotments',
      token: () => operatorToken,
      params: { role: 'operator', action: 'hold-leases' },
      en: 'This HQ operator credential may not hold leases of chain stock (only stores do).',
      zh: '总部运营凭据不能持有全链库存的份额租约（仅限门店）。',
    },
    {
      what: 'HQ leasing chain stock',
      path: '/allotments/coupons/leases',
      token: () => operatorToken,
      body: { requestId: 'r1', units: 1 },
      params: { role: 'operator', action: 'lease-chain-stock' },
      en: 'This HQ operator credential may not lease chain stock (only stores do).',
      zh: '总部运营凭据不能租用全链库存份额（仅限门店）。',
    },
  ];

  for (const c of cases) {
    it(`words ${c.what} in zh-CN and en`, async () => {
      const zh = await refused(c.path, c.token(), 'zh-CN,zh;q=0.9', c.body);
      expect(zh.params).toEqual(c.params);
      expect(zh.message).toBe(c.zh);
      expect(zh.message).not.toMatch(/[A-Za-z]/);
      const en = await refused(c.path, c.token(), 'en-US', c.body);
      expect(en.params).toEqual(c.params);
      expect(en.message).toBe(c.en);
    });
  }
});
