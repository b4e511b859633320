import type { FastifyReply, FastifyRequest } from 'fastify';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { Principal } from '../auth/principal.ts';
import type { IdentityStore } from '../db/identity-store.ts';
import { errorBody, requestLocale } from '../errors.ts';
import type { Locale } from '../../../main/core/i18n/format.ts';
import type { ChangedRow, ChangeFeed, FeedEvent } from './change-feed.ts';

interface LiveStream {
  collection: string;
  principal: Principal;
  locale: Locale;
  reply: FastifyReply;
}

export interface StreamHubOptions {
  /** A comment line this often keeps proxies from closing idle streams. */
  heartbeatMs: number;
  /** Open streams one credential may hold. */
  maxPerCredential: number;
  /** How often open streams' credentials are checked again (a safety net for missed revocations). */
  recheckMs: number;
}

// A client that reads slower than this much buffered output is dropped; it reconnects and re-pulls.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Whether a store may see a document (HQ users see everything). */
export function isVisible(row: Pick<ChangedRow, 'owner' | 'publishedAll' | 'targets'>, principal: Principal): boolean {
  if (principal.kind === 'hq') return true;
  if (row.owner === principal.storeId) return true;
  return row.owner === '' && (row.publishedAll || row.targets.includes(principal.storeId));
}

/**
 * The open Server-Sent-Events streams of this node. Each starts with `RESYNC` (so a client that
 * reconnects pulls what it missed), then carries `{documents, checkpoint}` events of its
 * collection filtered to its principal's scope; a revoked credential's streams get a `refused`
 * event and are closed.
 */
export class StreamHub {
  private readonly streams = new Set<LiveStream>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    feed: ChangeFeed,
    private readonly identity: IdentityStore,
    private readonly options: StreamHubOptions,
  ) {
    this.unsubscribe = feed.subscribe((event) => this.onEvent(event));
    this.timers.push(setInterval(() => this.broadcast(': ping\n\n'), options.heartbeatMs).unref());
    this.timers.push(setInterval(() => void this.recheck(), options.recheckMs).unref());
  }

  get size(): number {
    return this.streams.size;
  }

  /** Takes over the response and keeps it open as an event stream. */
  open(request: FastifyRequest, reply: FastifyReply, collection: string, principal: Principal): void {
    const open = [...this.streams].filter((s) => s.principal.credentialId === principal.credentialId).length;
    if (open >= this.options.maxPerCredential) throw new CampaignError('SY_TOO_MANY_STREAMS', { limit: this.options.maxPerCredential });
    const stream: LiveStream = { collection, principal, locale: requestLocale(request), reply };
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx: do not buffer the stream.
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 1000\n\ndata: "RESYNC"\n\n');
    this.streams.add(stream);
    reply.raw.on('close', () => this.streams.delete(stream));
  }

  private onEvent(event: FeedEvent): void {
    if (event.type === 'changes') {
      for (const stream of this.streams) {
        if (stream.collection !== event.collection) continue;
        const visible = event.rows.filter((row) => isVisible(row, stream.principal));
        if (visible.length === 0) continue;
        const checkpoint = event.rows[event.rows.length - 1]!.seq;
        this.write(stream, `data: {"documents":[${visible.map((r) => r.data).join(',')}],"checkpoint":{"seq":${checkpoint}}}\n\n`);
      }
    } else if (event.type === 'revoked') {
      for (const stream of this.streams) {
        if (stream.principal.credentialId === event.credentialId) this.refuse(stream, new CampaignError('SY_REVOKED', { credentialId: event.credentialId }));
      }
    } else {
      this.broadcast('data: "RESYNC"\n\n');
      void this.recheck();
    }
  }

  private write(stream: LiveStream, text: string): void {
    const raw = stream.reply.raw;
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      this.streams.delete(stream);
      raw.destroy();
      return;
    }
    raw.write(text);
  }

  private broadcast(text: string): void {
    for (const stream of this.streams) this.write(stream, text);
  }

  private refuse(stream: LiveStream, error: CampaignError): void {
    this.streams.delete(stream);
    stream.reply.raw.end(`event: refused\ndata: ${JSON.stringify(errorBody(error, stream.locale))}\n\n`);
  }

  /** Closes the streams whose credentials were revoked meanwhile. */
  async recheck(): Promise<void> {
    const ids = [...new Set([...this.streams].map((s) => s.principal.credentialId))];
    if (ids.length === 0) return;
    const revoked = await this.identity.revokedAmong(ids).catch(() => new Set<string>());
    for (const stream of this.streams) {
      if (revoked.has(stream.principal.credentialId)) this.refuse(stream, new CampaignError('SY_REVOKED', { credentialId: stream.principal.credentialId }));
    }
  }

  /** Ends every stream (server shutdown); clients reconnect elsewhere or later. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe();
    for (const stream of this.streams) stream.reply.raw.end();
    this.streams.clear();
  }
}
