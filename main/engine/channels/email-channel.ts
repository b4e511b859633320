import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Clock } from '../../core/clock.ts';
import {
  channelIdSchema,
  excerpt,
  parseChannelSettings,
  requireAddress,
  type MessageChannel,
  type OutgoingMessage,
  type SendResult,
} from './channel.ts';

/**
 * Sends each message as a plain-text email over SMTP (the merchant's mail server or an ESP's
 * SMTP relay) through a small pool of connections, since a run sends thousands.
 */

export const emailConfigSchema = z
  .strictObject({
    kind: z.literal('email'),
    id: channelIdSchema,
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the start (port 465). Otherwise STARTTLS is used when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    pass: z.string().optional(),
    /** The sender, 'name <address>' or an address. */
    from: z.string().regex(/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'an address, or "Name <address>"'),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    /** Parallel SMTP connections; mail servers often refuse more than a few per client. */
    maxConnections: z.number().int().min(1).max(20).default(2),
  })
  .refine((c) => c.user === undefined || c.pass !== undefined, { path: ['pass'], message: 'a password is needed with a user name' });
export type EmailConfig = z.output<typeof emailConfigSchema>;
export type EmailConfigInput = z.input<typeof emailConfigSchema>;

/** Characters of an RFC 5322 dot-atom besides letters and digits, minus '.' and '=' (used as escapes). */
const PLAIN_ID_RE = /[A-Za-z0-9!#$%&'*+/?^_`{|}~-]/;
const MAX_LOCAL_PART = 160;

/**
 * The Message-ID of a message: its id, with characters a Message-ID cannot hold written as
 * `=XX` (so different ids never collide), at the sender's domain. A very long id is hashed.
 * The same id always gives the same Message-ID, so a duplicate caused by a retry can be
 * recognised by mail clients and by us.
 */
export function emailMessageId(id: string, from: string): string {
  let local = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const ch = String.fromCharCode(byte);
    local += byte < 0x80 && PLAIN_ID_RE.test(ch) ? ch : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (local.length > MAX_LOCAL_PART || local === '') local = `sha256.${createHash('sha256').update(id).digest('hex')}`;
  const domain = /@([^<>\s@]+)>?\s*$/.exec(from)?.[1] ?? 'campaign-desk.invalid';
  return `<${local}@${domain}>`;
}

/** nodemailer's error fields (SMTP reply code and text, its own code such as EAUTH). */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  originalCode?: string;
  message?: string;
}

export class EmailChannel implements MessageChannel {
  readonly kind = 'email';
  readonly id: string;
  readonly downstream: string;
  private readonly config: EmailConfig;
  private readonly transport: Transporter;
  private readonly target: string;
  private closed = false;

  constructor(
    config: EmailConfigInput,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.config = parseChannelSettings(emailConfigSchema, config);
    this.id = this.config.id;
    this.downstream = `channel:${this.id}`;
    this.target = `smtp://${this.config.host}:${this.config.port}`;
    const { host, port, secure, user, pass, timeoutMs, maxConnections } = this.config;
    this.transport = nodemailer.createTransport({
      host,
      port,
      secure,
      ...(user !== undefined ? { auth: { user, pass: pass ?? '' } } : {}),
      pool: true,
      maxConnections,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  /**
   * Sends one message. The signal is honoured until the transfer starts; a transfer under way
   * is let finish (bounded by `timeoutMs`), because mail cannot be recalled: stopping midway
   * would leave us not knowing whether the customer got it.
   */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const where = { channel: this.id, target: this.target, messageId: message.id };
    if (this.closed) throw new CampaignError('CH_CLOSED', where);
    if (signal?.aborted) throw new CampaignError('CH_CANCELLED', where);
    const address = requireAddress(message, this.id, 'email');
    const messageId = emailMessageId(message.id, this.config.from);
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: { name: message.to.name, address },
        subject: message.subject,
        text: message.body,
        messageId,
        date: new Date(this.clock.now()),
        headers: {
          'X-CampaignDesk-Message-Id': message.id.replace(/[\r\n]/g, ' '),
          'Content-Language': message.locale.replace(/[^A-Za-z0-9-]/g, ''),
        },
      });
      return { providerMessageId: messageId };
    } catch (error) {
      if (this.closed) throw new CampaignError('CH_CLOSED', where, { cause: error });
      throw this.smtpError(error, where);
    }
  }

  /**
   * SMTP replies: 421 (server busy or closing) → CH_UNAVAILABLE, other 4xx → CH_DEFERRED (try
   * again later), 5xx → CH_REJECTED, refused login → CH_AUTH. Without a reply: timeouts →
   * CH_TIMEOUT, broken or refused connections → CH_NETWORK, anything else (TLS, protocol) →
   * CH_SMTP, which needs a person to look at the settings.
   */
  private smtpError(error: unknown, where: Record<string, string>): CampaignError {
    const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
    const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    const detail = excerpt(e.response ?? e.message ?? String(error));
    const options = { cause: error };
    if (e.code === 'EAUTH' && (status === undefined || status >= 500)) return new CampaignError('CH_AUTH', { ...where, detail }, options);
    if (status === 421) return new CampaignError('CH_UNAVAILABLE', { ...where, status, detail, retryAfterMs: null }, options);
    if (status !== undefined && status >= 400 && status < 500) return new CampaignError('CH_DEFERRED', { ...where, status, detail }, options);
    if (status !== undefined && status >= 500) return new CampaignError('CH_REJECTED', { ...where, status, detail }, options);
    if (e.code === 'ETIMEDOUT') return new CampaignError('CH_TIMEOUT', { ...where, timeoutMs: this.config.timeoutMs }, options);
    if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'EDNS') {
      const reason = e.originalCode && !detail.includes(e.originalCode) ? `${e.originalCode}: ${detail}` : detail;
      return new CampaignError('CH_NETWORK', { ...where, reason }, options);
    }
    return new CampaignError('CH_SMTP', { ...where, detail: e.code ? `${e.code}: ${detail}` : detail }, options);
  }

  /** Connects and logs in without sending: the "test connection" button of Settings. */
  async verify(): Promise<void> {
    const where = { channel: this.id, target: this.target, messageId: '' };
    try {
      await this.transport.verify();
    } catch (error) {
      throw this.smtpError(error, where);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transport.close();
  }
}
