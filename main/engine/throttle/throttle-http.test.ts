// Real time, real sockets: the adaptive throttle against an HTTP gateway on 127.0.0.1 that
// accepts 200 requests per second and answers 429 above that. (200, not more: client and
// gateway share this process, and on a loaded 2-core machine it cannot send much faster
// than ~300/s; the benchmark measures higher rates.)
import { gatewayAgent, sendItem, startLoopbackGateway } from './loopback-gateway.ts';
import { Throttle } from './throttle.ts';
import { realTimer } from './timer.ts';

const CAPACITY = 200;
const RUN_MS = 5000;

it('settles near the gateway capacity from 1000/s and delivers every item exactly once', async () => {
  const gateway = await startLoopbackGateway({ capacity: CAPACITY });
  const agent = gatewayAgent();
  const throttle = new Throttle('channel:webhook', { maxRate: 1000 }, realTimer);
  const stop = new AbortController();
  const delivered = new Set<string>();
  let nextId = 0;
  let attempts = 0;

  // 32 senders share the throttle; each retries its item on 429 until it is accepted.
  const sender = async () => {
    let id = `item-${nextId++}`;
    for (;;) {
      let permit;
      try {
        permit = await throttle.acquire(stop.signal);
      } catch {
        return;
      }
      attempts++;
      const started = performance.now();
      const { status, retryAfterMs } = await sendItem(gateway.url, id, agent);
      if (status === 200) {
        permit.done({ kind: 'ok', latencyMs: performance.now() - started });
        expect(delivered.has(id)).toBe(false);
        delivered.add(id);
        id = `item-${nextId++}`;
      } else if (status === 429) {
        permit.done({ kind: 'overload', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      } else {
        permit.done({ kind: 'error' });
        throw new Error(`unexpected status ${status}`);
      }
    }
  };

  const rates: { at: number; rate: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => rates.push({ at: performance.now() - t0, rate: throttle.snapshot().currentRate }), 100);
  try {
    const senders = Array.from({ length: 32 }, sender);
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    stop.abort(new Error('done'));
    await Promise.all(senders);
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await gateway.close();
  }

  // The rate over the last 2 s stays within ±25% of the capacity.
  const late = rates.filter((r) => r.at > RUN_MS - 2000);
  expect(late.length).toBeGreaterThan(10);
  for (const r of late) expect(Math.abs(r.rate - CAPACITY), `rate ${r.rate.toFixed(1)} at ${r.at.toFixed(0)} ms`).toBeLessThanOrEqual(CAPACITY * 0.25);
  // Every accepted item is counted once by the gateway, and it is exactly what the senders saw delivered.
  expect([...gateway.accepted.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(gateway.accepted.keys())).toEqual(delivered);
  expect(attempts).toBe(gateway.accepted.size + gateway.refusedCount);
  // Not starved either: most of the capacity was used after the first second.
  const acceptedLate = gateway.acceptedAt.filter((t) => t - t0 > 1000).length / ((RUN_MS - 1000) / 1000);
  expect(acceptedLate).toBeGreaterThan(CAPACITY * 0.75);
  const snapshot = throttle.snapshot();
  expect(snapshot.okCount).toBe(delivered.size);
  expect(snapshot.overloadCount).toBe(gateway.refusedCount);
  expect(snapshot).toMatchObject({ inFlight: 0, waiting: 0 });
});
