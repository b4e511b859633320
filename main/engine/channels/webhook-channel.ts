import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Clock } from '../../core/clock.ts';
import {
  channelIdSchema,
  describeNetworkError,
  excerpt,
  parseChannelSettings,
  parseRetryAfter,
  redactUrl,
  type MessageChannel,
  type OutgoingMessage,
  type SendResult,
} from './channel.ts';

/**
 * Sends each message as a signed JSON POST to a gateway the merchant runs (their SMS
 * provider's bridge, a WeCom bot relay, a CRM). The gateway dedupes retries by the
 * Idempotency-Key header and proves the request came from us with the signature header.
 */

/** Headers we set ourselves; configured extra headers may not replace them. */
const RESERVED_HEADERS = new Set([
  'content-type', 'content-length', 'host', 'idempotency-key', 'x-campaigndesk-timestamp', 'x-campaigndesk-signature',
]);
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex -- a header value may not hold CR, LF or other controls
const HEADER_VALUE_RE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;

export const webhookConfigSchema = z.strictObject({
  kind: z.literal('webhook'),
  id: channelIdSchema,
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }),
  /** The HMAC key shared with the receiver; 16+ characters so it cannot be guessed. */
  secret: z.string().min(16),
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  headers: z
    .record(
      z.string().regex(HEADER_NAME_RE, 'not a valid header name').refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), 'set by the channel itself'),
      z.string().regex(HEADER_VALUE_RE, 'header values cannot contain line breaks'),
    )
    .optional(),
});
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;

/** The JSON body of each request. */
export interface WebhookPayload extends OutgoingMessage {
  /** When the request was made (UTC ISO); also signed, with the timestamp header. */
  sentAt: string;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the X-CampaignDesk-Signature value. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver written in Node does: recompute the signature over the raw body and compare
 * in constant time, and refuse timestamps older than `toleranceSeconds` so a captured request
 * cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; body: string },
  now = Date.now(),
  toleranceSeconds = 300,
): boolean {
  const { timestamp, signature, body } = request;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How much of a response body is read: enough for an id or an error excerpt, never a flood. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_PROVIDER_ID = 200;

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Frees the connection when we stop early; a no-op when the body was read to its end.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function providerIdFrom(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return undefined;
    for (const key of ['id', 'messageId']) {
      const value = (json as Record<string, unknown>)[key];
      if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value).slice(0, MAX_PROVIDER_ID);
    }
  } catch {
    // Not JSON: the gateway gave no id.
  }
  return undefined;
}

export class WebhookChannel implements MessageChannel {
  readonly kind = 'webhook';
  readonly id: string;
  readonly downstream: string;
  private readonly config: WebhookConfig;
  private readonly target: string;
  /** Stops of the requests under way: close() ends them as CH_CLOSED. */
  private readonly inFlight = new Set<() => void>();
  private closed = false;

  constructor(
    config: WebhookConfigInput,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.config = parseChannelSettings(webhookConfigSchema, config);
    this.id = this.config.id;
    this.downstream = `channel:${this.id}`;
    this.target = redactUrl(this.config.url);
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const where = { channel: this.id, target: this.target, messageId: message.id };
    if (this.closed) throw new CampaignError('CH_CLOSED', where);
    if (signal?.aborted) throw new CampaignError('CH_CANCELLED', where);
    const now = this.clock.now();
    const payload: WebhookPayload = {
      id: message.id,
      channel: message.channel,
      customerId: message.customerId,
      storeId: message.storeId,
      planId: message.planId,
      runId: message.runId,
      to: message.to,
      locale: message.locale,
      subject: message.subject,
      body: message.body,
      sentAt: new Date(now).toISOString(),
    };
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(now / 1000));
    // One controller per request, aborted by the timeout, the caller's signal or close().
    // Not AbortSignal.any: combined with a long-lived signal (a run's, the channel's) it
    // leaks one dependant signal per call in Node 20 (nodejs/node#55351).
    const controller = new AbortController();
    let cause: 'timeout' | 'cancelled' | 'closed' | undefined;
    const stop = (why: typeof cause) => () => {
      cause ??= why;
      controller.abort();
    };
    const onCancel = stop('cancelled');
    signal?.addEventListener('abort', onCancel, { once: true });
    const timer = setTimeout(stop('timeout'), this.config.timeoutMs);
    const onClose = stop('closed');
    this.inFlight.add(onClose);
    // Says which of the three ended the request, whatever error fetch turned it into.
    const stopped = (error: unknown): CampaignError | undefined => {
      if (cause === 'closed') return new CampaignError('CH_CLOSED', where, { cause: error });
      if (cause === 'cancelled') return new CampaignError('CH_CANCELLED', where, { cause: error });
      if (cause === 'timeout') return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: this.config.timeoutMs }, { cause: error });
      return undefined;
    };
    try {
      const response = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          ...this.config.headers,
          'Content-Type': 'application/json',
          'Idempotency-Key': message.id,
          'X-CampaignDesk-Timestamp': timestamp,
          'X-CampaignDesk-Signature': signWebhook(this.config.secret, timestamp, body),
        },
        body,
        signal: controller.signal,
        // A redirected POST would turn into a GET and lose the message: report it instead.
        redirect: 'manual',
      });
      // The status decides; a body cut short (abort, reset) only loses the id or the excerpt.
      const text = await readLimited(response, MAX_RESPONSE_BYTES).catch(() => '');
      if (response.status >= 200 && response.status < 300) {
        return { providerMessageId: providerIdFrom(text) ?? message.id };
      }
      throw this.statusError(response, text, where, now);
    } catch (error) {
      if (error instanceof CampaignError) throw error;
      const reason = stopped(error);
      if (reason) throw reason;
      throw this.networkError(error, where);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      this.inFlight.delete(onClose);
    }
  }

  /**
   * 429 → CH_RATE_LIMITED, 408 → CH_TIMEOUT, 5xx → CH_UNAVAILABLE (both with Retry-After when
   * given), except 501/505 which no retry fixes; every other status (other 4xx, redirects) →
   * CH_REJECTED with an excerpt of the body, which usually says what was wrong.
   */
  private statusError(response: Response, text: string, where: Record<string, string>, now: number): CampaignError {
    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now) ?? null;
    const detail = excerpt(text) || response.statusText || '';
    if (status === 429) return new CampaignError('CH_RATE_LIMITED', { ...where, status, retryAfterMs });
    if (status === 408) return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: this.config.timeoutMs, status });
    if (status >= 500 && status !== 501 && status !== 505) {
      return new CampaignError('CH_UNAVAILABLE', { ...where, status, detail, retryAfterMs });
    }
    const location = response.headers.get('location');
    const redirect = status >= 300 && status < 400 ? `redirected to ${location ? redactUrl(new URL(location, this.config.url)) : '?'}` : '';
    return new CampaignError('CH_REJECTED', { ...where, status, detail: redirect || detail });
  }

  /** fetch's "fetch failed" carries the socket error as its cause: timeouts vs. everything else. */
  private networkError(error: unknown, where: Record<string, string>): CampaignError {
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : '';
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: this.config.timeoutMs }, { cause: error });
    }
    return new CampaignError('CH_NETWORK', { ...where, reason: describeNetworkError(error) }, { cause: error });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.inFlight) stop();
  }
}
