import {
  getComposedPrimaryKeyOfDocumentData,
  getRxReplicationMetaInstanceSchema,
  hasEncryption,
  overwritable,
  prepareQuery,
  type FilledMangoQuery,
  type PreparedQuery,
  type RxCollection,
  type RxStorageDefaultCheckpoint,
} from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';

/**
 * Documents of a collection written after a push checkpoint (all of them without one), deleted
 * ones included: what the replication has still to send. Counted on the `[_meta.lwt, primary]`
 * index RxDB gives every collection, as two index ranges (`lwt > checkpoint.lwt`, and equal
 * `lwt` with a greater id): no document is read.
 */
export async function countChangedSince(collection: RxCollection, checkpoint: RxStorageDefaultCheckpoint | undefined): Promise<number> {
  const counts = await Promise.all(changedSinceQueries(collection, checkpoint).map((query) => collection.storageInstance.count(query)));
  return counts.reduce((sum, result) => sum + result.count, 0);
}

/** The index ranges `countChangedSince` counts, as prepared storage queries. */
export function changedSinceQueries(collection: RxCollection, checkpoint: RxStorageDefaultCheckpoint | undefined): PreparedQuery<unknown>[] {
  const primary = collection.schema.primaryPath as string;
  const prepare = (selector: Record<string, unknown>) =>
    prepareQuery(collection.schema.jsonSchema, {
      selector,
      sort: [{ '_meta.lwt': 'asc' }, { [primary]: 'asc' }],
      skip: 0,
      index: ['_meta.lwt', primary],
    } as FilledMangoQuery<unknown>);
  if (!checkpoint) return [prepare({})];
  return [prepare({ '_meta.lwt': { $gt: checkpoint.lwt } }), prepare({ '_meta.lwt': { $eq: checkpoint.lwt }, [primary]: { $gt: checkpoint.id } })];
}

/** RxDB's id of a replication's push checkpoint in its meta instance (`up|1`). */
function upCheckpointId(metaSchema: object): string {
  return getComposedPrimaryKeyOfDocumentData(metaSchema as Parameters<typeof getComposedPrimaryKeyOfDocumentData>[0], { itemId: 'up', isCheckpoint: '1' });
}

/**
 * The push checkpoint RxDB has stored for a running replication (in the database: it is where
 * the push goes on after a restart), `undefined` when nothing was pushed yet, `null` while the
 * replication has not started. Checkpoint writes still queued are awaited first.
 */
export async function storedPushCheckpoint(replication: RxReplicationState<unknown, unknown>): Promise<RxStorageDefaultCheckpoint | undefined | null> {
  const state = replication.internalReplicationState;
  const meta = replication.metaInstance;
  if (!state || !meta || replication.isStopped()) return null;
  await state.checkpointQueue;
  const [doc] = await meta.findDocumentsById([upCheckpointId(meta.schema)], false);
  return (doc?.checkpointData as RxStorageDefaultCheckpoint | undefined) ?? undefined;
}

/**
 * What a running replication has still to push: the collection's documents written after its
 * stored push checkpoint; `null` while that is not known yet (the replication is starting).
 */
export async function pendingPushCount(collection: RxCollection, replication: RxReplicationState<unknown, unknown>): Promise<number | null> {
  const checkpoint = await storedPushCheckpoint(replication);
  if (checkpoint === null) return null;
  return countChangedSince(collection, checkpoint);
}

/**
 * The push checkpoint stored for a replication that is not running (sync paused), read from
 * the meta instance RxDB keeps it in (named and shaped as RxDB's replication plugin does),
 * opened for the read and closed again. `undefined`: nothing was pushed yet.
 */
export async function readStoredPushCheckpoint(collection: RxCollection, replicationIdentifier: string): Promise<RxStorageDefaultCheckpoint | undefined> {
  const database = collection.database;
  const schema = getRxReplicationMetaInstanceSchema(collection.schema.jsonSchema, hasEncryption(collection.schema.jsonSchema));
  const meta = await database.storage.createStorageInstance({
    databaseName: database.name,
    collectionName: 'rx-replication-meta-' + (await database.hashFunction([collection.name, replicationIdentifier].join('-'))),
    databaseInstanceToken: database.token,
    multiInstance: database.multiInstance,
    options: {},
    schema,
    password: database.password,
    devMode: overwritable.isDevMode(),
  });
  try {
    const [doc] = await meta.findDocumentsById([upCheckpointId(schema)], false);
    return (doc?.checkpointData as RxStorageDefaultCheckpoint | undefined) ?? undefined;
  } finally {
    await meta.close();
  }
}

/**
 * How long a status waits after a change (ms): 100 ms, so a burst of writes is one status, and
 * at least 20 times as long as the last count of the changes to send took. Counting walks an
 * index over every unsent change, so with a large backlog (a big run while offline) it is not
 * free (200,000 unsent messages: 8-9 ms), and a run writing all the while would otherwise have
 * every collection it writes recounted ten times a second; this keeps counting to about 5%.
 */
export function statusDelayMs(lastRefreshMs: number): number {
  return Math.max(100, Math.round(20 * lastRefreshMs));
}
