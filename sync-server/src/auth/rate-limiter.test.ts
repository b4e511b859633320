import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows a burst, then the rate, per key', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    const at = (t: number, key = 'a') => limiter.take(key, t);
    expect([at(0), at(0), at(0)].every((r) => r.ok)).toBe(true);
    expect(at(0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(at(0, 'b').ok).toBe(true);
    expect(at(499).ok).toBe(false);
    expect(at(500).ok).toBe(true);
    expect(at(10_000).ok).toBe(true);
  });

  it('tells whether a token is left without taking it', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.has('a', 0)).toBe(true);
    expect(limiter.has('a', 0)).toBe(true);
    limiter.take('a', 0);
    expect(limiter.has('a', 0)).toBe(false);
    expect(limiter.has('a', 1000)).toBe(true);
  });
});
