import pg from 'pg';

/** One written document as the live streams need it (`data` is its JSON). */
export interface ChangedRow {
  id: string;
  seq: number;
  owner: string;
  publishedAll: boolean;
  /** The stores an HQ document is published to, when not to all. */
  targets: readonly string[];
  data: string;
}

export type FeedEvent =
  /** Documents committed to a collection, in checkpoint order. */
  | { type: 'changes'; collection: string; rows: ChangedRow[] }
  /** A credential was revoked: close its streams. */
  | { type: 'revoked'; credentialId: string }
  /** Events may have been missed (e.g. the LISTEN connection dropped): clients must re-pull. */
  | { type: 'resync' };

export type FeedListener = (event: FeedEvent) => void;

/**
 * Fans committed changes out to this node's live streams, in commit order. Order matters: a
 * stream event's checkpoint becomes the client's checkpoint, so an event overtaking an earlier
 * one could make a client that disconnects in between skip the earlier documents.
 */
export interface ChangeFeed {
  /** Whether writers hand their changes to `emitCommitted` (SQLite) or announce them with NOTIFY in their transaction (PostgreSQL). */
  readonly viaNotify: boolean;
  /** The NOTIFY channel writers use (PostgreSQL). */
  readonly channel: string;
  /** Delivers committed changes to listeners; called in commit order under the collection's lock. */
  emitCommitted(collection: string, rows: ChangedRow[]): void;
  /** Tells every node (this one included) that a credential was revoked. */
  announceRevoked(credentialId: string): Promise<void>;
  subscribe(listener: FeedListener): () => void;
  close(): Promise<void>;
}

abstract class BaseFeed {
  private readonly listeners = new Set<FeedListener>();

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected deliver(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** One process (SQLite): writers deliver directly, already in commit order. */
export class LocalChangeFeed extends BaseFeed implements ChangeFeed {
  readonly viaNotify = false;
  readonly channel = '';

  emitCommitted(collection: string, rows: ChangedRow[]): void {
    if (rows.length > 0) this.deliver({ type: 'changes', collection, rows });
  }

  announceRevoked(credentialId: string): Promise<void> {
    this.deliver({ type: 'revoked', credentialId });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A NOTIFY payload: a hint, never the documents (payloads of 8000 bytes or more fail). */
type Notice = { t: 'changes'; c: string; from: number; to: number } | { t: 'revoked'; id: string };

/**
 * Several nodes on one PostgreSQL: every writer NOTIFYs inside its transaction (PostgreSQL
 * delivers notifications at commit, in commit order), and each node LISTENs, reads the
 * announced checkpoint range and delivers it. This node's own writes take the same path, so
 * all events reach streams in one order.
 */
export class PostgresChangeFeed extends BaseFeed implements ChangeFeed {
  readonly viaNotify = true;
  readonly channel = 'campaign_desk_sync';
  private client: pg.Client | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly readRange: (collection: string, from: number, to: number) => Promise<ChangedRow[]>,
    private readonly notify: (channel: string, payload: string) => Promise<void>,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    super();
  }

  /** Connects and LISTENs; resolves once notifications are flowing. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) this.enqueue(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.log(`live feed: LISTEN connection lost (${error.message}); reconnecting`);
    client.end().catch(() => undefined);
    this.reconnect(500);
  }

  private reconnect(delayMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed) return;
      this.start().then(
        // Whatever was announced while we were away is lost: every client re-pulls.
        () => this.deliver({ type: 'resync' }),
        () => this.reconnect(Math.min(delayMs * 2, 10_000)),
      );
    }, delayMs);
  }

  private enqueue(payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    this.queue = this.queue.then(async () => {
      if (notice.t === 'revoked') {
        this.deliver({ type: 'revoked', credentialId: notice.id });
        return;
      }
      try {
        const rows = await this.readRange(notice.c, notice.from, notice.to);
        if (rows.length > 0) this.deliver({ type: 'changes', collection: notice.c, rows });
      } catch (error) {
        this.log(`live feed: reading ${notice.c} ${notice.from}-${notice.to} failed (${(error as Error).message})`);
        this.deliver({ type: 'resync' });
      }
    });
  }

  emitCommitted(): void {
    // Writers NOTIFY in their transaction instead.
  }

  announceRevoked(credentialId: string): Promise<void> {
    return this.notify(this.channel, JSON.stringify({ t: 'revoked', id: credentialId } satisfies Notice));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.queue;
  }
}

/** The NOTIFY payload announcing a committed checkpoint range. */
export function changesNotice(collection: string, from: number, to: number): string {
  return JSON.stringify({ t: 'changes', c: collection, from, to } satisfies Notice);
}
