import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { ErrorCode } from '../../core/errors/codes.ts';

/**
 * The contract between the campaign executor and the ways a message leaves the app (webhook,
 * SMTP, an outbox file, channels of plugins). A channel sends one rendered message and says,
 * through the code of the CampaignError it throws, whether trying again can help: the executor
 * retries with `classifySendError` and slows its throttle on overloads.
 */

/** A rendered message on its way to one customer. */
export interface OutgoingMessage {
  /** The idempotency key: sending the same id twice must reach the customer once. */
  id: string;
  /** The customer channel: 'sms', 'email', 'wechat', 'app' or a plugin's. */
  channel: string;
  customerId: string;
  storeId: string;
  /** '' for messages sent by hand. */
  planId: string;
  runId: string;
  to: { name: string; phone?: string; email?: string };
  locale: string;
  subject: string;
  body: string;
}

export interface SendResult {
  /** The provider's id for the message (or a stable one derived from `id`). */
  providerMessageId: string;
}

/** One message's outcome in `sendMany`: failures are per message, as with `send`. */
export type SendOutcome = { ok: true; result: SendResult } | { ok: false; error: CampaignError };

export interface MessageChannel {
  /** The configured channel's id (a plan's `via`). */
  readonly id: string;
  readonly kind: 'webhook' | 'email' | 'outbox' | (string & {});
  /** The throttle this channel's sends go through, e.g. 'channel:webhook'. */
  readonly downstream: string;
  /**
   * Sends one message. Rejects with a CampaignError (CH_* codes, see `classifySendError`).
   * Aborting `signal` rejects with CH_CANCELLED where the channel can still stop.
   */
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult>;
  /** Optional fast path for many messages at once, one outcome per message in order. */
  sendMany?(messages: readonly OutgoingMessage[], signal?: AbortSignal): Promise<SendOutcome[]>;
  /**
   * Sends this channel takes together in one write (a local file's append): the executor keeps
   * up to this many of a run's sends in flight for it, whatever the `concurrency` setting (which
   * bounds requests to remote services). Absent for channels that make one request per send.
   */
  readonly batchSends?: number;
  /** Stops accepting messages and releases connections and files; sends still running end with CH_CLOSED. */
  close(): Promise<void>;
}

/** How the executor should treat a failed send. */
export interface SendErrorClass {
  /** Sending again later may succeed. */
  retryable: boolean;
  /** The receiver is overloaded (429, 5xx, timeout): slow the throttle down, not just this message. */
  overload: boolean;
  /** How long the receiver asked to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
  error: CampaignError;
}

/**
 * The retry policy per code. Every code not listed (CH_REJECTED, CH_NO_ADDRESS, CH_AUTH,
 * CH_SMTP, CH_CONFIG_INVALID, CH_OUTBOX_CORRUPT, TP_*, SYS_INTERNAL, …) is permanent: sending
 * the same message again would fail the same way, and a person must act.
 */
const RETRY_POLICY: Partial<Record<ErrorCode, { retryable: boolean; overload: boolean }>> = {
  CH_RATE_LIMITED: { retryable: true, overload: true },
  CH_UNAVAILABLE: { retryable: true, overload: true },
  CH_TIMEOUT: { retryable: true, overload: true },
  // The receiver could not be reached at all; its load is not the problem.
  CH_NETWORK: { retryable: true, overload: false },
  // SMTP 4xx other than 421 (greylisting, mailbox busy): a later try usually passes.
  CH_DEFERRED: { retryable: true, overload: false },
  // The message was not (known to be) sent because we stopped: it can go later.
  CH_CANCELLED: { retryable: true, overload: false },
  CH_CLOSED: { retryable: true, overload: false },
  CH_OUTBOX: { retryable: true, overload: false },
};

/** System error codes of a connection that failed or broke (Node's net/dns and undici's). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'EHOSTDOWN', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A CampaignError for anything a send may throw. Channels throw CampaignErrors themselves;
 * this covers raw errors from plugin channels or libraries: timeouts and aborts
 * (DOMException), connection errors (a `code` such as ECONNREFUSED, also as the `cause` of
 * fetch's "fetch failed"). Anything else is SYS_INTERNAL, with the original as `cause`.
 */
export function toSendError(error: unknown, context: { channel?: string; messageId?: string; target?: string } = {}): CampaignError {
  if (error instanceof CampaignError) return error;
  const where = { channel: context.channel ?? '', messageId: context.messageId ?? '', target: context.target ?? '' };
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: '?' }, { cause: error });
  if (name === 'AbortError') return new CampaignError('CH_CANCELLED', where, { cause: error });
  const code = errorCodeOf(error) ?? errorCodeOf((error as { cause?: unknown } | null)?.cause);
  if (code && TIMEOUT_CODES.has(code)) return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: '?' }, { cause: error });
  if (code && NETWORK_CODES.has(code)) {
    return new CampaignError('CH_NETWORK', { ...where, reason: describeNetworkError(error) }, { cause: error });
  }
  return new CampaignError('SYS_INTERNAL', {}, { cause: error });
}

