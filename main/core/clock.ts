/**
 * The source of "now" for everything time-dependent. Production passes the system clock;
 * tests pass a manual clock, so no test sleeps to wait for a schedule.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** A clock that only moves when told to (tests, simulations). */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
