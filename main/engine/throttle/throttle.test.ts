import { CampaignError } from '../../core/errors/campaign-error.ts';
import { AIMD, Throttle, type Adjustment, type Feedback, type Permit } from './throttle.ts';
import { FakeTimer } from './timer.ts';

const T0 = Date.UTC(2026, 0, 1);

/** The largest number of `times` in any window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * A caller that takes permits one after another until stopped, reporting each at once with
 * `reply(time)`; `times` are the grant times.
 */
function consumer(throttle: Throttle, timer: FakeTimer, reply: (now: number) => Feedback = () => ({ kind: 'ok', latencyMs: 1 })) {
  const times: number[] = [];
  const controller = new AbortController();
  const finished = (async () => {
    for (;;) {
      let permit: Permit;
      try {
        permit = await throttle.acquire(controller.signal);
      } catch {
        return;
      }
      times.push(timer.now());
      permit.done(reply(timer.now()));
    }
  })();
  return {
    times,
    stop: async () => {
      controller.abort(new Error('stopped'));
      await finished;
    },
  };
}

/** Takes `n` permits without reporting them (they stay in flight). */
async function take(throttle: Throttle, timer: FakeTimer, n: number, stepMs = 1000): Promise<Permit[]> {
  const pending = Array.from({ length: n }, () => throttle.acquire());
  await timer.advance(stepMs);
  return Promise.all(pending);
}

function adjustments(throttle: Throttle): Adjustment[] {
  const seen: Adjustment[] = [];
  throttle.onAdjust((a) => seen.push(a));
  return seen;
}

describe('Throttle spacing', () => {
  it('spaces permits evenly at 200/s: 20 in any 100 ms, 200 in a second', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('channel:webhook', { maxRate: 200, adaptive: false }, timer);
    const times: number[] = [];
    const all = Array.from({ length: 400 }, () => throttle.acquire().then((p) => (times.push(timer.now()), p.done({ kind: 'ok', latencyMs: 0 }))));
    await timer.advance(999);
    expect(times).toHaveLength(200);
    expect(new Set(times.slice(1).map((t, i) => t - (times[i] as number)))).toEqual(new Set([5]));
    expect(maxInWindow(times, 100)).toBe(20);
    expect(throttle.snapshot()).toMatchObject({ waiting: 200, currentRate: 200 });
    await timer.advance(1000);
    await Promise.all(all);
    expect(times).toHaveLength(400);
  });

  it('does not burst after an idle spell', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 10, adaptive: false }, timer);
    (await throttle.acquire()).done({ kind: 'ok', latencyMs: 0 });
    await timer.advance(5000);
    const times: number[] = [];
    const all = Array.from({ length: 3 }, () => throttle.acquire().then(() => times.push(timer.now())));
    await timer.advance(1000);
    await Promise.all(all);
    expect(times.map((t) => t - times[0]!)).toEqual([0, 100, 200]);
  });

  it('serves callers first come, first served: two loops share the rate evenly', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const order: string[] = [];
    const loop = (who: string) => consumer(throttle, timer, () => (order.push(who), { kind: 'ok', latencyMs: 1 }));
    const a = loop('a');
    const b = loop('b');
    await timer.advance(1000);
    await Promise.all([a.stop(), b.stop()]);
    expect(order.length).toBeGreaterThanOrEqual(100);
    expect(order.join('')).toMatch(/^(ab)+a?$/);
    // Strict arrival order among queued callers.
    const served: number[] = [];
    const queued = Array.from({ length: 10 }, (_, i) => throttle.acquire().then((p) => (served.push(i), p)));
    await timer.advance(200);
    await Promise.all(queued);
    expect(served).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an aborted waiter rejects with the reason and frees its place', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const controller = new AbortController();
    const times: Record<string, number> = {};
    const first = throttle.acquire().then(() => (times.first = timer.now()));
    const second = throttle.acquire(controller.signal);
    const third = throttle.acquire().then(() => (times.third = timer.now()));
    await timer.advance(0); // permits are handed out from the event loop
    expect(throttle.snapshot().waiting).toBe(2);
    controller.abort(new Error('run cancelled'));
    await expect(second).rejects.toThrow('run cancelled');
    expect(throttle.snapshot().waiting).toBe(1);
    await timer.advance(50);
    await Promise.all([first, third]);
    expect(times.third! - times.first!).toBe(10);
    await expect(throttle.acquire(controller.signal)).rejects.toThrow('run cancelled');
    expect(throttle.snapshot().waiting).toBe(0);
  });

  it('one signal shared by many waiters cancels them all, and a served waiter no longer listens', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 10 }, timer);
    const run = new AbortController();
    const served = throttle.acquire(run.signal);
    const queued = Array.from({ length: 1000 }, () => throttle.acquire(run.signal));
    const other = throttle.acquire();
    await timer.advance(0);
    expect(throttle.snapshot().waiting).toBe(1001);
    run.abort(new Error('run cancelled'));
    for (const q of queued) await expect(q).rejects.toThrow('run cancelled');
    await expect(served).resolves.toBeDefined();
    expect(throttle.snapshot().waiting).toBe(1);
    await timer.advance(100);
    await expect(other).resolves.toBeDefined();
    expect(throttle.snapshot()).toMatchObject({ waiting: 0, inFlight: 2 });
  });

  it('bounds the items in flight when asked', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 1000, maxInFlight: 2 }, timer);
    const granted: Permit[] = [];
    for (let i = 0; i < 5; i++) void throttle.acquire().then((p) => granted.push(p));
    await timer.advance(100);
    expect(granted).toHaveLength(2);
    expect(throttle.snapshot()).toMatchObject({ inFlight: 2, waiting: 3, maxInFlight: 2 });
    granted[0]!.done({ kind: 'error' });
    granted[0]!.done({ kind: 'error' }); // a second report is ignored
    await timer.advance(100);
    expect(granted).toHaveLength(3);
    expect(throttle.snapshot()).toMatchObject({ inFlight: 2, waiting: 2, errorCount: 1 });
    throttle.configure({ maxInFlight: undefined });
    await timer.advance(100);
    expect(granted).toHaveLength(5);
  });
});

