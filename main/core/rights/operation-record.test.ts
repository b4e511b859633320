import fc from 'fast-check';
import { applyGrantEvent, grantAtOnce, type Grant, type GrantEvent } from './grant.ts';
import { adjustmentRecord, balancesOf, grantedAtOnceRecord, reservedRecord, transitionRecord, type OperationRecord } from './operation-record.ts';
import { makeRight, NOW, pointsInput, reservedGrant } from './test-fixtures.ts';

const actor = { type: 'plan', id: 'p1' } as const;

function run(grant: Grant, events: GrantEvent[], records: OperationRecord[]): Grant {
  let g = grant;
  records.push(reservedRecord(g, actor));
  for (const [i, event] of events.entries()) {
    const next = applyGrantEvent(g, event, NOW + i + 1);
    records.push(transitionRecord(g, next, event, actor, null));
    g = next;
  }
  return g;
}

describe('operation records', () => {
  it('writes one record per transition, numbered after the grant', () => {
    const records: OperationRecord[] = [];
    const g = run(reservedGrant(), [{ type: 'commit' }, { type: 'use' }, { type: 'restore' }], records);
    expect(records.map((r) => r.type)).toEqual(['right-reserved', 'right-granted', 'right-used', 'right-restored']);
    expect(records.map((r) => r.id)).toEqual([1, 2, 3, 4].map((n) => `${g.id}.${n}`));
    expect(records[2]).toMatchObject({ fromState: 'granted', toState: 'used', customerId: 'c1', code: g.code, rightKind: 'coupon', planId: 'p1' });
  });

  it('a grant reserved and committed in one step has one record, from nothing to granted, numbered 1', () => {
    const points = makeRight(pointsInput, 'pts');
    const g = grantAtOnce(reservedGrant(points), NOW + 1);
    expect(g).toMatchObject({ state: 'granted', seq: 1, grantedAt: NOW + 1 });
    const record = grantedAtOnceRecord(g, actor);
    expect(record).toMatchObject({ id: `${g.id}.1`, type: 'right-granted', at: NOW + 1, fromState: null, toState: 'granted', pointsDelta: 100 });
    const recovered = applyGrantEvent(g, { type: 'recover' }, NOW + 2);
    const records = [record, transitionRecord(g, recovered, { type: 'recover' }, actor, null)];
    expect(records.map((r) => r.id)).toEqual([`${g.id}.1`, `${g.id}.2`]);
    expect(balancesOf(records)).toEqual({ points: 0, growth: 0 });
    expect(() => grantAtOnce(g, NOW + 3)).toThrow(expect.objectContaining({ code: 'RT_ILLEGAL_TRANSITION' }));
  });

  it('credits points when granted and debits them when recovered', () => {
    const records: OperationRecord[] = [];
    const points = makeRight(pointsInput, 'pts');
    run(reservedGrant(points), [{ type: 'commit' }], records);
    run(reservedGrant(points), [{ type: 'commit' }, { type: 'recover' }], records);
    run(reservedGrant(points), [{ type: 'release' }], records);
    expect(balancesOf(records)).toEqual({ points: 100, growth: 0 });
  });

  it('balance equals the sum of records for any mix of grants and adjustments (property)', () => {
    const points = makeRight(pointsInput, 'pts');
    const growth = makeRight({ name: 'g', kind: 'growth-value', params: { amount: 7 } }, 'gr');
    const step = fc.oneof(
      fc.record({ t: fc.constant('grant' as const), growth: fc.boolean(), then: fc.constantFrom('keep', 'recover', 'release') }),
      fc.record({ t: fc.constant('adjust' as const), points: fc.integer({ min: -300, max: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const records: OperationRecord[] = [];
        let expected = { points: 0, growth: 0 };
        for (const s of steps) {
          if (s.t === 'grant') {
            const right = s.growth ? growth : points;
            const events: GrantEvent[] = s.then === 'release' ? [{ type: 'release' }] : s.then === 'recover' ? [{ type: 'commit' }, { type: 'recover' }] : [{ type: 'commit' }];
            run(reservedGrant(right), events, records);
            if (s.then === 'keep') expected = s.growth ? { ...expected, growth: expected.growth + 7 } : { ...expected, points: expected.points + 100 };
          } else if (s.points !== 0) {
            try {
              records.push(adjustmentRecord({ customerId: 'c1', points: s.points, reason: 'fix' }, balancesOf(records), { id: `adj${records.length}`, now: NOW, actor }));
              expected = { ...expected, points: expected.points + s.points };
            } catch (error) {
              expect((error as { code?: string }).code).toBe('RT_BALANCE_NEGATIVE');
            }
          }
          const balance = balancesOf(records);
          expect(balance).toEqual(expected);
          expect(balance.points).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('refuses an adjustment without a reason or without a change', () => {
    expect(() => adjustmentRecord({ customerId: 'c', points: 5, reason: ' ' }, { points: 0, growth: 0 }, { id: 'a', now: NOW, actor })).toThrowError(
      expect.objectContaining({ code: 'RT_INVALID_PARAMS', params: expect.objectContaining({ path: 'reason' }) }),
    );
    expect(() => adjustmentRecord({ customerId: 'c', reason: 'x' }, { points: 0, growth: 0 }, { id: 'a', now: NOW, actor })).toThrowError(
      expect.objectContaining({ code: 'RT_INVALID_PARAMS' }),
    );
  });
});
