import { sql } from 'kysely';
import type { SyncDatabase } from '../db/open-database.ts';
import type { RateLimit, RateLimiter } from './rate-limiter.ts';

/** Takes one request's token for a key; answers how long to wait (ms) when none is left. */
export interface CredentialLimiter {
  take(key: string, now: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}

/** The in-memory token bucket as a `CredentialLimiter` (one node: the SQLite server). */
export function localLimiter(limiter: RateLimiter): CredentialLimiter {
  return { take: (key, now) => Promise.resolve(limiter.take(key, now)) };
}

/**
 * A token bucket per credential kept in the database, so every server node behind a load
 * balancer draws from the same budget (PostgreSQL). One statement per request: an upsert that
 * refills the bucket for the time passed, takes a token when there is one, and says whether it
 * did; the row lock orders concurrent requests of one credential across nodes. Nodes' clocks
 * may differ a little: time never runs backwards for a bucket (a negative gap counts as 0).
 */
export function sharedLimiter(database: SyncDatabase, limit: RateLimit): CredentialLimiter {
  const perMs = limit.perSecond / 1000;
  // Typed parameters: PostgreSQL cannot infer a bare parameter's type inside CASE.
  const rate = sql`cast(${perMs} as double precision)`;
  const burst = sql`cast(${limit.burst} as double precision)`;
  return {
    async take(key, now) {
      const at = sql`cast(${now} as bigint)`;
      const gap = sql`(case when ${at} > rate_buckets.at then ${at} - rate_buckets.at else 0 end)`;
      const refilled = sql`(case when rate_buckets.tokens + ${gap} * ${rate} > ${burst} then ${burst} else rate_buckets.tokens + ${gap} * ${rate} end)`;
      const row = await database.db
        .insertInto('rate_buckets')
        .values({ key, tokens: limit.burst - 1, at: now, granted: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
            at: sql`case when ${at} > rate_buckets.at then ${at} else rate_buckets.at end`,
            granted: sql`case when ${refilled} >= 1 then 1 else 0 end`,
          }),
        )
        .returning(['tokens', 'granted'])
        .executeTakeFirstOrThrow();
      if (Number(row.granted) === 1) return { ok: true };
      return { ok: false, retryAfterMs: Math.ceil((1 - Number(row.tokens)) / perMs) };
    },
  };
}
