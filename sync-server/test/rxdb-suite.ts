// Test-only: RxDB's replication conformance suite (`runReplicationBaseTestSuite`) against a
// running sync server, replicating RxDB's `human` test collection as one store.
import { addRxPlugin, type RxCollection } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { runReplicationBaseTestSuite, schemas, setConfig, type HumanDocumentType } from 'rxdb/plugins/test-utils';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { replicateCollection } from '../../main/sync/replicate-collection.ts';
import type { SyncServerOptions } from '../src/index.ts';
import { startHarness, type Harness, type TestStore } from './harness.ts';

disableWarnings();
addRxPlugin(RxDBDevModePlugin);

/** Runs the suite in the calling describe block against a server on `database()`. */
export function runRxdbSuiteAgainst(database: () => Promise<string>, options: Partial<SyncServerOptions> = {}): void {
  let harness: Harness;
  let store: TestStore;

  beforeAll(async () => {
    // The client side is not under test here: RxDB's memory storage, validated as dev-mode wants.
    const storage = () => wrappedValidateAjvStorage({ storage: getRxStorageMemory() });
    setConfig({
      storage: {
        name: 'memory',
        getStorage: storage,
        getPerformanceStorage: () => ({ storage: storage(), description: 'memory' }),
        hasPersistence: false,
        hasMultiInstance: false,
        hasAttachments: false,
        hasReplication: true,
      },
    });
    harness = await startHarness({ database: await database(), collections: { human: schemas.human }, rateLimit: false, ...options });
    store = await harness.createStore('S01');
  });
  afterAll(() => harness?.close());

  const replicate = (collection: RxCollection<HumanDocumentType>, live: boolean) =>
    replicateCollection(collection, { client: store.client, live, retryTime: 100, reconnectMs: { min: 50, max: 500 } });

  runReplicationBaseTestSuite({
    startReplication: (collection: RxCollection<HumanDocumentType>) => replicate(collection, true),
    syncOnce: async (collection: RxCollection<HumanDocumentType>) => {
      const state = replicate(collection, false);
      await state.awaitInitialReplication();
      await state.cancel();
    },
    getAllServerDocs: () => harness.server.documents.list('human'),
    cleanUpServer: () => harness.server.documents.clear('human'),
    softDeletes: true,
    isDeleted: (doc: { _deleted: boolean }) => doc._deleted,
    getPrimaryOfServerDoc: (doc: HumanDocumentType) => doc.passportId,
  });
}
