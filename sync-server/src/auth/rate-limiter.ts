/** Requests per second with a burst allowance, per credential. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key (a credential id): `burst` requests at once, refilled at
 * `perSecond`. In memory per server node, so N nodes allow up to N times the rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** Whether a token is left, without taking it. */
  has(key: string, now: number): boolean {
    const bucket = this.buckets.get(key);
    return !bucket || bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= 1;
  }

  /** Takes one token; answers how long to wait (ms) when none is left. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const { perSecond, burst } = this.limit;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    if (this.buckets.size > 10_000) this.prune(now);
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / perSecond) * 1000) };
  }

  /** Forgets full buckets (they would start full anyway). */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(key);
    }
  }
}
