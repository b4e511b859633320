import { CampaignError } from '../errors/campaign-error.ts';
import { applyGrantEvent, isDue, type Grant, type GrantEvent } from './grant.ts';
import { GRANT_EVENTS, GRANT_STATES, TRANSITIONS, type GrantEventType, type GrantState } from './grant-state.ts';
import { couponInput, DAY, HOUR, makeRight, NOW, pointsInput, reservedGrant } from './test-fixtures.ts';

/** A coupon grant brought to `state` by legal events. */
function grantIn(state: GrantState): Grant {
  const g = reservedGrant();
  const step = (grant: Grant, event: GrantEvent, at = NOW + HOUR) => applyGrantEvent(grant, event, at);
  switch (state) {
    case 'reserved':
      return g;
    case 'released':
      return step(g, { type: 'release' });
    case 'granted':
      return step(g, { type: 'commit' });
    case 'used':
      return step(step(g, { type: 'commit' }), { type: 'use' }, NOW + 2 * HOUR);
    case 'expired':
      return step(step(g, { type: 'commit' }), { type: 'expire' }, NOW + 40 * DAY);
    case 'recovered':
      return step(step(g, { type: 'commit' }), { type: 'recover' }, NOW + 2 * HOUR);
    case 'restored':
      return step(step(step(g, { type: 'commit' }), { type: 'use' }, NOW + 2 * HOUR), { type: 'restore' }, NOW + 3 * HOUR);
  }
}

/** An instant at which `event` is legal for a grant in `state` (expiry needs a late one). */
function whenLegal(event: GrantEventType): number {
  return event === 'expire' ? NOW + 60 * DAY : NOW + 5 * HOUR;
}

const illegalCode: Partial<Record<GrantEventType, Partial<Record<GrantState, string>>>> = {
  use: { reserved: 'RT_NOT_GRANTED', released: 'RT_NOT_GRANTED', used: 'RT_ALREADY_USED', expired: 'RT_EXPIRED', recovered: 'RT_RECOVERED' },
  recover: { reserved: 'RT_NOT_GRANTED', released: 'RT_NOT_GRANTED', used: 'RT_ALREADY_USED', expired: 'RT_EXPIRED', recovered: 'RT_RECOVERED' },
  restore: { reserved: 'RT_NOT_USED', released: 'RT_NOT_USED', granted: 'RT_NOT_USED', expired: 'RT_NOT_USED', recovered: 'RT_NOT_USED', restored: 'RT_NOT_USED' },
};

function errorOf(fn: () => unknown): CampaignError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected a CampaignError');
}

