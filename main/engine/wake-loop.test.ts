import { ManualClock } from '../core/clock.ts';
import { WakeLoop } from './wake-loop.ts';

describe('WakeLoop', () => {
  afterEach(() => vi.useRealTimers());

  it('works, sleeps until the next round is due (bounded), wakes on demand and stops', async () => {
    vi.useFakeTimers();
    const clock = new ManualClock(0);
    let rounds = 0;
    let next = 5_000;
    const loop = new WakeLoop({ work: async () => void rounds++, nextAt: async () => next, clock, minSleepMs: 50, maxSleepMs: 30_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(rounds).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rounds).toBe(2);
    // Nothing due for a day: it still looks every 30 s.
    next = 86_400_000;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rounds).toBe(3);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(rounds).toBe(4);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(5);
    loop.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(rounds).toBe(5);
  });

  it('keeps going after a failed round and reports it', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let rounds = 0;
    const loop = new WakeLoop({
      work: async () => {
        rounds++;
        throw new Error('disk full');
      },
      nextAt: async () => 1_000,
      clock: new ManualClock(0),
      minSleepMs: 50,
      maxSleepMs: 30_000,
      onError: (e) => errors.push(e),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(2_500);
    loop.stop();
    expect(rounds).toBeGreaterThan(2);
    expect(String(errors[0])).toMatch(/disk full/);
  });
});
