import type { PlanInput } from '../../core/plans/plan.ts';
import { WebhookChannel } from '../channels/webhook-channel.ts';
import { customers, openEngineTest, ZONE } from './test-engine.ts';
import { startTestGateway } from './test-gateway.ts';

const CAPACITY = 300;
const N = 20_000;

describe('Executor against a gateway with a capacity', () => {
  it(`sends ${N} messages exactly once while the adaptive throttle settles near the gateway's capacity`, async () => {
    const gateway = await startTestGateway({ capacity: CAPACITY });
    const t = await openEngineTest({ settings: { quietHours: null, frequencyCap: null, concurrency: 64, chunkSize: 1000 } });
    onTestFinished(async () => {
      await t.dispose();
      await gateway.close();
    });
    t.channels.set('gw', new WebhookChannel({ kind: 'webhook', id: 'gw', url: gateway.url, secret: 'a-secret-of-16-chars', timeoutMs: 10_000 }, t.clock));
    // The configured budget is well above what the gateway takes: the throttle must find it.
    t.throttles.configure('channel:gw', { maxRate: CAPACITY * 3, adaptive: true });
    await t.addCustomers(customers(N));
    const audience = await t.everyone();
    const input: PlanInput = {
      name: 'Gateway load',
      audienceId: audience.id,
      time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } },
      actions: [{ id: 'notice', type: 'message', channel: 'sms', via: 'gw', template: { 'zh-CN': { body: '{{name}}，会员日快乐' } } }],
    };
    const runId = await t.fire(input);
    const rates: number[] = [];
    const sampler = setInterval(() => rates.push(t.throttles.get('channel:gw').snapshot().currentRate), 250);
    try {
      // Retries that were parked (after many refusals in a row) are due at once on the manual clock.
      for (let round = 0; round < 10; round++) {
        await t.executor.drain();
        const run = await t.runs.get(runId);
        if (run.state === 'done') break;
        t.clock.set(run.resumeAt);
      }
    } finally {
      clearInterval(sampler);
    }
    const run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'done' });
    expect(run.counts).toMatchObject({ total: N, done: N, sent: N, failed: 0 });
    // The gateway counts: each message delivered once, none lost.
    expect(gateway.delivered.size).toBe(N);
    expect(Math.max(...gateway.delivered.values())).toBe(1);
    expect(gateway.refused).toBeGreaterThan(0);
    // The throttle's rate settled near the capacity (the gateway is the bottleneck), far from
    // its configured maximum, and the gateway was never pushed above its capacity for long.
    const late = rates.slice(Math.floor(rates.length / 2));
    const meanRate = late.reduce((a, b) => a + b, 0) / late.length;
    expect(meanRate).toBeGreaterThan(CAPACITY * 0.8);
    expect(meanRate).toBeLessThan(CAPACITY * 1.3);
    const at = gateway.acceptedAt;
    const half = at.slice(Math.floor(at.length / 2));
    const acceptedRate = (half.length - 1) / (((half[half.length - 1] ?? 0) - (half[0] ?? 0)) / 1000);
    // Below the throttle's rate on a loaded machine: the database writes after each chunk hold
    // the event loop (see the engine benchmark); never above the capacity.
    expect(acceptedRate).toBeGreaterThan(CAPACITY * 0.35);
    expect(acceptedRate).toBeLessThan(CAPACITY * 1.1);
    console.log(`gateway test: accepted ${acceptedRate.toFixed(0)}/s (capacity ${CAPACITY}), throttle mean ${meanRate.toFixed(0)}/s, refused ${gateway.refused}`);
  }, 180_000);
});
