import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { storeOverridePaths } from './plan-locks.ts';
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
  storeId: 'S01',
  ...over,
});

describe('HQ-locked plan fields', () => {
  it('lets a store change only its own entry of storeOverrides, and in it only what HQ allows', () => {
    const canWrite = storeOverridePaths('S01', plan({ overridable: ['quietHours', 'timeZone'] }));
    expect(canWrite(['storeOverrides', 'S01', 'quietHours'])).toBe(true);
    expect(canWrite(['storeOverrides', 'S01', 'quietHours', 'start'])).toBe(true);
    expect(canWrite(['storeOverrides', 'S01', 'timeZone'])).toBe(true);
    for (const locked of [
      ['storeOverrides', 'S01', 'maxRate'], ['storeOverrides', 'S02', 'quietHours'], ['storeOverrides', 'S01'], ['storeOverrides'],
      ['limits', 'quietHours'], ['limits'], ['time', 'timeZone'], ['overridable'], ['name'], ['status'], ['storeId'], ['_deleted'], ['version'], ['nextFireAt'],
    ]) {
      expect(canWrite(locked), locked.join('.')).toBe(false);
    }
    expect(storeOverridePaths('S01', plan())(['storeOverrides', 'S01', 'quietHours'])).toBe(false);
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
  const allowing = (over: Doc = {}) => plan({ overridable: ['quietHours', 'maxRate', 'timeZone'], ...over });

  it('writes a store’s first overrides of the fields HQ allows', () => {
    const pushed = allowing({ storeOverrides: { S01: { quietHours: { start: '21:00', end: '08:00' }, timeZone: 'Asia/Urumqi' } } });
    expect(plansRule(row({ master: allowing(), assumed: allowing(), pushed }))).toEqual({ kind: 'write', doc: pushed });
  });

  it('drops overrides HQ does not allow, another store’s entry and edits of locked fields', () => {
    const master = plan({ overridable: ['maxRate'] });
    const pushed = plan({
      overridable: ['maxRate', 'timeZone'], name: 'Mine', limits: { maxAttempts: 9 },
      storeOverrides: { S01: { maxRate: 5, timeZone: 'Asia/Urumqi' }, S02: { maxRate: 1 } },
    });
    expect(plansRule(row({ master, assumed: master, pushed }))).toEqual({
      kind: 'write', doc: plan({ overridable: ['maxRate'], storeOverrides: { S01: { maxRate: 5 } } }), note: expect.stringMatching(/HQ-locked/),
    });
    expect(plansRule(row({ master, assumed: master, pushed: plan({ overridable: ['maxRate'], name: 'Mine' }) }))).toMatchObject({ kind: 'keep', note: expect.stringMatching(/HQ-locked/) });
    expect(plansRule(row({ master, assumed: master, pushed: plan({ overridable: ['maxRate'], _deleted: true }) }))).toMatchObject({ kind: 'keep' });
    expect(plansRule(row({ master, assumed: master, pushed: master }))).toEqual({ kind: 'unchanged' });
  });

  it('keeps each store’s overrides of a plan published to many stores apart, and a store clears only its own', () => {
    const both = allowing({ storeOverrides: { S01: { maxRate: 5 }, S02: { maxRate: 9 } } });
    // S02 started from a master without S01's entry: S01's stays.
    const s2 = row({ storeId: 'S02', master: allowing({ storeOverrides: { S01: { maxRate: 5 } } }), assumed: allowing(), pushed: allowing({ storeOverrides: { S02: { maxRate: 9 } } }) });
    expect(plansRule(s2)).toEqual({ kind: 'write', doc: both });
    const cleared = row({ master: both, assumed: both, pushed: allowing({ storeOverrides: { S02: { maxRate: 9 } } }) });
    expect(plansRule(cleared)).toEqual({ kind: 'write', doc: allowing({ storeOverrides: { S02: { maxRate: 9 } } }) });
  });

  it('applies a store’s stale override over HQ’s newer plan; HQ’s edits stay', () => {
    const master = allowing({ name: 'Renamed by HQ', version: 2 });
    const decision = plansRule(row({ master, assumed: allowing(), pushed: allowing({ name: 'store name', storeOverrides: { S01: { maxRate: 7 } } }) }));
    expect(decision).toEqual({ kind: 'write', doc: allowing({ name: 'Renamed by HQ', version: 2, storeOverrides: { S01: { maxRate: 7 } } }), note: expect.any(String) });
  });

  it('lets HQ win on what it changed and keeps stores’ overrides it did not touch', () => {
    const master = allowing({ storeOverrides: { S01: { quietHours: { start: '22:00', end: '07:00' } } } });
    const pushed = allowing({ name: 'HQ name', version: 2 });
    expect(plansRule(row({ by: 'hq', storeId: '', master, assumed: allowing(), pushed }))).toEqual({ kind: 'write', doc: { ...master, name: 'HQ name', version: 2 } });
    expect(plansRule(row({ by: 'hq', storeId: '', master, assumed: master, pushed }))).toEqual({ kind: 'write', doc: pushed });
    expect(plansRule(row({ by: 'hq', storeId: '', master, assumed: null, pushed }))).toEqual({ kind: 'keep' });
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