/** "connect ECONNREFUSED 127.0.0.1:9" from an error or its cause, for CH_NETWORK's reason. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const inner = errorCodeOf(cause) ? cause : error;
  const message = inner instanceof Error ? inner.message : String(inner);
  const code = errorCodeOf(inner);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * How the executor should treat a failed send: retry it (later), slow the channel's throttle
 * (overload, honouring `retryAfterMs`), or give up and record `error` (permanent). Raw errors
 * go through `toSendError` first; an unexpected one (SYS_INTERNAL, likely a bug) is permanent
 * so a bug cannot make the executor hammer a receiver.
 */
export function classifySendError(error: unknown): SendErrorClass {
  const campaignError = toSendError(error);
  const policy = RETRY_POLICY[campaignError.code] ?? { retryable: false, overload: false };
  const retryAfter = campaignError.params.retryAfterMs;
  return typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0
    ? { ...policy, retryAfterMs: retryAfter, error: campaignError }
    : { ...policy, error: campaignError };
}

/**
 * Reads a Retry-After header: delay-seconds ('120') or an HTTP date
 * ('Wed, 21 Oct 2026 07:28:00 GMT'), as milliseconds from `now` (0 for a date in the past).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A URL as shown in errors: origin and path only, since query strings and user info often
 * carry tokens and errors are stored and shown in the UI.
 */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A short, single-line excerpt of a response for error messages. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The address a customer channel needs, or CH_NO_ADDRESS: permanent, since retrying cannot add one. */
export function requireAddress(message: OutgoingMessage, channelId: string, field: 'phone' | 'email'): string {
  const value = message.to[field]?.trim();
  if (value && (field !== 'email' || /^[^\s@]+@[^\s@]+$/.test(value))) return value;
  throw new CampaignError('CH_NO_ADDRESS', {
    channel: channelId,
    customerId: message.customerId,
    messageId: message.id,
    field,
    fieldZh: field === 'phone' ? '手机号' : '邮箱地址',
  });
}

/** The address field a customer channel sends to, if it has one of phone/email. */
export function addressFieldOf(customerChannel: string): 'phone' | 'email' | undefined {
  if (customerChannel === 'sms') return 'phone';
  if (customerChannel === 'email') return 'email';
  return undefined;
}

/** Identifiers of configured channels: a plan's `via` refers to one. */
export const CHANNEL_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Parses a channel's settings with its schema; the first problem becomes CH_CONFIG_INVALID
 * naming the channel and the path, so Settings can point at the field.
 */
export function parseChannelSettings<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  const issue = parsed.error.issues[0];
  throw new CampaignError('CH_CONFIG_INVALID', {
    channel: typeof id === 'string' ? id : '',
    path: issue?.path.join('.') ?? '',
    reason: issue?.message ?? 'invalid',
  });
}

/** The `id` of every channel config: what a plan's `via` names. */
export const channelIdSchema = z.string().regex(CHANNEL_ID_RE, 'letters, digits, ".", "_" or "-", at most 64');
