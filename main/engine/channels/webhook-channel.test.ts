import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { classifySendError } from './channel.ts';
import { closedPort, testMessage, TestHttpServer } from './test-support.ts';
import { signWebhook, verifyWebhookSignature, WebhookChannel, type WebhookConfigInput } from './webhook-channel.ts';

const SECRET = 'a-shared-secret-of-32-characters';
// A whole second, so an HTTP date (second precision) converts back exactly.
const NOW = Date.UTC(2026, 2, 8, 1, 2, 3);

async function failure(promise: Promise<unknown>): Promise<CampaignError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

describe('WebhookChannel', () => {
  const server = new TestHttpServer();
  let url: string;
  let clock: ManualClock;
  let channel: WebhookChannel;
  const make = (overrides: Partial<WebhookConfigInput> = {}) =>
    new WebhookChannel({ kind: 'webhook', id: 'sms-gateway', url: `${url}/hooks/sms?token=t0p`, secret: SECRET, ...overrides }, clock);

  beforeEach(async () => {
    url = await server.start();
    server.requests.length = 0;
    clock = new ManualClock(NOW);
    channel = make({ headers: { 'X-Tenant': 'shop-42' } });
  });
  afterEach(async () => {
    await channel.close();
    await server.stop();
  });

  it('posts the signed JSON payload with an Idempotency-Key and returns the gateway’s id', async () => {
    server.handler = (_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ id: 'gw-123' }));
    const message = testMessage();
    await expect(channel.send(message)).resolves.toEqual({ providerMessageId: 'gw-123' });

    const [request] = server.requests;
    expect(request).toBeDefined();
    if (!request) return;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/sms?token=t0p');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(message.id);
    expect(request.headers['x-tenant']).toBe('shop-42');
    expect(request.headers['x-campaigndesk-timestamp']).toBe(String(NOW / 1000));
    expect(JSON.parse(request.body)).toEqual({ ...message, sentAt: '2026-03-08T01:02:03.000Z' });
    // The receiver's side: the signature checks out with the secret, and only with it.
    const signed = { timestamp: request.headers['x-campaigndesk-timestamp'] as string, signature: request.headers['x-campaigndesk-signature'] as string, body: request.body };
    expect(signed.signature).toBe(signWebhook(SECRET, signed.timestamp, request.body));
    expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, signed, NOW)).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-enough-length', signed, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...signed, body: request.body.replace('王小明', '王大明') }, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signed, NOW + 301_000)).toBe(false);
  });

  it('falls back to the Idempotency-Key as provider id, and accepts messageId', async () => {
    server.handler = (_req, res) => res.end('accepted');
    await expect(channel.send(testMessage({ id: 'm-2' }))).resolves.toEqual({ providerMessageId: 'm-2' });
    server.handler = (_req, res) => res.end(JSON.stringify({ messageId: 77 }));
    await expect(channel.send(testMessage())).resolves.toEqual({ providerMessageId: '77' });
  });

  it('reports 429 as a rate limit with Retry-After in seconds', async () => {
    server.handler = (_req, res) => res.writeHead(429, { 'Retry-After': '30' }).end('slow down');
    const error = await failure(channel.send(testMessage()));
    expect(error.code).toBe('CH_RATE_LIMITED');
    expect(error.params).toMatchObject({ channel: 'sms-gateway', status: 429, target: `${url}/hooks/sms` });
    expect(error.message).not.toContain('t0p');
    expect(classifySendError(error)).toMatchObject({ retryable: true, overload: true, retryAfterMs: 30_000 });
  });

  it('reports 429 with Retry-After as an HTTP date', async () => {
    server.handler = (_req, res) => res.writeHead(429, { 'Retry-After': new Date(NOW + 120_000).toUTCString() }).end();
    expect(classifySendError(await failure(channel.send(testMessage())))).toMatchObject({ retryable: true, overload: true, retryAfterMs: 120_000 });
  });

  it('reports 503 as unavailable (retry, overload) and 501 as rejected', async () => {
    server.handler = (_req, res) => res.writeHead(503).end('maintenance');
    const error = await failure(channel.send(testMessage()));
    expect(error).toMatchObject({ code: 'CH_UNAVAILABLE', params: { status: 503, detail: 'maintenance' } });
    expect(classifySendError(error)).toMatchObject({ retryable: true, overload: true });
    expect(classifySendError(error).retryAfterMs).toBeUndefined();
    server.handler = (_req, res) => res.writeHead(501).end();
    expect((await failure(channel.send(testMessage()))).code).toBe('CH_REJECTED');
  });

  it('reports 400 as a permanent rejection with the status and a body excerpt', async () => {
    server.handler = (_req, res) => res.writeHead(400).end(JSON.stringify({ error: 'invalid phone number', detail: 'x'.repeat(500) }));
    const error = await failure(channel.send(testMessage()));
    expect(error.code).toBe('CH_REJECTED');
    expect(error.params.status).toBe(400);
    expect(String(error.params.detail)).toMatch(/^\{"error":"invalid phone number"/);
    expect(String(error.params.detail).length).toBeLessThanOrEqual(201);
    expect(error.localized('zh-CN')).toContain('拒收了消息');
    expect(classifySendError(error)).toMatchObject({ retryable: false, overload: false });
  });

  it('reports a redirect as rejected instead of following it with a GET', async () => {
    server.handler = (_req, res) => res.writeHead(302, { Location: '/moved?secret=1' }).end();
    const error = await failure(channel.send(testMessage()));
    expect(error.params).toMatchObject({ status: 302, detail: `redirected to ${url}/moved` });
    expect(server.requests).toHaveLength(1);
  });

  it('times out on a server that never answers', async () => {
    server.handler = () => undefined;
    const quick = make({ timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(quick.send(testMessage()));
    expect(error).toMatchObject({ code: 'CH_TIMEOUT', params: { timeoutMs: 300 } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(classifySendError(error)).toMatchObject({ retryable: true, overload: true });
  });

  it('reports a refused connection as a network error', async () => {
    const refused = make({ url: `http://127.0.0.1:${await closedPort()}/hook` });
    const error = await failure(refused.send(testMessage()));
    expect(error.code).toBe('CH_NETWORK');
    expect(String(error.params.reason)).toContain('ECONNREFUSED');
    expect(classifySendError(error)).toMatchObject({ retryable: true, overload: false });
  });

  it('stops on the caller’s signal (CH_CANCELLED) and on close (CH_CLOSED)', async () => {
    server.handler = () => undefined;
    const controller = new AbortController();
    const pending = failure(channel.send(testMessage(), controller.signal));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect((await pending).code).toBe('CH_CANCELLED');
    expect((await failure(channel.send(testMessage(), controller.signal))).code).toBe('CH_CANCELLED');

    const inFlight = failure(channel.send(testMessage()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await channel.close();
    expect((await inFlight).code).toBe('CH_CLOSED');
    expect((await failure(channel.send(testMessage()))).code).toBe('CH_CLOSED');
  });

  it('validates its settings', () => {
    const bad = (config: Record<string, unknown>) => {
      try {
        new WebhookChannel({ kind: 'webhook', id: 'w', url: 'https://gw.example.com/x', secret: SECRET, ...config } as WebhookConfigInput);
      } catch (error) {
        if (error instanceof CampaignError) return [error.code, error.params.path];
      }
      return undefined;
    };
    expect(bad({ url: 'ftp://gw.example.com/' })).toEqual(['CH_CONFIG_INVALID', 'url']);
    expect(bad({ secret: 'short' })).toEqual(['CH_CONFIG_INVALID', 'secret']);
    expect(bad({ headers: { 'Idempotency-Key': 'x' } })).toEqual(['CH_CONFIG_INVALID', 'headers.Idempotency-Key']);
    expect(bad({ headers: { 'X-A': 'x\r\nInjected: 1' } })).toEqual(['CH_CONFIG_INVALID', 'headers.X-A']);
    expect(bad({ id: 'has space' })).toEqual(['CH_CONFIG_INVALID', 'id']);
    expect(bad({})).toBeUndefined();
    expect(new WebhookChannel({ kind: 'webhook', id: 'w', url: 'https://gw.example.com/x', secret: SECRET }).downstream).toBe('channel:w');
  });
});
