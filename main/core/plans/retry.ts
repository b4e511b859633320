/** How failed items are retried: exponential backoff with full jitter, then parked. */
export interface RetryPolicy {
  /** Tries in all (the first one included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

/**
 * The wait before try `attempt + 1` after `attempt` tries failed (attempt ≥ 1), or null when
 * no try is left. Equal jitter (half the exponential step fixed, half random) spreads the retries of
 * a batch that failed together, so they do not hit the recovering downstream at once.
 * `random` is in [0, 1) and injected to keep this pure; at least the server's Retry-After.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: number, retryAfterMs = 0): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(retryAfterMs, Math.round(step / 2 + (random * step) / 2));
}
