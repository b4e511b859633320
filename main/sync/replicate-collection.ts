import { Observable } from 'rxjs';
import type { RxCollection, RxReplicationPullStreamItem, WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { PublishTargets, PushRowOut, SyncCheckpoint, SyncHttpClient } from './sync-http-client.ts';

export interface ReplicateCollectionOptions<T> {
  client: SyncHttpClient;
  /** Keep replicating (pull stream + pushes as they happen) or run once until in sync. */
  live: boolean;
  /** The server's name of the collection (default: the RxDB collection's name). */
  remoteName?: string;
  /** Where RxDB keeps this replication's checkpoints (default: derived from server and collection). */
  replicationIdentifier?: string;
  batchSize?: number;
  /** Ms before a failed pull or push is tried again (RxDB's retryTime; default 5 s). */
  retryTime?: number;
  /** Delay before the live stream reconnects, doubling from `min` to `max` (default 500 ms - 30 s). */
  reconnectMs?: { min: number; max: number };
  /**
   * Push: off, or with a modifier (return null to keep a document local) and HQ's publish
   * targets, or a handler of its own (answering the conflicts, as `client.push` does).
   */
  push?:
    | false
    | {
        modifier?: (doc: WithDeleted<T>) => WithDeleted<T> | null;
        targets?: PublishTargets;
        handler?: (rows: PushRowOut<WithDeleted<T>>[]) => Promise<WithDeleted<T>[]>;
      };
  /** Called when the live stream fails or is refused (it reconnects after the delay). */
  onStreamError?: (error: CampaignError) => void;
  /**
   * Called with each failed pull or push as thrown (RxDB reports them again on `error$`, but
   * wrapped and flattened to plain JSON, without the error's params).
   */
  onHandlerError?: (error: unknown) => void;
  /** Called after each pull or push the server answered (the connection works again). */
  onHandlerSuccess?: () => void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * The server's live stream as RxDB's `stream$`: reconnects after a drop, and the server's
 * `RESYNC` at every (re)connect makes RxDB pull what it missed meanwhile.
 */
export function liveStream<T>(client: SyncHttpClient, collection: string, options: Pick<ReplicateCollectionOptions<T>, 'reconnectMs' | 'onStreamError'> = {}): Observable<RxReplicationPullStreamItem<T, SyncCheckpoint>> {
  const { min, max } = options.reconnectMs ?? { min: 500, max: 30_000 };
  return new Observable((subscriber) => {
    const controller = new AbortController();
    void (async () => {
      let delay = min;
      while (!controller.signal.aborted) {
        try {
          await client.stream<WithDeleted<T>>(collection, (event) => {
            delay = min;
            subscriber.next(event);
          }, controller.signal);
        } catch (error) {
          options.onStreamError?.(error instanceof CampaignError ? error : new CampaignError('SY_NETWORK', { url: client.baseUrl, reason: String(error) }));
        }
        if (controller.signal.aborted) break;
        await sleep(delay, controller.signal);
        delay = Math.min(delay * 2, max);
      }
    })();
    return () => controller.abort();
  });
}

/** Replicates one RxDB collection with the sync server through RxDB's replication protocol. */
export function replicateCollection<T>(collection: RxCollection<T>, options: ReplicateCollectionOptions<T>): RxReplicationState<T, SyncCheckpoint> {
  const { client } = options;
  const remote = options.remoteName ?? collection.name;
  const push = options.push === false ? undefined : (options.push ?? {});
  const reported = <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await handler(...args);
        options.onHandlerSuccess?.();
        return result;
      } catch (error) {
        options.onHandlerError?.(error);
        throw error;
      }
    };
  const pushHandler = push?.handler ?? ((rows: PushRowOut<WithDeleted<T>>[]) => client.push<WithDeleted<T>>(remote, rows, { targets: push?.targets }));
  return replicateRxCollection<T, SyncCheckpoint>({
    collection,
    replicationIdentifier: options.replicationIdentifier ?? `campaign-desk-sync ${client.baseUrl} ${remote}`,
    live: options.live,
    retryTime: options.retryTime ?? 5000,
    pull: {
      batchSize: options.batchSize ?? 100,
      handler: reported((checkpoint: SyncCheckpoint | undefined, batchSize: number) => client.pull<WithDeleted<T>>(remote, checkpoint, batchSize)),
      stream$: options.live ? liveStream<T>(client, remote, options) : undefined,
    },
    push: push && {
      batchSize: options.batchSize ?? 100,
      modifier: push.modifier,
      handler: reported(pushHandler),
    },
  });
}