describe('Throttle settings', () => {
  it('applies live changes to the waiting callers: slower, then faster', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100, adaptive: false }, timer);
    const seen = adjustments(throttle);
    const c = consumer(throttle, timer);
    await timer.advance(95); // permits at 0, 10, …, 90
    throttle.configure({ maxRate: 20 });
    await timer.advance(200); // next at 90 + 50 = 140, then 190, 240, 290
    throttle.configure({ maxRate: 200 });
    await timer.advance(50); // the schedule moves at once: 290 + 5 = 295, 300, …
    await c.stop();
    const gaps = c.times.slice(1).map((t, i) => t - (c.times[i] as number));
    expect(gaps.slice(0, 9)).toEqual(Array(9).fill(10));
    expect(gaps.slice(9, 13)).toEqual([50, 50, 50, 50]);
    expect(gaps.slice(13).every((g) => g === 5)).toBe(true);
    expect(gaps.length).toBeGreaterThan(20);
    expect(seen.map((a) => [a.reason, a.from, a.to])).toEqual([
      ['configured', 100, 20],
      ['configured', 20, 200],
    ]);
  });

  it('lowering the maximum below an adapted rate clamps it at once; raising it lets a healthy rate follow', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    throttle.configure({ maxRate: 50 });
    expect(throttle.snapshot().currentRate).toBe(50);
    throttle.configure({ maxRate: 80 });
    expect(throttle.snapshot().currentRate).toBe(80);
    const [p] = await take(throttle, timer, 1);
    p!.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBe(72);
    throttle.configure({ maxRate: 200 });
    expect(throttle.snapshot().currentRate).toBe(72); // it climbs from there
    throttle.configure({ maxRate: 60 });
    expect(throttle.snapshot()).toMatchObject({ currentRate: 60, maxRate: 60 });
    throttle.configure({ adaptive: false, maxRate: 90 });
    expect(throttle.snapshot()).toMatchObject({ currentRate: 90, adaptive: false });
  });

  it('refuses invalid settings with TH codes and keeps the old ones', () => {
    const timer = new FakeTimer(T0);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CampaignError);
        return (e as CampaignError).code;
      }
      return 'none';
    };
    expect(code(() => new Throttle('t', { maxRate: 0 }, timer))).toBe('TH_BAD_RATE');
    expect(code(() => new Throttle('t', { maxRate: Number.NaN }, timer))).toBe('TH_BAD_RATE');
    expect(code(() => new Throttle('t', { maxRate: 10, minRate: -1 }, timer))).toBe('TH_BAD_RATE');
    expect(code(() => new Throttle('t', { maxRate: 10, minRate: 20 }, timer))).toBe('TH_MIN_ABOVE_MAX');
    expect(code(() => new Throttle('t', { maxRate: 10, maxInFlight: 0.5 }, timer))).toBe('TH_BAD_IN_FLIGHT');
    const throttle = new Throttle('channel:sms', { maxRate: 10, minRate: 5 }, timer);
    expect(code(() => throttle.configure({ maxRate: 4 }))).toBe('TH_MIN_ABOVE_MAX');
    expect(code(() => throttle.configure({ maxRate: -3 }))).toBe('TH_BAD_RATE');
    expect(throttle.snapshot()).toMatchObject({ maxRate: 10, minRate: 5, currentRate: 10 });
    expect(new CampaignError('TH_BAD_RATE', { downstream: 'channel:sms', setting: 'maxRate', value: '-3' }).localized('zh-CN')).toContain('channel:sms');
  });
});

