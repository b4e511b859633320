/**
 * The rate budget of one downstream (an SMS or webhook gateway, an SMTP server, the rights
 * ledger): every run that uses the downstream asks this one throttle for a permit before it
 * starts an item, and reports how the item went. The throttle
 *
 * - spaces permits evenly, `1000 / rate` ms apart (like Bottleneck's `minTime`, not a window
 *   of N per second that lets N go at once: a gateway that counts per 100 ms or per second
 *   sees the same smooth flow either way);
 * - serves waiters first come, first served across all runs, so one big run cannot starve
 *   another that asked earlier;
 * - optionally bounds the items in progress at once (`maxInFlight`);
 * - adapts the rate to what the downstream accepts (below), between `minRate` and `maxRate`;
 * - honours `Retry-After`: no permit is handed out before the time the downstream named.
 *
 * ## The adaptive algorithm: AIMD with a loss-proportional decrease
 *
 * AIMD (additive increase, multiplicative decrease, as TCP) was chosen over a gradient
 * limiter (Netflix's Gradient2, Vegas): our downstreams say "too much" explicitly (429, 503,
 * timeouts), which is exactly AIMD's signal, while a gradient limiter infers overload from
 * latency growth, needs a stable latency baseline and tuned limits, and in our measurement
 * (shared FACTS.md, "Throttling") Gradient2's defaults never reached the target on a 150/s
 * downstream, whereas a simple AIMD settled in 1-2 s at ~100% of its capacity. Latency is
 * noisy here (a gateway's latency says little about its quota), so it only feeds the
 * snapshot, not the rate.
 *
 * - Decrease, on `overload` (429, 503, other 5xx) and `timeout`: at most once per round
 *   trip, i.e. only for an item that was started after the previous decrease (the replies to
 *   items sent at the old rate say nothing about the new one) and at least
 *   {@link AIMD.coolDownMs} after it. So a burst of 429s from one overload cuts the rate
 *   once, not down to the floor. The cut is multiplicative: by the refused share of the
 *   replies received so far for items sent since the previous cut (if a downstream accepts C
 *   of the R/s we send, the share is 1 - C/R, and R x (1 - share) = C), bounded to
 *   [{@link AIMD.deepestCut}, {@link AIMD.gentlestCut}], as DCTCP scales its cut by the share
 *   of marked packets. Far above capacity (1000/s sent to a 150/s gateway) the rate gets
 *   there in 3-4 cuts instead of the ~18 that a fixed x0.9 needs, wasting fewer requests on
 *   429s; near capacity the share is small and the cut is the gentle x0.9, so the sawtooth
 *   stays close to capacity (simulated: 145-161/s around 150/s, 2% refused). With fewer than
 *   {@link AIMD.minSamples} such replies the share is not trusted and the cut is x0.9 (a
 *   plain AIMD: long round trips with few items in flight).
 *   Measured (bench/throttle-compare.ts, loopback gateway of 150/s, from 1000/s): the
 *   accepted rate holds within 10% of capacity after 1.1-1.4 s, with 7-11% of requests
 *   refused over 10 s (mostly in the first second); a fixed 1000/s limiter has 85% refused.
 * - Increase, on `ok` while there is demand (callers were waiting for the rate) and the
 *   permits actually go out at (90% of) the current rate: additive,
 *   {@link AIMD.increasePerSecond} x `maxRate` per second of healthy operation (5%: from the
 *   floor back to the maximum in about 20 s), never above `maxRate`.
 * - `error` (a 400, a refused address) is neutral: it says nothing about load.
 * - `minRate` (default `max(1, maxRate / 100)`) is the floor: the rate never goes below it, so
 *   probing continues even against a downstream that refuses everything.
 *
 * The throttle starts at `maxRate`: the budget configured is what the user expects, and an
 * overloaded downstream brings it down within a second or two.
 *
 * Listeners hear of every decrease, every `configure` and every `Retry-After` pause as it
 * happens, and of recovery increases at most once per {@link AIMD.recoverReportMs} (the rate
 * climbs a little with every reply; the UI needs the trend, not each step).
 */
