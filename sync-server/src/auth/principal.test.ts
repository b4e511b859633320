import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { HQ_ROLES, requireAction, type Action, type Principal } from './principal.ts';

const ACTIONS: Action[] = ['pull', 'push', 'publish', 'manage', 'list-stores'];
const principals: Principal[] = [
  { kind: 'store', credentialId: 'c', storeId: 'S01' },
  ...HQ_ROLES.map((role): Principal => ({ kind: 'hq', credentialId: 'c', userId: 'u', role })),
];

function refusal(principal: Principal, action: Action): CampaignError | null {
  try {
    requireAction(principal, action);
    return null;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
}

describe('requireAction', () => {
  it('refuses with SY_FORBIDDEN whose role and action are keys, worded in both locales', () => {
    let refused = 0;
    for (const principal of principals) {
      for (const action of ACTIONS) {
        const error = refusal(principal, action);
        if (!error) continue;
        refused++;
        const role = principal.kind === 'store' ? 'store' : principal.role;
        expect(error.code).toBe('SY_FORBIDDEN');
        expect(error.params).toEqual({ role, action });
        const zh = error.localized('zh-CN');
        expect(zh, `${role} ${action}`).toMatch(/^[^A-Za-z]+凭据不能[^A-Za-z]+。$/);
        expect(error.message, `${role} ${action}`).toMatch(/^This (store|HQ [a-z-]+) credential may not [a-z ,]+\.$/);
        expect(error.message).not.toContain('undefined');
      }
    }
    expect(refused).toBeGreaterThan(5);
  });

  it('words a read-only user pushing and a store publishing', () => {
    const readOnly = refusal({ kind: 'hq', credentialId: 'c', userId: 'u', role: 'read-only' }, 'push')!;
    expect(readOnly.message).toBe('This HQ read-only credential may not write documents.');
    expect(readOnly.localized('zh-CN')).toBe('总部只读凭据不能写入文档。');
    const store = refusal(principals[0]!, 'publish')!;
    expect(store.message).toBe('This store credential may not publish documents to stores.');
    expect(store.localized('zh-CN')).toBe('门店凭据不能向门店发布文档。');
  });
});
