// RxDB's replication conformance suite against the sync server on a real PostgreSQL.
import { startPostgres, type TestPostgres } from './postgres.ts';
import { runRxdbSuiteAgainst } from './rxdb-suite.ts';

let postgres: TestPostgres | undefined;
afterAll(() => postgres?.stop());

describe('RxDB replication suite: sync server on PostgreSQL', () => {
  runRxdbSuiteAgainst(async () => {
    postgres = await startPostgres();
    return postgres.url;
  });
});