import { BugError, CampaignError } from '../../core/errors/campaign-error.ts';
import type { Timer } from './timer.ts';

export interface ThrottleSettings {
  /** Items per second, > 0: the budget, and the adaptive rate's ceiling. */
  maxRate: number;
  /** The adaptive rate's floor, > 0 and <= maxRate. Default `max(1, maxRate / 100)` (capped at maxRate). */
  minRate?: number;
  /** Adapt the rate to the downstream's replies. Default true; when false the rate is maxRate. */
  adaptive?: boolean;
  /** At most this many permits not yet `done` at once. Default: no limit. */
  maxInFlight?: number;
}

/**
 * How an item went, as far as the downstream's load is concerned:
 * - `ok`: accepted (its latency is kept for the snapshot);
 * - `overload`: refused for load: HTTP 429, 503 and other 5xx, SMTP 421/451; `retryAfterMs`
 *   when the downstream said when to come back (HTTP `Retry-After`);
 * - `timeout`: no answer in time (the downstream may be drowning);
 * - `error`: failed for another reason (400, a bad address): neutral for the rate.
 */
export type Feedback =
  | { kind: 'ok'; latencyMs: number }
  | { kind: 'overload'; retryAfterMs?: number }
  | { kind: 'timeout' }
  | { kind: 'error' };

export type AdjustReason = 'overload' | 'timeout' | 'retry-after' | 'recover' | 'configured';

/** A change of a throttle's rate (or a pause), for the UI and the run log. */
export interface Adjustment {
  /** The downstream, e.g. `channel:webhook`. */
  name: string;
  /** Epoch ms. */
  at: number;
  /** Items per second before and after. */
  from: number;
  to: number;
  reason: AdjustReason;
}

export interface ThrottleSnapshot {
  name: string;
  maxRate: number;
  /** The floor in effect. */
  minRate: number;
  /** The rate permits are spaced at now (items per second). */
  currentRate: number;
  adaptive: boolean;
  /** null: no limit. */
  maxInFlight: number | null;
  /** Permits handed out and not yet done. */
  inFlight: number;
  /** Callers waiting for a permit. */
  waiting: number;
  /** Epoch ms until which no permit is handed out (`Retry-After`), or 0. */
  pausedUntil: number;
  okCount: number;
  overloadCount: number;
  timeoutCount: number;
  errorCount: number;
  /** Mean latency of the recent `ok` items (ms), or null before the first. */
  latencyMs: number | null;
  lastAdjustment?: Adjustment;
}

/** Leave to start one item; report how it went exactly once. */
export interface Permit {
  /** When the permit was handed out (epoch ms). */
  readonly issuedAt: number;
  /** Reports the item's outcome and frees its in-flight place. Later calls are ignored. */
  done(feedback: Feedback): void;
}

/** The adaptive algorithm's parameters (see the file's comment). */
export const AIMD = {
  /** The cut when the refused share is small or unknown. */
  gentlestCut: 0.9,
  /** The deepest cut in one round trip. */
  deepestCut: 0.5,
  /** Replies needed in a round trip before its refused share sets the cut. */
  minSamples: 20,
  /** The least time between two decreases (ms), even when round trips are shorter. */
  coolDownMs: 100,
  /** Additive increase per second of healthy operation, as a share of maxRate. */
  increasePerSecond: 0.05,
  /** Recovery increases are reported at most this often (ms). */
  recoverReportMs: 1000,
  /** A longer `Retry-After` is shortened to this (ms): a bogus value must not stall a campaign for days. */
  maxRetryAfterMs: 10 * 60_000,
} as const;

