// RxDB's replication conformance suite against the sync server on SQLite (the embedded default).
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { runRxdbSuiteAgainst } from './rxdb-suite.ts';

const dir = makeTempDir('campaign-desk-sync-');
afterAll(() => dir.remove());

describe('RxDB replication suite: sync server on SQLite', () => {
  runRxdbSuiteAgainst(() => Promise.resolve(`sqlite:${dir.path}/sync.sqlite`));
});
