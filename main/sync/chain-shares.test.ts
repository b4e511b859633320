import { CampaignError } from '../core/errors/campaign-error.ts';
import { ChainShares } from './chain-shares.ts';
import { SyncHttpClient } from './sync-http-client.ts';

describe('ChainShares at HQ', () => {
  it('refuses to lease chain stock with SY_FORBIDDEN worded in both locales', async () => {
    const http = new SyncHttpClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    const shares = new ChainShares(http, { kind: 'hq', userId: 'u', role: 'operator', credentialId: 'c' }, null, () => 0);
    const error = await shares.request('coupons', 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CampaignError);
    const refusal = error as CampaignError;
    expect(refusal.code).toBe('SY_FORBIDDEN');
    expect(refusal.params).toEqual({ role: 'operator', action: 'lease-chain-stock' });
    expect(refusal.message).toBe('This HQ operator credential may not lease chain stock (only stores do).');
    expect(refusal.localized('zh-CN')).toBe('总部运营凭据不能租用全链库存份额（仅限门店）。');
  });
});