/** Weight of a new `ok` latency in the moving mean. */
const LATENCY_WEIGHT = 0.1;
/** Weight of a new gap between permits in the moving mean (about the last 20 permits). */
const GAP_WEIGHT = 0.05;
/** The rate grows only while the permits actually go out at least this share of it. */
const ACHIEVED_SHARE = 0.9;

interface Waiter {
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  enqueuedAt: number;
  signal: AbortSignal | undefined;
  cancelled: boolean;
}

interface ResolvedSettings {
  maxRate: number;
  minRate: number | undefined;
  adaptive: boolean;
  maxInFlight: number;
}

function defaultMinRate(maxRate: number): number {
  return Math.max(1, maxRate / 100);
}

/**
 * How much lateness (ms) of a wake-up is made up for (the permits due meanwhile go at once)
 * instead of lost. Timers fire a millisecond or more late, more on a busy machine; making it
 * up keeps the average rate exact, and the bound (about one interval) keeps the catch-up
 * from turning into a burst.
 */
function lateTolerance(intervalMs: number): number {
  return Math.min(25, Math.max(4, intervalMs));
}

/** What the throttle remembers of a permit to judge its reply. */
interface Issue {
  /** The decrease epoch it was issued in: replies from older epochs are stale. */
  epoch: number;
  /** Whether callers were waiting for the rate when it was issued (demand for more). */
  limited: boolean;
}

class ThrottlePermit implements Permit {
  private finished = false;
  constructor(
    readonly issuedAt: number,
    private readonly onDone: (feedback: Feedback) => void,
  ) {}

  done(feedback: Feedback): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone(feedback);
  }
}

/** The rate budget of one downstream. See the file's comment. */
export class Throttle {
  private settings: ResolvedSettings;
  private rate: number;

  /** FIFO of waiters; `head` is the first not yet served (cancelled ones are skipped). */
  private queue: Waiter[] = [];
  private head = 0;
  private waitingCount = 0;
  private inFlight = 0;

  /** The scheduled time of the last permit; the next is due one interval later. */
  private lastSlot = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private wake: { at: number; controller: AbortController } | undefined;
  private pumpQueued = false;

  /** Incremented by each decrease: replies to permits of older epochs are stale. */
  private epoch = 0;
  private epochOk = 0;
  private epochBad = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private lastIncreaseAt: number;
  /** The last rate listeners heard of, and when: recovery is reported against it. */
  private reported: { at: number; rate: number };

  private okCount = 0;
  private overloadCount = 0;
  private timeoutCount = 0;
  private errorCount = 0;
  private latency: number | null = null;
  private lastIssueAt: number | undefined;
  /** Moving mean of the time between permits (ms); 0 before the second. */
  private meanGap = 0;
  private lastAdjustment: Adjustment | undefined;
  private readonly listeners = new Set<(a: Adjustment) => void>();
  private readonly signals = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  constructor(
    readonly name: string,
    settings: ThrottleSettings,
    private readonly timer: Timer,
  ) {
    this.settings = resolve(name, settings);
    this.rate = this.settings.maxRate;
    const now = timer.now();
    this.lastIncreaseAt = now;
    this.reported = { at: now, rate: this.rate };
  }

  /** The floor in effect. */
  private get minRate(): number {
    const { minRate, maxRate } = this.settings;
    return Math.min(maxRate, minRate ?? defaultMinRate(maxRate));
  }

