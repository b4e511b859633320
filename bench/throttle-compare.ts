// Measurements of the downstream throttle (main/engine/throttle) beside Bottleneck and p-queue,
// in real time. Two tables, imported by bench/throttle.bench.ts and bench/engine.bench.ts:
// - accuracy: no-op tasks at 200/s, all queued at once: the rate actually reached and the
//   largest number started in any 100 ms (ideal 20: smooth, no window bursts);
// - settling: the adaptive throttle (max 1000/s) against a loopback HTTP gateway that answers
//   429 above its capacity, beside Bottleneck and p-queue at a fixed 1000/s: how soon the
//   accepted rate holds at the capacity, the throughput, and the share of requests refused.
import Bottleneck from 'bottleneck';
import PQueue from 'p-queue';
import { gatewayAgent, sendItem, startLoopbackGateway } from '../main/engine/throttle/loopback-gateway.ts';
import { Throttle } from '../main/engine/throttle/throttle.ts';
import { realTimer } from '../main/engine/throttle/timer.ts';

/** The largest number of `times` (sorted) in any window [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export const throttleAccuracyHeaders = ['setup (200/s, no-op tasks)', 'tasks', 'rate/s', 'max in 100 ms (ideal 20)'];

/**
 * Starts `200/s x durationMs` no-op tasks queued at once through each limiter and measures
 * their start times. Targets run one after another (each ~durationMs).
 */
export async function throttleAccuracyRows(durationMs = 10_000): Promise<(string | number)[][]> {
  const rate = 200;
  const tasks = Math.round((rate * durationMs) / 1000);
  const targets: [string, (record: () => void) => Promise<void>][] = [
    ['Throttle (adaptive off)', (record) => throughThrottle(record, tasks, { maxRate: rate, adaptive: false })],
    ['Throttle (adaptive on)', (record) => throughThrottle(record, tasks, { maxRate: rate, adaptive: true })],
    [
      'Bottleneck minTime: 5',
      async (record) => {
        const limiter = new Bottleneck({ minTime: 1000 / rate });
        await Promise.all(Array.from({ length: tasks }, () => limiter.schedule(async () => record())));
      },
    ],
    [
      'p-queue intervalCap 20 / 100 ms, strict',
      async (record) => {
        const queue = new PQueue({ intervalCap: rate / 10, interval: 100, strict: true });
        await Promise.all(Array.from({ length: tasks }, () => queue.add(async () => record())));
      },
    ],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, run] of targets) {
    const times: number[] = [];
    await run(() => times.push(performance.now()));
    const span = (times.at(-1) as number) - (times[0] as number);
    rows.push([label, times.length, (((times.length - 1) * 1000) / span).toFixed(1), String(maxInWindow(times, 100))]);
  }
  return rows;
}

async function throughThrottle(record: () => void, tasks: number, settings: { maxRate: number; adaptive: boolean }): Promise<void> {
  const throttle = new Throttle('bench', settings, realTimer);
  await Promise.all(
    Array.from({ length: tasks }, async () => {
      const permit = await throttle.acquire();
      record();
      permit.done({ kind: 'ok', latencyMs: 0 });
    }),
  );
}

export const settleHeaders = ['setup (gateway capacity C/s)', 'settled after s', 'accepted/s', 'sent/s', '429 share', 'rate at end/s'];

/**
 * Each setup sends items for `durationMs` to a fresh loopback gateway accepting `capacity`/s;
 * every item is queued at once, a refused one goes to the back of the queue again (all three
 * the same way). "Settled after": the end of the first 1 s window from which on the accepted
 * rate over every trailing 1 s window (checked each 100 ms) stays within 10% of capacity
 * (so 1.0 s at best).
 */