describe('grant state machine', () => {
  for (const state of GRANT_STATES) {
    for (const event of GRANT_EVENTS) {
      const to = TRANSITIONS[state][event];
      if (to) {
        it(`${state} --${event}--> ${to}`, () => {
          const before = grantIn(state);
          const after = applyGrantEvent(before, { type: event }, whenLegal(event));
          expect(after.state).toBe(to);
          expect(after.seq).toBe(before.seq + 1);
          expect(before.state).toBe(state);
        });
      } else {
        const code = illegalCode[event]?.[state] ?? 'RT_ILLEGAL_TRANSITION';
        it(`${state} --${event}--> refused with ${code}`, () => {
          const before = grantIn(state);
          const error = errorOf(() => applyGrantEvent(before, { type: event }, whenLegal(event)));
          expect(error.code).toBe(code);
          expect(error.params.grant).toBe(before.id);
        });
      }
    }
  }

  it('covers every state and event pair', () => {
    const pairs = GRANT_STATES.flatMap((s) => GRANT_EVENTS.map((e) => `${s}:${e}`));
    expect(pairs).toHaveLength(42);
  });

  it('computes the expiry when committing: 30 days counting the grant day, ending at local midnight', () => {
    const g = applyGrantEvent(reservedGrant(), { type: 'commit' }, NOW);
    // Granted 2026-03-10 10:00 Shanghai; day 30 is 2026-04-08; expires at 2026-04-09 00:00 +08:00.
    expect(new Date(g.expiresAt ?? 0).toISOString()).toBe('2026-04-08T16:00:00.000Z');
    expect(g.validFrom).toBe(NOW);
    expect(g.grantedAt).toBe(NOW);
  });

  it('refuses to use a right past its expiry even before the sweep marked it', () => {
    const g = applyGrantEvent(reservedGrant(), { type: 'commit' }, NOW);
    const error = errorOf(() => applyGrantEvent(g, { type: 'use' }, g.expiresAt ?? 0));
    expect(error.code).toBe('RT_EXPIRED');
    expect(error.params.expiredAt).toBe('2026-04-09 00:00');
    expect(isDue(g, g.expiresAt ?? 0)).toBe(true);
    expect(isDue(g, (g.expiresAt ?? 0) - 1)).toBe(false);
  });

  it('refuses to expire a right that is still valid, or one that never expires', () => {
    const g = applyGrantEvent(reservedGrant(), { type: 'commit' }, NOW);
    expect(errorOf(() => applyGrantEvent(g, { type: 'expire' }, NOW + DAY)).code).toBe('RT_NOT_EXPIRED');
    const points = applyGrantEvent(reservedGrant(makeRight(pointsInput)), { type: 'commit' }, NOW);
    expect(points.expiresAt).toBeNull();
    expect(errorOf(() => applyGrantEvent(points, { type: 'expire' }, NOW + 9999 * DAY)).code).toBe('RT_NOT_EXPIRED');
  });

  it('refuses to use points: they are credited, not redeemed', () => {
    const points = applyGrantEvent(reservedGrant(makeRight(pointsInput)), { type: 'commit' }, NOW);
    expect(points.code).toBeNull();
    expect(errorOf(() => applyGrantEvent(points, { type: 'use' }, NOW)).code).toBe('RT_NOT_USABLE');
  });

  it('refuses to use a fixed-window right before its first day', () => {
    const right = makeRight({ ...couponInput, params: { benefit: { type: 'amount-off', amountOff: 500 }, validity: { type: 'fixed', from: '2026-04-01', to: '2026-04-30' } } });
    const g = applyGrantEvent(reservedGrant(right), { type: 'commit' }, NOW);
    const error = errorOf(() => applyGrantEvent(g, { type: 'use' }, NOW));
    expect(error.code).toBe('RT_NOT_YET_VALID');
    expect(error.params.validFrom).toBe('2026-04-01 00:00');
    expect(applyGrantEvent(g, { type: 'use' }, Date.UTC(2026, 3, 1, 0, 0)).state).toBe('used');
  });

  it('restores with the right’s own rule from the restore day, or with a new rule', () => {
    const used = grantIn('used');
    const restoreAt = NOW + 10 * DAY;
    const same = applyGrantEvent(used, { type: 'restore' }, restoreAt);
    expect(same.restoredAt).toBe(restoreAt);
    expect(new Date(same.expiresAt ?? 0).toISOString()).toBe('2026-04-18T16:00:00.000Z');
    const custom = applyGrantEvent(used, { type: 'restore', validity: { type: 'days-from-grant', days: 7 } }, restoreAt);
    expect(new Date(custom.expiresAt ?? 0).toISOString()).toBe('2026-03-26T16:00:00.000Z');
    expect(applyGrantEvent(custom, { type: 'use' }, restoreAt + HOUR).state).toBe('used');
  });

  it('refuses a restore whose old fixed window is over unless a new validity is given', () => {
    const right = makeRight({ ...couponInput, params: { benefit: { type: 'amount-off', amountOff: 500 }, validity: { type: 'fixed', from: '2026-03-01', to: '2026-03-31' } } });
    const used = applyGrantEvent(applyGrantEvent(reservedGrant(right), { type: 'commit' }, NOW), { type: 'use' }, NOW + HOUR);
    const late = Date.UTC(2026, 4, 1);
    expect(errorOf(() => applyGrantEvent(used, { type: 'restore' }, late)).code).toBe('RT_RESTORE_EXPIRED');
    const restored = applyGrantEvent(used, { type: 'restore', validity: { type: 'days-from-grant', days: 3 } }, late);
    expect(restored.state).toBe('restored');
  });

  it('refuses to commit a reservation whose fixed window ended meanwhile', () => {
    const right = makeRight({ ...couponInput, params: { benefit: { type: 'amount-off', amountOff: 500 }, validity: { type: 'fixed', from: '2026-03-01', to: '2026-03-10' } } });
    const g = reservedGrant(right);
    expect(errorOf(() => applyGrantEvent(g, { type: 'commit' }, Date.UTC(2026, 2, 11))).code).toBe('RT_VALIDITY_ENDED');
  });

  it('refuses to reserve an archived right or one whose window is over', () => {
    expect(errorOf(() => reservedGrant({ ...makeRight(couponInput), archived: true })).code).toBe('RT_ARCHIVED');
    const over = makeRight({ ...couponInput, params: { benefit: { type: 'amount-off', amountOff: 500 }, validity: { type: 'fixed', from: '2026-01-01', to: '2026-01-31' } } });
    expect(errorOf(() => reservedGrant(over)).code).toBe('RT_VALIDITY_ENDED');
  });

  it('formats the code in error messages', () => {
    const used = grantIn('used');
    const error = errorOf(() => applyGrantEvent(used, { type: 'use' }, NOW + 3 * HOUR));
    expect(error.message).toBe('The right ABCD-EFGH-JKMN-PQR0 was already used at 2026-03-10 12:00.');
    expect(error.localized('zh-CN')).toBe('权益 ABCD-EFGH-JKMN-PQR0 已于 2026-03-10 12:00 使用。');
  });
});