  /**
   * Resolves when the caller may start its item (FIFO across callers). Rejects with the
   * signal's reason when it is aborted first; the place in the queue is freed.
   */
  acquire(signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolvePermit, reject) => {
      const waiter: Waiter = { resolve: resolvePermit, reject, enqueuedAt: this.timer.now(), signal, cancelled: false };
      if (signal) this.watch(signal, waiter);
      this.queue.push(waiter);
      this.waitingCount++;
      this.schedulePump();
    });
  }

  /**
   * One abort listener per signal, however many of its callers wait: a run typically passes
   * its one signal with thousands of items, and a listener each would be slow to remove
   * and trip Node's leak warning.
   */
  private watch(signal: AbortSignal, waiter: Waiter): void {
    let group = this.signals.get(signal);
    if (!group) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        this.signals.delete(signal);
        for (const w of waiters) {
          w.cancelled = true;
          this.waitingCount--;
          w.reject(signal.reason);
        }
        this.compact();
        this.schedulePump();
      };
      group = { waiters, onAbort };
      this.signals.set(signal, group);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    group.waiters.add(waiter);
  }

  /** A served waiter no longer listens to its signal. */
  private unwatch(waiter: Waiter): void {
    if (!waiter.signal) return;
    const group = this.signals.get(waiter.signal);
    if (!group) return;
    group.waiters.delete(waiter);
    if (group.waiters.size === 0) {
      waiter.signal.removeEventListener('abort', group.onAbort);
      this.signals.delete(waiter.signal);
    }
  }

  /**
   * Changes settings live; omitted fields keep their value (`minRate: undefined` returns to
   * the default floor). The next permits use them: lowering `maxRate` below the current rate
   * clamps it at once; raising it lifts the rate with it when the rate was at the old maximum
   * (no sign of overload), otherwise the rate climbs to it as the downstream stays healthy.
   * Throws CampaignError TH_* for invalid values (nothing is changed then).
   */
  configure(settings: Partial<ThrottleSettings>): void {
    const previous = this.settings;
    const next = resolve(this.name, {
      maxRate: settings.maxRate ?? previous.maxRate,
      minRate: 'minRate' in settings ? settings.minRate : previous.minRate,
      adaptive: settings.adaptive ?? previous.adaptive,
      maxInFlight: 'maxInFlight' in settings ? settings.maxInFlight : previous.maxInFlight,
    });
    const from = this.rate;
    this.settings = next;
    if (!next.adaptive || (next.maxRate > previous.maxRate && from >= previous.maxRate)) this.rate = next.maxRate;
    this.rate = Math.min(next.maxRate, Math.max(this.minRate, this.rate));
    const now = this.timer.now();
    this.lastIncreaseAt = now;
    this.reported = { at: now, rate: this.rate };
    this.schedulePump();
    this.emit({ name: this.name, at: now, from, to: this.rate, reason: 'configured' });
  }

  /** The settings in effect (a copy). */
  getSettings(): ThrottleSettings {
    const { maxRate, minRate, adaptive, maxInFlight } = this.settings;
    return {
      maxRate,
      ...(minRate === undefined ? {} : { minRate }),
      adaptive,
      ...(Number.isFinite(maxInFlight) ? { maxInFlight } : {}),
    };
  }

  snapshot(): ThrottleSnapshot {
    const now = this.timer.now();
    return {
      name: this.name,
      maxRate: this.settings.maxRate,
      minRate: this.minRate,
      currentRate: this.rate,
      adaptive: this.settings.adaptive,
      maxInFlight: Number.isFinite(this.settings.maxInFlight) ? this.settings.maxInFlight : null,
      inFlight: this.inFlight,
      waiting: this.waitingCount,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : 0,
      okCount: this.okCount,
      overloadCount: this.overloadCount,
      timeoutCount: this.timeoutCount,
      errorCount: this.errorCount,
      latencyMs: this.latency,
      ...(this.lastAdjustment ? { lastAdjustment: this.lastAdjustment } : {}),
    };
  }

  /** Calls `listener` on every adjustment; returns the function that stops it. */
  onAdjust(listener: (a: Adjustment) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A permit's `done` (once per permit). */
  private settle(permit: Issue, feedback: Feedback): void {
    this.inFlight--;
    const now = this.timer.now();
    const current = permit.epoch === this.epoch;
    let adjustment: Adjustment | undefined;
    switch (feedback.kind) {
      case 'ok':
        this.okCount++;
        if (current) this.epochOk++;
        if (Number.isFinite(feedback.latencyMs) && feedback.latencyMs >= 0) {
          this.latency = this.latency === null ? feedback.latencyMs : this.latency + LATENCY_WEIGHT * (feedback.latencyMs - this.latency);
        }
        if (this.settings.adaptive) adjustment = this.increase(now, permit.limited);
        break;
      case 'overload':
      case 'timeout': {
        if (feedback.kind === 'overload') this.overloadCount++;
        else this.timeoutCount++;
        if (current) this.epochBad++;
        const from = this.rate;
        const paused = feedback.kind === 'overload' && this.pause(now, feedback.retryAfterMs);
        const cut = this.settings.adaptive && current && now - this.lastDecreaseAt >= AIMD.coolDownMs && this.decrease(now);
        if (paused || cut) {
          const reason = paused ? 'retry-after' : feedback.kind;
          adjustment = { name: this.name, at: now, from, to: this.rate, reason };
        }
        break;
      }
      case 'error':
        this.errorCount++;
        break;
    }
    this.schedulePump();
    if (adjustment) this.emit(adjustment);
  }

  /** Honours a `Retry-After`; true when it starts a pause or lengthens one by a second or more (worth telling). */
  private pause(now: number, retryAfterMs: number | undefined): boolean {
    if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return false;
    const until = now + Math.min(retryAfterMs, AIMD.maxRetryAfterMs);
    if (until <= this.pausedUntil) return false;
    const notable = this.pausedUntil <= now || until - this.pausedUntil >= 1000;
    this.pausedUntil = until;
    return notable;
  }

  /** The multiplicative decrease; false when the rate is already at the floor. */
  private decrease(now: number): boolean {
    const samples = this.epochOk + this.epochBad;
    const share = samples >= AIMD.minSamples ? this.epochBad / samples : 0;
    const factor = Math.min(AIMD.gentlestCut, Math.max(AIMD.deepestCut, 1 - share));
    const to = Math.max(this.minRate, this.rate * factor);
    // A new round trip starts even at the floor: replies to what was sent before are stale.
    this.epoch++;
    this.epochOk = 0;
    this.epochBad = 0;
    this.lastDecreaseAt = now;
    this.lastIncreaseAt = now;
    if (to >= this.rate) return false;
    this.rate = to;
    this.reported = { at: now, rate: to };
    return true;
  }

  /** The additive increase, for the time since the last one while there was demand. */
  private increase(now: number, limited: boolean): Adjustment | undefined {
    const elapsed = Math.min(1000, Math.max(0, now - this.lastIncreaseAt));
    this.lastIncreaseAt = now;
    // Only a rate that is actually being sent has been shown healthy: when permits go out
    // slower than the rate (a busy event loop, late timers), raising it would only build a
    // burst for later.
    const achieved = this.meanGap > 0 ? 1000 / this.meanGap : Number.POSITIVE_INFINITY;
    if (limited && achieved >= this.rate * ACHIEVED_SHARE && this.rate < this.settings.maxRate) {
      this.rate = Math.min(this.settings.maxRate, this.rate + (AIMD.increasePerSecond * this.settings.maxRate * elapsed) / 1000);
    }
    if (now - this.reported.at < AIMD.recoverReportMs || this.rate <= this.reported.rate) return undefined;
    const adjustment: Adjustment = { name: this.name, at: now, from: this.reported.rate, to: this.rate, reason: 'recover' };
    this.reported = { at: now, rate: this.rate };
    return adjustment;
  }

  /** Keeps the moving mean of the time between permits (the rate actually sent). */
  private meterIssue(now: number): void {
    if (this.lastIssueAt !== undefined) {
      const gap = Math.min(now - this.lastIssueAt, 60_000);
      this.meanGap = this.meanGap === 0 ? gap : this.meanGap + GAP_WEIGHT * (gap - this.meanGap);
    }
    this.lastIssueAt = now;
  }

  private emit(adjustment: Adjustment): void {
    this.lastAdjustment = adjustment;
    for (const listener of [...this.listeners]) listener(adjustment);
  }

  /**
   * Runs the pump once the caller's synchronous code is done (a microtask), however many
   * acquire/done/configure calls it made: permits are handed out from the event loop, so a
   * caller busy for 30 ms between its calls does not get the permits that fell due meanwhile
   * all at once when it looks up (only the tolerated catch-up).
   */
  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Hands out every permit that is due, then sleeps until the next one is. */
  private pump(): void {
    const now = this.timer.now();
    while (this.waitingCount > 0 && this.inFlight < this.settings.maxInFlight) {
      const interval = 1000 / this.rate;
      const scheduled = this.lastSlot + interval;
      const due = Math.max(this.pausedUntil, scheduled);
      if (due > now) {
        this.arm(due);
        return;
      }
      const waiter = this.dequeue();
      // Keep the schedule through a late wake-up, up to the tolerance (exact average rate);
      // but a caller that came after its slot (an idle spell) or a pause restarts it: no
      // burst to "catch up" on time nobody was waiting.
      this.lastSlot = Math.max(scheduled, now - lateTolerance(interval), waiter.enqueuedAt, this.pausedUntil);
      this.inFlight++;
      this.unwatch(waiter);
      const issue: Issue = { epoch: this.epoch, limited: this.waitingCount > 0 || now > waiter.enqueuedAt };
      this.meterIssue(now);
      waiter.resolve(new ThrottlePermit(now, (feedback) => this.settle(issue, feedback)));
    }
    this.disarm();
  }

  private dequeue(): Waiter {
    for (;;) {
      const waiter = this.queue[this.head++];
      if (!waiter) throw new BugError('throttle queue empty while waiters are counted');
      if (waiter.cancelled) continue;
      waiter.cancelled = true; // served: a late abort must not count it again
      this.waitingCount--;
      this.compact();
      return waiter;
    }
  }

  /** Drops served and cancelled waiters from the front of the queue now and then. */
  private compact(): void {
    if (this.waitingCount === 0) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private arm(at: number): void {
    if (this.wake && this.wake.at <= at) return; // an earlier wake-up re-checks anyway
    this.disarm();
    const wake = { at, controller: new AbortController() };
    this.wake = wake;
    this.timer.sleep(at - this.timer.now(), wake.controller.signal).then(
      () => {
        if (this.wake !== wake) return;
        this.wake = undefined;
        this.pump();
      },
      () => undefined, // disarmed
    );
  }

  private disarm(): void {
    if (!this.wake) return;
    this.wake.controller.abort();
    this.wake = undefined;
  }
}

/** Throws CampaignError TH_* when `settings` are not valid for a throttle (`name` is for the message). */
export function validateThrottleSettings(name: string, settings: ThrottleSettings): void {
  resolve(name, settings);
}

function resolve(name: string, settings: ThrottleSettings): ResolvedSettings {
  const { maxRate, minRate, adaptive = true, maxInFlight } = settings;
  const positive = (v: number) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!positive(maxRate)) throw new CampaignError('TH_BAD_RATE', { downstream: name, setting: 'maxRate', value: String(maxRate) });
  if (minRate !== undefined) {
    if (!positive(minRate)) throw new CampaignError('TH_BAD_RATE', { downstream: name, setting: 'minRate', value: String(minRate) });
    if (minRate > maxRate) throw new CampaignError('TH_MIN_ABOVE_MAX', { downstream: name, minRate, maxRate });
  }
  if (maxInFlight !== undefined && maxInFlight !== Number.POSITIVE_INFINITY && !(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
    throw new CampaignError('TH_BAD_IN_FLIGHT', { downstream: name, value: String(maxInFlight) });
  }
  return { maxRate, minRate, adaptive, maxInFlight: maxInFlight ?? Number.POSITIVE_INFINITY };
}
