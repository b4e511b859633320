import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import { customersDue, firstPlanExecution, nextCustomerExecution, nextPlanExecution } from './execution-time.ts';
import { isInEffect, isInOperationPeriod, validatePlanTime } from './plan-time.ts';
import type { PlanTimeSpec } from './types.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const SH = 'Asia/Shanghai';

const memberDay: PlanTimeSpec = {
  timeZone: SH,
  effective: { start: '2026-03-01', end: '2026-03-31' },
  period: '* * * * * 3 * 32', // benefits valid on Wednesdays
  execution: { mode: 'periodic', expression: '0 0 9 * * 3' },
};

describe('effective time and operation period', () => {
  it('is in effect from the first moment of the start date to the end of the end date', () => {
    expect(isInEffect(memberDay, at('2026-02-28T15:59:59Z'))).toBe(false);
    expect(isInEffect(memberDay, at('2026-02-28T16:00:00Z'))).toBe(true);
    expect(isInEffect(memberDay, at('2026-03-31T15:59:59Z'))).toBe(true);
    expect(isInEffect(memberDay, at('2026-03-31T16:00:00Z'))).toBe(false);
    expect(isInEffect({ ...memberDay, effective: {} }, at('1999-01-01T00:00:00Z'))).toBe(true);
  });

  it('grants benefits only inside the operation period', () => {
    expect(isInOperationPeriod(memberDay, at('2026-03-04T04:00:00Z'))).toBe(true); // Wednesday
    expect(isInOperationPeriod(memberDay, at('2026-03-05T04:00:00Z'))).toBe(false); // Thursday
    expect(isInOperationPeriod(memberDay, at('2026-04-01T04:00:00Z'))).toBe(false); // Wednesday, not in effect
    expect(isInOperationPeriod({ ...memberDay, period: null }, at('2026-03-05T04:00:00Z'))).toBe(true);
  });
});

