import type { Clock } from '../core/clock.ts';

export interface WakeLoopOptions {
  /** The work of one round (deduplicated by its owner when called concurrently). */
  work: () => Promise<void>;
  /** When the next round is due (epoch ms); the loop sleeps until then. */
  nextAt: () => Promise<number>;
  clock: Clock;
  /** Shortest and longest sleep: the longest bounds how late a changed wall clock or a resumed laptop is noticed. */
  minSleepMs: number;
  maxSleepMs: number;
  onError?: (error: unknown) => void;
}

/**
 * The timer loop of the scheduler and the executor in the app: a round of work, then sleep
 * until the next round is due (bounded), until stopped; `wake()` starts a round now. Tests do
 * not start it: they call the work themselves with a manual clock.
 */
export class WakeLoop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: WakeLoopOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.round();
  }

  wake(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.round();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    try {
      await this.options.work();
    } catch (error) {
      this.options.onError?.(error);
    }
    if (!this.running) return;
    const next = await this.options.nextAt().catch(() => Number.POSITIVE_INFINITY);
    const wait = Math.max(this.options.minSleepMs, Math.min(this.options.maxSleepMs, next - this.options.clock.now()));
    clearTimeout(this.timer);
    if (this.running) this.timer = setTimeout(() => void this.round(), wait);
  }
}
