import { describe, expect, it } from 'vitest';
import { canCancel, canPause, canResume, canRetry, configuredRate, durationParts, etaSeconds, executePercent, formatRate, NEVER_MS, isTime, runDownstreams, splitPercent } from './run-format.ts';
import type { ChannelView, RunView, ThrottleSnapshot } from './types.ts';

const counts = { total: 1000, done: 300, granted: 300, sent: 250, skipped: 50, failed: 50, retry: 0, waiting: 0 };

function run(over: Partial<RunView> = {}): RunView {
  return {
    id: 'r1',
    planId: 'p1',
    planVersion: 1,
    occurrence: 'o',
    trigger: 'schedule',
    scheduledAt: 1,
    state: 'running',
    plan: {
      name: 'Spring',
      storeId: '',
      audienceId: 'a1',
      time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
      actions: [
        { id: 'g', type: 'grant', subject: { type: 'right', id: 'x' } },
        { id: 'm', type: 'message', channel: 'sms', via: 'gw', template: { en: { body: 'hi' } } },
      ],
      limits: {},
      marketingType: 'precise-audience',
      pluginId: 'p',
    },
    startedAt: 1,
    finishedAt: 0,
    resumeAt: NEVER_MS,
    chunks: 2,
    splitDone: true,
    chunksDone: 0,
    counts,
    skippedBy: {},
    createdAt: 1,
    updatedAt: 1,
    progress: { runId: 'r1', phase: 'execute', split: 0, processed: 400, rate: 40 },
    ...over,
  } as RunView;
}

const throttle = (name: string, maxRate: number) => ({ name, maxRate, currentRate: maxRate }) as ThrottleSnapshot;

describe('runs display helpers', () => {
  it('tells progress, time left and rates', () => {
    expect(executePercent(run())).toBe(40);
    expect(etaSeconds(run())).toBe(15);
    expect(etaSeconds(run({ state: 'done' }))).toBeNull();
    expect(etaSeconds(run(), 4)).toBe(150);
    expect(etaSeconds(run(), 100)).toBe(15);
    expect(etaSeconds(run({ progress: { runId: 'r1', phase: 'execute', split: 0, processed: 0, rate: 0 } }))).toBeNull();
    expect(splitPercent(run({ counts: { ...counts, total: 0 } }))).toBeNull();
    expect(executePercent(run({ state: 'done', counts: { ...counts, total: 0, done: 0, skipped: 0, failed: 0 } }))).toBe(100);
    expect(durationParts(15)).toEqual({ unit: 's', n: 15, m: 0 });
    expect(durationParts(61)).toEqual({ unit: 'min', n: 2, m: 0 });
    expect(durationParts(3_700)).toEqual({ unit: 'h', n: 1, m: 2 });
    expect([formatRate(0), formatRate(4.26), formatRate(49.6)]).toEqual(['0', '4.3', '50']);
    expect(isTime(NEVER_MS)).toBe(false);
    expect(isTime(0)).toBe(false);
  });

  it('finds the downstreams a run uses and the lowest budget among them', () => {
    const channels = [{ id: 'gw', kind: 'webhook', downstream: 'channel:gw' }] as ChannelView[];
    const limited = run({ plan: { ...run().plan, limits: { maxRate: 20 } } });
    expect(runDownstreams(limited, channels)).toEqual(['channel:gw', 'plan:p1']);
    expect(configuredRate(run(), [throttle('channel:gw', 100)], channels)).toBe(100);
    expect(configuredRate(limited, [throttle('channel:gw', 100)], channels)).toBe(20);
    expect(configuredRate(run(), [], channels)).toBeNull();
  });

  it('says which actions a state allows', () => {
    expect([canPause('running'), canResume('running'), canCancel('running')]).toEqual([true, false, true]);
    expect([canPause('paused'), canResume('paused'), canCancel('paused')]).toEqual([false, true, true]);
    expect([canPause('done'), canCancel('done'), canRetry(run({ state: 'done' }))]).toEqual([false, false, true]);
    expect(canRetry(run({ state: 'cancelled' }))).toBe(false);
  });
});
