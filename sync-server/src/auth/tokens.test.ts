import { hashToken, newId, newToken } from './tokens.ts';

describe('tokens', () => {
  it('makes long random tokens and stores only their SHA-256', () => {
    const a = newToken();
    expect(a).toMatch(/^cdt_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(newId('cred')).toMatch(/^cred_[A-Za-z0-9_-]{12}$/);
  });
});