describe('execution time', () => {
  it('runs periodic plans on their expression, inside the effective time', () => {
    expect(iso(nextPlanExecution(memberDay, at('2026-01-01T00:00:00Z')))).toBe('2026-03-04T01:00:00.000Z');
    expect(iso(nextPlanExecution(memberDay, at('2026-03-04T01:00:00Z')))).toBe('2026-03-11T01:00:00.000Z');
    expect(nextPlanExecution(memberDay, at('2026-03-25T01:00:00Z'))).toBeNull();
  });

  it('runs once at a fixed instant', () => {
    const spec: PlanTimeSpec = { ...memberDay, execution: { mode: 'fixed', at: '2026-03-10T20:00' } };
    expect(iso(nextPlanExecution(spec, at('2026-03-01T00:00:00Z')))).toBe('2026-03-10T12:00:00.000Z');
    expect(nextPlanExecution(spec, at('2026-03-10T12:00:00Z'))).toBeNull();
    expect(nextPlanExecution({ ...spec, execution: { mode: 'fixed', at: '2026-04-10T20:00' } }, 0)).toBeNull();
  });

  it('runs immediately on activation, or when the effective time starts', () => {
    const spec: PlanTimeSpec = { ...memberDay, execution: { mode: 'immediate' } };
    expect(iso(firstPlanExecution(spec, at('2026-03-05T02:00:00Z')))).toBe('2026-03-05T02:00:00.000Z');
    expect(iso(firstPlanExecution(spec, at('2026-02-20T02:00:00Z')))).toBe('2026-02-28T16:00:00.000Z');
    expect(firstPlanExecution(spec, at('2026-04-05T02:00:00Z'))).toBeNull();
    expect(nextPlanExecution(spec, at('2026-03-05T02:00:00Z'), { activatedAt: at('2026-03-05T02:00:00Z') })).toBeNull();
    expect(nextPlanExecution(spec, 0)).toBeNull(); // not activated yet
  });

  it('runs once after a delay; days keep the wall-clock time across DST', () => {
    const hours: PlanTimeSpec = { ...memberDay, effective: {}, execution: { mode: 'delayed', delay: { amount: 2, unit: 'hours' } } };
    expect(iso(firstPlanExecution(hours, at('2026-03-05T02:00:00Z')))).toBe('2026-03-05T04:00:00.000Z');
    const days: PlanTimeSpec = {
      timeZone: 'America/New_York',
      effective: {},
      execution: { mode: 'delayed', delay: { amount: 1, unit: 'days' } },
    };
    // 09:00 EST on March 7 -> 09:00 EDT on March 8 (23 hours later).
    expect(iso(firstPlanExecution(days, at('2026-03-07T14:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
    const minutes: PlanTimeSpec = { ...days, execution: { mode: 'delayed', delay: { amount: 90, unit: 'minutes' } } };
    expect(iso(firstPlanExecution(minutes, at('2026-03-07T14:00:00Z')))).toBe('2026-03-07T15:30:00.000Z');
  });

  it('sweeps birthday plans daily and names the customers due', () => {
    const spec: PlanTimeSpec = {
      timeZone: SH,
      effective: { start: '2026-01-01' },
      execution: { mode: 'birthday', scope: 'day', offsetDays: -1, time: '10:00' },
    };
    expect(iso(nextPlanExecution(spec, at('2026-03-07T03:00:00Z')))).toBe('2026-03-08T02:00:00.000Z');
    const customers = [
      { id: 'ann', birthday: '1990-03-09' },
      { id: 'bo', birthday: '03-10' },
    ];
    expect(customersDue(spec, '2026-03-08', customers)).toEqual(['ann']);
    expect(customersDue(spec, '2025-03-08', customers)).toEqual([]); // before the effective time
    expect(iso(nextCustomerExecution(spec, '03-10', at('2026-03-08T03:00:00Z')))).toBe('2026-03-09T02:00:00.000Z');
    expect(iso(nextCustomerExecution(spec, '03-10', at('2026-03-09T02:00:00Z')))).toBe('2027-03-09T02:00:00.000Z');
    expect(customersDue(memberDay, '2026-03-08', customers)).toEqual([]);
  });
});

describe('validatePlanTime', () => {
  const code = (spec: unknown) => {
    try {
      validatePlanTime(spec as PlanTimeSpec);
      return 'ok';
    } catch (error) {
      return error instanceof CampaignError ? `${error.code} ${JSON.stringify(error.params)}` : String(error);
    }
  };

  it('accepts good settings and names the first problem otherwise', () => {
    expect(code(memberDay)).toBe('ok');
    expect(code({ ...memberDay, timeZone: 'Mars/Base' })).toMatch(/^PE_BAD_TIME_ZONE/);
    expect(code({ ...memberDay, effective: { start: '2026-03-31', end: '2026-03-01' } })).toMatch(/^TM_BAD_RANGE/);
    expect(code({ ...memberDay, effective: { start: '2026-3-1' } })).toMatch(/^TM_BAD_DATE/);
    expect(code({ ...memberDay, period: '* * 25 * * *' })).toMatch(/^PE_OUT_OF_RANGE/);
    expect(code({ ...memberDay, execution: { mode: 'fixed', at: 'soon' } })).toMatch(/^TM_BAD_INSTANT/);
    expect(code({ ...memberDay, execution: { mode: 'birthday', scope: 'year', time: '10:00' } })).toBe(
      'TM_BAD_SPEC {"path":"execution.scope","value":"\\"year\\""}',
    );
    expect(code({ ...memberDay, execution: { mode: 'birthday', scope: 'day', time: '25:00' } })).toMatch(/^TM_BAD_SPEC .*execution\.time/);
    expect(code({ ...memberDay, execution: { mode: 'delayed', delay: { amount: -1, unit: 'hours' } } })).toMatch(/execution\.delay\.amount/);
    expect(code({ ...memberDay, execution: { mode: 'someday' } })).toMatch(/execution\.mode/);
  });
});
