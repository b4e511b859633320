import { describe, expect, it } from 'vitest';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { classifySendError, excerpt, parseRetryAfter, redactUrl, requireAddress, toSendError } from './channel.ts';
import { testMessage } from './test-support.ts';

const NOW = Date.UTC(2026, 2, 8, 1, 2, 3);

describe('classifySendError', () => {
  it('follows the retry policy of each code', () => {
    const cases: [CampaignError, boolean, boolean][] = [
      [new CampaignError('CH_RATE_LIMITED', { retryAfterMs: 5000 }), true, true],
      [new CampaignError('CH_UNAVAILABLE', { retryAfterMs: null }), true, true],
      [new CampaignError('CH_TIMEOUT'), true, true],
      [new CampaignError('CH_NETWORK'), true, false],
      [new CampaignError('CH_DEFERRED'), true, false],
      [new CampaignError('CH_CANCELLED'), true, false],
      [new CampaignError('CH_CLOSED'), true, false],
      [new CampaignError('CH_OUTBOX'), true, false],
      [new CampaignError('CH_REJECTED'), false, false],
      [new CampaignError('CH_NO_ADDRESS'), false, false],
      [new CampaignError('CH_AUTH'), false, false],
      [new CampaignError('TP_MISSING_VALUE'), false, false],
    ];
    for (const [error, retryable, overload] of cases) {
      expect(classifySendError(error), error.code).toMatchObject({ retryable, overload, error });
    }
    expect(classifySendError(cases[0]?.[0]).retryAfterMs).toBe(5000);
    expect('retryAfterMs' in classifySendError(cases[1]?.[0])).toBe(false);
  });

  it('reads raw errors of plugin channels and libraries', () => {
    expect(classifySendError(new DOMException('timed out', 'TimeoutError'))).toMatchObject({ retryable: true, overload: true, error: { code: 'CH_TIMEOUT' } });
    expect(classifySendError(new DOMException('aborted', 'AbortError')).error.code).toBe('CH_CANCELLED');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(classifySendError(refused)).toMatchObject({ retryable: true, overload: false, error: { code: 'CH_NETWORK', params: { reason: 'connect ECONNREFUSED 127.0.0.1:9' } } });
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(toSendError(fetchFailed, { channel: 'w' }).params).toMatchObject({ channel: 'w', reason: 'UND_ERR_SOCKET: other side closed' });
    // A bug must not make the executor hammer a receiver.
    const bug = classifySendError(new RangeError('x is undefined'));
    expect(bug).toMatchObject({ retryable: false, overload: false, error: { code: 'SYS_INTERNAL' } });
    expect(bug.error.cause).toBeInstanceOf(RangeError);
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter(new Date(NOW - 90_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });

  it('keeps tokens out of error messages and excerpts short', () => {
    expect(redactUrl('https://user:pw@gw.example.com:8443/hook?token=secret#x')).toBe('https://gw.example.com:8443/hook');
    expect(excerpt('  a\n\n b  ')).toBe('a b');
    expect(excerpt('x'.repeat(300))).toHaveLength(201);
  });

  it('requires the address a customer channel needs', () => {
    expect(requireAddress(testMessage(), 'c', 'phone')).toBe('+8613800000000');
    expect(() => requireAddress(testMessage({ to: { name: 'A', phone: '  ' } }), 'c', 'phone')).toThrow(
      expect.objectContaining({ code: 'CH_NO_ADDRESS', params: expect.objectContaining({ field: 'phone', fieldZh: '手机号', channel: 'c' }) }),
    );
  });
});