describe('Throttle adaptation (AIMD)', () => {
  it('cuts once per round trip: a burst of 429s from one overload is one decrease', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const seen = adjustments(throttle);
    const burst = await take(throttle, timer, 50);
    for (const p of burst) p.done({ kind: 'overload' });
    expect(throttle.snapshot()).toMatchObject({ currentRate: 90, overloadCount: 50 });
    expect(seen.map((a) => [a.reason, a.from, a.to])).toEqual([['overload', 100, 90]]);
    // Sent after the cut, refused again: a second cut, but not within the cool-down.
    const [early, late] = await take(throttle, timer, 2, AIMD.coolDownMs / 4);
    early!.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBe(90);
    await timer.advance(AIMD.coolDownMs);
    late!.done({ kind: 'timeout' });
    expect(throttle.snapshot()).toMatchObject({ currentRate: 81, timeoutCount: 1 });
    expect(seen.at(-1)).toMatchObject({ reason: 'timeout', from: 90, to: 81, name: 't' });
    expect(throttle.snapshot().lastAdjustment).toEqual(seen.at(-1));
  });

  it('cuts by the refused share of the round trip, between x0.5 and x0.9', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 1000 }, timer);
    const [first] = await take(throttle, timer, 1, 0);
    first!.done({ kind: 'overload' }); // too few replies to judge: x0.9
    expect(throttle.snapshot().currentRate).toBe(900);
    // A round trip of 50 replies, 2 in 5 refused, all within the cool-down: no cut yet.
    const trip = await take(throttle, timer, 50, 60);
    trip.forEach((p, i) => p.done(i % 5 < 2 ? { kind: 'overload' } : { kind: 'ok', latencyMs: 3 }));
    const before = throttle.snapshot().currentRate;
    expect(before).toBe(900 + (AIMD.increasePerSecond * 1000 * 60) / 1000); // the ok replies' additive increase
    // The next refusal after the cool-down cuts by the share: 21 of 51 refused.
    const [last] = await take(throttle, timer, 1, 50);
    last!.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBeCloseTo(before * (1 - 21 / 51), 6);
    // All refused: the deepest cut is x0.5.
    const rate = throttle.snapshot().currentRate;
    const refused = await take(throttle, timer, 25, 60);
    for (const p of refused) p.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBe(rate);
    const [again] = await take(throttle, timer, 1, 50);
    again!.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBeCloseTo(rate * 0.5, 6);
  });

  it('retry-after: no permits until the time the downstream named, then the schedule resumes smoothly', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const seen = adjustments(throttle);
    const [p] = await take(throttle, timer, 1);
    const pausedAt = timer.now();
    p!.done({ kind: 'overload', retryAfterMs: 2000 });
    const times: number[] = [];
    const queued = Array.from({ length: 5 }, () => throttle.acquire().then((q) => (times.push(timer.now()), q)));
    expect(throttle.snapshot().pausedUntil).toBe(pausedAt + 2000);
    expect(seen).toEqual([{ name: 't', at: pausedAt, from: 100, to: 90, reason: 'retry-after' }]);
    await timer.advance(1999);
    expect(times).toEqual([]);
    await timer.advance(200);
    await Promise.all(queued);
    expect(times[0]).toBe(pausedAt + 2000);
    expect(times.slice(1).map((t, i) => Math.round(t - (times[i] as number)))).toEqual([11, 11, 11, 11]);
    expect(throttle.snapshot().pausedUntil).toBe(0);
  });

  it('honours Retry-After when not adaptive too, without touching the rate', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100, adaptive: false }, timer);
    const [p] = await take(throttle, timer, 1);
    p!.done({ kind: 'overload', retryAfterMs: 500 });
    const next = throttle.acquire().then(() => timer.now());
    const at = timer.now();
    await timer.advance(1000);
    expect(await next).toBe(at + 500);
    expect(throttle.snapshot()).toMatchObject({ currentRate: 100, overloadCount: 1 });
  });

  it("'error' replies are neutral: no cut, no climb", async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const seen = adjustments(throttle);
    const c = consumer(throttle, timer, () => ({ kind: 'error' }));
    await timer.advance(2000);
    await c.stop();
    expect(throttle.snapshot()).toMatchObject({ currentRate: 100, errorCount: c.times.length, okCount: 0 });
    expect(seen).toEqual([]);
  });

  it('climbs back while healthy, reports it about once a second, and never exceeds the maximum', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 200 }, timer);
    const seen = adjustments(throttle);
    const [p] = await take(throttle, timer, 1);
    p!.done({ kind: 'overload' });
    expect(throttle.snapshot().currentRate).toBe(180);
    const rates: number[] = [];
    const c = consumer(throttle, timer, () => {
      rates.push(throttle.snapshot().currentRate);
      return { kind: 'ok', latencyMs: 2 };
    });
    await timer.advance(5000);
    await c.stop();
    // +5% of the maximum per second: 180 → 200 in about 2 s, then it stays there.
    expect(Math.max(...rates)).toBe(200);
    expect(throttle.snapshot().currentRate).toBe(200);
    const recoveries = seen.filter((a) => a.reason === 'recover');
    expect(recoveries.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < recoveries.length; i++) expect(recoveries[i]!.at - recoveries[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(recoveries[0]!.from).toBe(180);
    expect(recoveries.at(-1)!.to).toBe(200);
    expect(throttle.snapshot().latencyMs).toBeCloseTo(2, 5);
  });

  it('does not climb without demand', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100 }, timer);
    const [p] = await take(throttle, timer, 1);
    p!.done({ kind: 'overload' });
    for (let i = 0; i < 10; i++) {
      const permit = await throttle.acquire();
      await timer.advance(500);
      permit.done({ kind: 'ok', latencyMs: 1 });
    }
    expect(throttle.snapshot().currentRate).toBe(90);
  });

  it('does not climb while the permits go out slower than the rate (here: one in flight, 20 ms each)', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('t', { maxRate: 100, maxInFlight: 1 }, timer);
    const [p] = await take(throttle, timer, 1);
    p!.done({ kind: 'overload' });
    const stop = new AbortController();
    const worker = async () => {
      for (;;) {
        const permit = await throttle.acquire(stop.signal).catch(() => undefined);
        if (!permit) return;
        await timer.sleep(20);
        permit.done({ kind: 'ok', latencyMs: 20 });
      }
    };
    const workers = [worker(), worker(), worker()];
    await timer.advance(5000);
    stop.abort(new Error('stop'));
    await timer.advance(100);
    await Promise.all(workers);
    expect(throttle.snapshot().okCount).toBeGreaterThan(200);
    expect(throttle.snapshot().currentRate).toBe(90);
  });

  it('never goes below the floor: default max(1, maxRate/100), or the minRate given', async () => {
    for (const [settings, floor] of [
      [{ maxRate: 500 }, 5],
      [{ maxRate: 50 }, 1],
      [{ maxRate: 0.5 }, 0.5],
      [{ maxRate: 500, minRate: 120 }, 120],
    ] as const) {
      const timer = new FakeTimer(T0);
      const throttle = new Throttle('t', settings, timer);
      const c = consumer(throttle, timer, () => ({ kind: 'overload' }));
      await timer.advance(30_000);
      await c.stop();
      expect(throttle.snapshot().currentRate, JSON.stringify(settings)).toBe(floor);
      expect(throttle.snapshot().minRate).toBe(floor);
    }
  });

  it('settles at the capacity of a simulated downstream and follows a drop and a recovery', async () => {
    const timer = new FakeTimer(T0);
    const throttle = new Throttle('channel:sms', { maxRate: 1000 }, timer);
    // A token bucket refusing above `capacity` per second (burst of 50 ms worth).
    let capacity = 150;
    let tokens = 0;
    let last = timer.now();
    const accepted: number[] = [];
    const reply = (now: number): Feedback => {
      tokens = Math.min(capacity / 20, tokens + ((now - last) * capacity) / 1000);
      last = now;
      if (tokens < 1) return { kind: 'overload' };
      tokens -= 1;
      accepted.push(now);
      return { kind: 'ok', latencyMs: 5 };
    };
    const c = consumer(throttle, timer, reply);
    const rateSamples: { at: number; rate: number }[] = [];
    const sample = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        await timer.advance(100);
        rateSamples.push({ at: timer.now() - T0, rate: throttle.snapshot().currentRate });
      }
    };
    await sample(10_000);
    capacity = 80;
    await sample(10_000);
    capacity = 150;
    await sample(15_000);
    await c.stop();
    const within = (from: number, to: number, target: number, tolerance: number) =>
      rateSamples.filter((s) => s.at > from && s.at <= to).every((s) => Math.abs(s.rate - target) <= target * tolerance);
    expect(within(3000, 10_000, 150, 0.2)).toBe(true);
    expect(within(13_000, 20_000, 80, 0.25)).toBe(true);
    expect(within(28_000, 35_000, 150, 0.2)).toBe(true);
    const acceptedIn = (from: number, to: number) => accepted.filter((t) => t - T0 > from && t - T0 <= to).length / ((to - from) / 1000);
    expect(acceptedIn(3000, 10_000)).toBeGreaterThan(150 * 0.9);
    expect(rateSamples.every((s) => s.rate <= 1000 && s.rate >= 10)).toBe(true);
  });
});
