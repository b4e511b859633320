import { nextPackageVersion } from './rights-package.ts';
import { NOW } from './test-fixtures.ts';

const current = (versions: Record<string, number>) => (id: string) => versions[id] ?? null;

describe('rights packages', () => {
  it('pins the current right versions and merges repeated items', () => {
    const v1 = nextPackageVersion(
      null,
      { name: '金卡月礼包', items: [{ rightId: 'coupon', quantity: 2 }, { rightId: 'points' }, { rightId: 'coupon' }] },
      { id: 'pk1', now: NOW, actor: 'u', currentVersion: current({ coupon: 3, points: 1 }) },
    );
    expect(v1.version).toBe(1);
    expect(v1.items).toEqual([
      { rightId: 'coupon', rightVersion: 3, quantity: 3 },
      { rightId: 'points', rightVersion: 1, quantity: 1 },
    ]);
  });

  it('makes a new version on edit and leaves the old one as it was', () => {
    const meta = { id: 'pk1', now: NOW, actor: 'u', currentVersion: current({ coupon: 1 }) };
    const v1 = nextPackageVersion(null, { name: 'A', items: [{ rightId: 'coupon' }] }, meta);
    const v2 = nextPackageVersion(v1, { name: 'B', items: [{ rightId: 'coupon', quantity: 5 }] }, { ...meta, expectedVersion: 1, currentVersion: current({ coupon: 2 }) });
    expect(v2).toMatchObject({ id: 'pk1', version: 2, name: 'B', items: [{ rightId: 'coupon', rightVersion: 2, quantity: 5 }] });
    expect(v1).toMatchObject({ version: 1, name: 'A', items: [{ rightId: 'coupon', rightVersion: 1, quantity: 1 }] });
    expect(() => nextPackageVersion(v2, { name: 'C', items: [{ rightId: 'coupon' }] }, { ...meta, expectedVersion: 1 })).toThrowError(
      expect.objectContaining({ code: 'RT_VERSION_CONFLICT' }),
    );
  });

  it('refuses unknown rights, future versions and empty packages', () => {
    const meta = { id: 'pk', now: NOW, actor: 'u', currentVersion: current({ a: 1 }) };
    expect(() => nextPackageVersion(null, { name: 'x', items: [{ rightId: 'nope' }] }, meta)).toThrowError(expect.objectContaining({ code: 'SYS_NOT_FOUND' }));
    expect(() => nextPackageVersion(null, { name: 'x', items: [{ rightId: 'a', rightVersion: 2 }] }, meta)).toThrowError(expect.objectContaining({ code: 'SYS_NOT_FOUND' }));
    expect(() => nextPackageVersion(null, { name: 'x', items: [] }, meta)).toThrowError(expect.objectContaining({ code: 'RT_INVALID_PARAMS', params: expect.objectContaining({ path: 'items' }) }));
  });
});
