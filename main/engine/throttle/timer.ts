/**
 * Time for the throttles: "now" and "wait until then". Production uses {@link realTimer};
 * tests use {@link FakeTimer}, which only moves when told to, so no test sleeps on the wall
 * clock to wait for a schedule and every schedule is exact and repeatable.
 */
export interface Timer {
  /** Epoch milliseconds, possibly fractional (the schedules space permits a few ms apart). */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason once it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The system's time. `now()` is `performance.timeOrigin + performance.now()`: epoch based like
 * `Date.now()` (snapshots show it as a date) but monotonic and sub-millisecond, because at
 * 1000/s the spacing is 1 ms and `Date.now()` can jump with clock corrections.
 */
export const realTimer: Timer = {
  now: () => performance.timeOrigin + performance.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(handle);
        reject(abortReason(signal as AbortSignal));
      };
      const handle = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingSleep {
  at: number;
  seq: number;
  resolve: () => void;
  detach: () => void;
}

/** Lets every queued microtask (and the continuations they start) run. */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A timer for tests: time stands still until {@link FakeTimer.advance}, which moves it
 * forward and resolves the sleeps that fall due, in order of their due time (then of their
 * start), letting the code woken by each run before the next is resolved, so a chain of
 * sleeps within the advanced span plays out exactly as it would in real time.
 */
export class FakeTimer implements Timer {
  private current: number;
  private seq = 0;
  private pending: PendingSleep[] = [];

  /** Starts at `start` epoch ms (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const entry: PendingSleep = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = () => {
        this.pending = this.pending.filter((p) => p !== entry);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(entry);
    });
  }

  /** How many sleeps are waiting. */
  get sleeping(): number {
    return this.pending.length;
  }

  /**
   * Moves time forward by `ms`, resolving due sleeps one at a time in order; resolves once
   * everything woken (and everything it started that fell due within the span) has run.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.current = Math.max(this.current, next.at);
      next.detach();
      next.resolve();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private earliest(): PendingSleep | undefined {
    let best: PendingSleep | undefined;
    for (const p of this.pending) {
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }
}
