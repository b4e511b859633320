import { errorFromResponse, parseEventBlock } from './sync-http-client.ts';

describe('sync HTTP client', () => {
  it('reads Server-Sent-Events blocks', () => {
    expect(parseEventBlock('data: "RESYNC"')).toEqual({ event: 'message', data: '"RESYNC"' });
    expect(parseEventBlock(': ping')).toBeNull();
    expect(parseEventBlock('retry: 1000')).toBeNull();
    expect(parseEventBlock('event: refused\ndata: {"a":\ndata: 1}')).toEqual({ event: 'refused', data: '{"a":\n1}' });
  });

  it('rebuilds the server’s errors, and names anything else', () => {
    const refused = errorFromResponse('http://s', 403, JSON.stringify({ error: { code: 'SY_FORBIDDEN', message: 'x', params: { role: 'store', action: 'manage' } } }));
    expect(refused.code).toBe('SY_FORBIDDEN');
    expect(refused.params).toEqual({ role: 'store', action: 'manage' });
    const proxy = errorFromResponse('http://s', 502, '<html>Bad Gateway</html>');
    expect(proxy.code).toBe('SY_BAD_RESPONSE');
    expect(proxy.message).toContain('HTTP 502');
  });
});
