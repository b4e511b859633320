import type { SerializedError } from '../core/errors/campaign-error.ts';
import type { SyncIdentity } from './sync-config.ts';
import type { SyncCollectionName } from './sync-scope.ts';

/** A document the server refused (e.g. another store's, or an HQ field a store may not change). */
export interface SyncRefusal {
  collection: SyncCollectionName;
  id: string;
  at: number;
  error: SerializedError;
  /** The local change was undone (the server's state taken back) or kept only locally. */
  outcome: 'reverted' | 'kept-local';
}

export interface CollectionSyncStatus {
  collection: SyncCollectionName;
  /** Replicating now, idle and in step, or failing (retried every few seconds). */
  state: 'syncing' | 'idle' | 'error';
  /**
   * Local changes the server has not acknowledged yet: documents written after the push
   * checkpoint stored in the database, so also those made before a restart (0 once all is sent).
   */
  pending: number;
  /** Documents received from and sent to the server since the app started. */
  pulled: number;
  pushed: number;
  /** Local documents of other stores that are never sent (a chain's demo data, for example). */
  keptLocal: number;
  lastPulledAt: number | null;
  lastPushedAt: number | null;
  lastError: SerializedError | null;
}

/** `not-configured` → `disabled` (set up, paused) → `connecting` → `online` ⇄ `offline`. */
export type SyncConnection = 'not-configured' | 'disabled' | 'connecting' | 'online' | 'offline';

export interface SyncStatus {
  connection: SyncConnection;
  serverUrl: string | null;
  identity: SyncIdentity | null;
  /** Last time every collection was in step with the server (epoch ms). */
  lastSyncAt: number | null;
  /** Why the app is offline or the setup is unusable. */
  error: SerializedError | null;
  collections: CollectionSyncStatus[];
  refusals: SyncRefusal[];
  /** A store's chain stock shares: last settled with the server, and the last round's failure. */
  shares: { lastSettledAt: number | null; error: SerializedError | null };
}