export async function settleRows(capacity = 150, durationMs = 10_000): Promise<(string | number)[][]> {
  const fixedRate = 1000;
  const items = Math.round((fixedRate * durationMs * 1.5) / 1000);
  const targets: [string, Sender][] = [
    [`Throttle adaptive, max ${fixedRate}/s (C=${capacity})`, adaptiveSender(fixedRate)],
    [`Bottleneck minTime: 1 (fixed ${fixedRate}/s)`, bottleneckSender(fixedRate, items)],
    [`p-queue 100 / 100 ms strict (fixed ${fixedRate}/s)`, pQueueSender(fixedRate, items)],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, sender] of targets) {
    const gateway = await startLoopbackGateway({ capacity });
    const agent = gatewayAgent();
    const t0 = performance.now();
    let sent = 0;
    let refused = 0;
    const send = async (id: string) => {
      const started = performance.now();
      const counted = started - t0 <= durationMs;
      if (counted) sent++;
      const { status, retryAfterMs } = await sendItem(gateway.url, id, agent);
      if (counted && status === 429) refused++;
      return { status, retryAfterMs, latencyMs: performance.now() - started };
    };
    let finalRate: number | string = 'fixed';
    try {
      const rate = await sender(send, durationMs, items);
      if (rate !== undefined) finalRate = rate.toFixed(1);
    } finally {
      agent.destroy();
      await gateway.close();
    }
    const accepted = gateway.acceptedAt.map((t) => t - t0).filter((t) => t <= durationMs);
    const settled = settleTime(accepted, capacity, durationMs);
    rows.push([
      label,
      settled === undefined ? 'never' : (settled / 1000).toFixed(1),
      ((accepted.length * 1000) / durationMs).toFixed(1),
      ((sent * 1000) / durationMs).toFixed(1),
      `${((100 * refused) / Math.max(1, sent)).toFixed(1)}%`,
      finalRate,
    ]);
  }
  return rows;
}

/** The first window end (ms) from which every trailing 1 s accepted count is within 10% of capacity. */
export function settleTime(acceptedMs: number[], capacity: number, durationMs: number): number | undefined {
  let settled: number | undefined;
  for (let end = 1000; end <= durationMs; end += 100) {
    const count = acceptedMs.filter((t) => t > end - 1000 && t <= end).length;
    if (Math.abs(count - capacity) <= capacity * 0.1) settled ??= end;
    else settled = undefined;
  }
  return settled;
}

type Send = (id: string) => Promise<{ status: number; retryAfterMs?: number | undefined; latencyMs: number }>;
/** Sends items until `durationMs` has passed; resolves with the final rate when it has one. */
type Sender = (send: Send, durationMs: number, items: number) => Promise<number | undefined>;

function adaptiveSender(maxRate: number): Sender {
  return async (send, durationMs, items) => {
    const throttle = new Throttle('channel:webhook', { maxRate }, realTimer);
    const stop = new AbortController();
    const one = async (id: string): Promise<void> => {
      for (;;) {
        const permit = await throttle.acquire(stop.signal);
        const { status, retryAfterMs, latencyMs } = await send(id);
        if (status === 200) return permit.done({ kind: 'ok', latencyMs });
        permit.done(status === 429 ? { kind: 'overload', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } : { kind: 'error' });
      }
    };
    const all = Array.from({ length: items }, (_, i) => one(`a${i}`).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    stop.abort(new Error('bench over'));
    await Promise.all(all);
    return throttle.snapshot().currentRate;
  };
}

function bottleneckSender(rate: number, items: number): Sender {
  return async (send, durationMs) => {
    const limiter = new Bottleneck({ minTime: 1000 / rate });
    const one = async (id: string): Promise<void> => {
      const { status } = await limiter.schedule(() => send(id));
      if (status === 429) return one(id);
    };
    const all = Array.from({ length: items }, (_, i) => one(`b${i}`).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    await limiter.stop({ dropWaitingJobs: true });
    await Promise.all(all);
    return undefined;
  };
}

function pQueueSender(rate: number, items: number): Sender {
  return async (send, durationMs) => {
    const queue = new PQueue({ intervalCap: rate / 10, interval: 100, strict: true });
    let open = true;
    const one = async (id: string): Promise<void> => {
      const result = await queue.add(() => send(id));
      if (result.status === 429 && open) return one(id);
    };
    const all = Array.from({ length: items }, (_, i) => one(`q${i}`).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    open = false;
    queue.clear();
    await queue.onIdle();
    // Cleared tasks never settle: wait only for those that ran.
    void all;
    return undefined;
  };
}
