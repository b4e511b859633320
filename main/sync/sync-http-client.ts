import { CampaignError, type ErrorParams } from '../core/errors/campaign-error.ts';
import { isErrorCode } from '../core/errors/codes.ts';

/** The sync server's checkpoint: everything with a higher `seq` is newer. */
export interface SyncCheckpoint {
  seq: number;
}

export interface PullResult<T> {
  documents: T[];
  checkpoint: SyncCheckpoint;
}

export interface PushRowOut<T> {
  newDocumentState: T;
  assumedMasterState?: T | null;
}

/** One event of a live stream: new documents with their checkpoint, or "pull again". */
export type StreamEvent<T> = { documents: T[]; checkpoint: SyncCheckpoint } | 'RESYNC';

export interface SyncHttpClientOptions {
  /** The server's base URL, e.g. `https://sync.example.com`. */
  baseUrl: string;
  /** A store's or HQ user's bearer token. */
  token: string;
  /** Per-request timeout in ms (default 30 s; live streams have none). */
  timeoutMs?: number;
}

/** Who to publish HQ documents to. */
export type PublishTargets = 'all' | 'none' | readonly string[];

/**
 * The sync server's HTTP protocol (see `sync-server/`): pull by checkpoint, push with conflict
 * detection, the live stream, and HQ's calls. Failures are CampaignErrors with the server's
 * SY_* code, or SY_NETWORK / SY_BAD_RESPONSE.
 */
export class SyncHttpClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(options: SyncHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async pull<T>(collection: string, checkpoint: SyncCheckpoint | undefined | null, limit: number): Promise<PullResult<T>> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
    return this.request<PullResult<T>>('GET', `/sync/${encodeURIComponent(collection)}/pull?${query}`);
  }

  /** Answers the master states of the rows that conflicted (`[]` = all written). */
  async push<T>(collection: string, rows: PushRowOut<T>[], options: { targets?: PublishTargets } = {}): Promise<T[]> {
    const query = options.targets === undefined ? '' : `?targets=${encodeURIComponent(typeof options.targets === 'string' ? options.targets : options.targets.join(','))}`;
    return this.request<T[]>('POST', `/sync/${encodeURIComponent(collection)}/push${query}`, rows);
  }

  /** Any other call (HQ administration, `/whoami`), answering the parsed JSON. */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CampaignError('SY_NETWORK', { url: this.baseUrl, reason: reasonOf(error) }, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw errorFromResponse(this.baseUrl, response.status, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CampaignError('SY_BAD_RESPONSE', { url: this.baseUrl, reason: `HTTP ${response.status} with a body that is not JSON` });
    }
  }

  /**
   * Reads one live stream until it ends, the signal aborts, or the server refuses it (then it
   * throws that refusal, e.g. SY_REVOKED). Reconnecting is the caller's choice.
   */
  async stream<T>(collection: string, onEvent: (event: StreamEvent<T>) => void, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/sync/${encodeURIComponent(collection)}/stream`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw new CampaignError('SY_NETWORK', { url: this.baseUrl, reason: reasonOf(error) }, { cause: error });
    }
    if (!response.ok || !response.body) throw errorFromResponse(this.baseUrl, response.status, await response.text().catch(() => ''));
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message = parseEventBlock(block);
          if (!message) continue;
          if (message.event === 'refused') throw errorFromResponse(this.baseUrl, 401, message.data);
          onEvent(JSON.parse(message.data) as StreamEvent<T>);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof CampaignError) throw error;
      throw new CampaignError('SY_NETWORK', { url: this.baseUrl, reason: reasonOf(error) }, { cause: error });
    }
  }
}

/** One Server-Sent-Events block: its event name and its data lines joined. Comments give null. */
export function parseEventBlock(block: string): { event: string; data: string } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Rebuilds the server's `{ error: { code, message, params } }` as a CampaignError. */
export function errorFromResponse(url: string, status: number, text: string): CampaignError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; params?: ErrorParams } };
    if (body.error && isErrorCode(body.error.code)) return new CampaignError(body.error.code, body.error.params ?? {});
  } catch {
    // Not our JSON: a proxy's error page, for example.
  }
  return new CampaignError('SY_BAD_RESPONSE', { url, reason: `HTTP ${status}: ${text.slice(0, 200)}` });
}
