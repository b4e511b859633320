import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { isStoreOverride, PLAN_STORE_OVERRIDES } from './plan-locks.ts';
import { appendOnly, grantsMerge, masterWins, plansRule, ruleFor, type Doc, type PushedRow } from './rules.ts';
import { threeWayMerge } from './three-way-merge.ts';

const plan = (over: Doc = {}): Doc => ({
  id: 'P1',
  storeId: '',
  name: 'Member day',
  status: 'active',
  limits: { maxAttempts: 3 },
  time: { timeZone: 'Asia/Shanghai', effective: {} },
  version: 1,
  _deleted: false,
  ...over,
});

const row = (over: Partial<PushedRow>): PushedRow => ({
  collection: 'plans',
  id: 'P1',
  by: 'store',
  master: plan(),
  assumed: plan(),
  pushed: plan(),
  publishedToPusherOnly: true,
  ...over,
});

describe('HQ-locked plan fields', () => {
  it('lets stores change quiet hours, rate and time zone only', () => {
    expect(PLAN_STORE_OVERRIDES.map((p) => p.join('.'))).toEqual(['limits.quietHours', 'limits.maxRate', 'time.timeZone']);
    expect(isStoreOverride(['limits', 'quietHours'])).toBe(true);
    expect(isStoreOverride(['limits', 'quietHours', 'start'])).toBe(true);
    expect(isStoreOverride(['time', 'timeZone'])).toBe(true);
    for (const locked of [['limits'], ['limits', 'maxAttempts'], ['limits', 'frequencyCap'], ['time'], ['time', 'period'], ['name'], ['status'], ['storeId'], ['_deleted'], ['version']]) {
      expect(isStoreOverride(locked), locked.join('.')).toBe(false);
    }
  });

  it('merges what a pusher changed onto a newer master, field by field', () => {
    const base = { a: 1, o: { x: 1, y: 1 }, arr: [1] };
    const master = { a: 2, o: { x: 1, y: 2 }, arr: [1] };
    const next = { a: 1, o: { x: 5, y: 1 }, arr: [1, 2], added: true };
    expect(threeWayMerge(master, base, next, () => true)).toEqual({ a: 2, o: { x: 5, y: 2 }, arr: [1, 2], added: true });
    expect(threeWayMerge(master, base, next, (p) => p[0] === 'o')).toEqual({ ...master, o: { x: 5, y: 2 } });
    expect(threeWayMerge({ a: 1, gone: 1 }, { a: 1, gone: 1 }, { a: 1 }, () => true)).toEqual({ a: 1 });
  });
});

describe('plan conflict rule', () => {
  it('writes a store’s override of a plan published to it alone', () => {
    const pushed = plan({ limits: { maxAttempts: 3, quietHours: { start: '21:00', end: '08:00' } }, time: { timeZone: 'Asia/Urumqi', effective: {} } });
    expect(plansRule(row({ pushed }))).toEqual({ kind: 'write', doc: pushed });
  });

  it('drops a store’s edits of locked fields, keeping its overrides', () => {
    const pushed = plan({ name: 'Mine', status: 'paused', version: 2, limits: { maxAttempts: 9, maxRate: 5 } });
    const decision = plansRule(row({ pushed }));
    expect(decision).toMatchObject({ kind: 'write', doc: plan({ limits: { maxAttempts: 3, maxRate: 5 } }) });
    expect(plansRule(row({ pushed: plan({ name: 'Mine' }) }))).toMatchObject({ kind: 'keep', note: expect.stringMatching(/HQ-locked/) });
    expect(plansRule(row({ pushed: plan({ _deleted: true }) }))).toMatchObject({ kind: 'keep' });
  });

  it('drops overrides of a plan shared with other stores', () => {
    const decision = plansRule(row({ publishedToPusherOnly: false, pushed: plan({ limits: { maxAttempts: 3, maxRate: 5 } }) }));
    expect(decision).toMatchObject({ kind: 'keep', note: expect.stringMatching(/other stores/) });
  });

  it('applies a store’s stale override over HQ’s newer plan; HQ’s locked edits stay', () => {
    const master = plan({ name: 'Renamed by HQ', version: 2 });
    const decision = plansRule(row({ master, pushed: plan({ name: 'store name', limits: { maxAttempts: 3, maxRate: 7 } }) }));
    expect(decision).toEqual({ kind: 'write', doc: plan({ name: 'Renamed by HQ', version: 2, limits: { maxAttempts: 3, maxRate: 7 } }), note: expect.any(String) });
  });

  it('lets HQ win on what it changed and keeps a store’s overrides it did not touch', () => {
    const master = plan({ limits: { maxAttempts: 3, quietHours: { start: '22:00', end: '07:00' } } });
    const pushed = plan({ name: 'HQ name', version: 2 });
    expect(plansRule(row({ by: 'hq', master, assumed: plan(), pushed }))).toEqual({ kind: 'write', doc: { ...master, name: 'HQ name', version: 2 } });
    expect(plansRule(row({ by: 'hq', master, assumed: master, pushed }))).toEqual({ kind: 'write', doc: pushed });
    expect(plansRule(row({ by: 'hq', master, assumed: null, pushed }))).toEqual({ kind: 'keep' });
  });

  it('keeps store plans master-wins', () => {
    const master = plan({ storeId: 'S01' });
    expect(plansRule(row({ master, assumed: plan({ storeId: 'S01', name: 'old' }), pushed: plan({ storeId: 'S01', name: 'x' }) }))).toEqual({ kind: 'keep' });
    expect(ruleFor('customers')).toBe(masterWins);
  });
});

describe('append-only and grant rules', () => {
  const record = { id: 'R1', type: 'granted', _deleted: false };
  it('accepts first inserts and repeats, refuses changes and deletions', () => {
    expect(appendOnly(row({ collection: 'operationRecords', master: undefined, assumed: null, pushed: record }))).toEqual({ kind: 'write', doc: record });
    expect(appendOnly(row({ collection: 'operationRecords', master: record, assumed: null, pushed: record }))).toEqual({ kind: 'unchanged' });
    for (const pushed of [{ ...record, type: 'used' }, { ...record, _deleted: true }]) {
      let error: unknown;
      try {
        appendOnly(row({ collection: 'operationRecords', master: record, assumed: record, pushed }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CampaignError);
      expect((error as CampaignError).code).toBe('SY_APPEND_ONLY');
    }
  });

  it('merges grants by lifecycle: used at one side and expired at the other ends used', () => {
    const granted = { id: 'G1', state: 'granted', seq: 2, usedAt: null, updatedAt: 10, _deleted: false };
    const used = { ...granted, state: 'used', seq: 3, usedAt: 20, updatedAt: 20 };
    const expired = { ...granted, state: 'expired', seq: 3, updatedAt: 30 };
    expect(grantsMerge(row({ collection: 'grants', master: expired, assumed: granted, pushed: used }))).toMatchObject({ kind: 'write', doc: used });
    expect(grantsMerge(row({ collection: 'grants', master: used, assumed: granted, pushed: expired }))).toEqual({ kind: 'keep' });
    expect(grantsMerge(row({ collection: 'grants', master: granted, assumed: granted, pushed: expired }))).toEqual({ kind: 'write', doc: expired });
  });
});
