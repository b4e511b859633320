// Test-only: watching live streams and waiting for conditions.
import type { CampaignError } from '../../main/core/errors/campaign-error.ts';
import type { StreamEvent, SyncHttpClient } from '../../main/sync/sync-http-client.ts';

export interface StreamWatch<T> {
  events: StreamEvent<T>[];
  /** Documents received so far, in order. */
  documents(): T[];
  /** Settles when the stream ends: undefined, or the refusal/failure it ended with. */
  ended: Promise<CampaignError | undefined>;
  stop(): void;
}

export function watchStream<T>(client: SyncHttpClient, collection: string): StreamWatch<T> {
  const controller = new AbortController();
  const events: StreamEvent<T>[] = [];
  const ended = client.stream<T>(collection, (event) => events.push(event), controller.signal).then(
    () => undefined,
    (error: CampaignError) => error,
  );
  return {
    events,
    documents: () => events.flatMap((e) => (e === 'RESYNC' ? [] : e.documents)),
    ended,
    stop: () => controller.abort(),
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
