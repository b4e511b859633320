// Test-only: one app site (HQ or a store) in its own process: its database in a data dir and
// its SyncService, driven by the parent over IPC. One process per site because RxDB's open
// source edition allows 16 open collections per process (COL23), fewer than two app databases.
import { systemClock } from '../app/system-clock.ts';
import { serializeError } from '../core/errors/campaign-error.ts';
import { openDatabase } from '../db/open-database.ts';
import { AuditLog } from '../engine/audit/audit-log.ts';
import { searchAuditLog, type AuditFilter } from '../engine/audit/audit-query.ts';
import { verifyAuditLog } from '../engine/audit/verify-audit-log.ts';
import { RightsService } from '../engine/rights/rights-service.ts';
import type { NewChainStock } from '../sync/chain-shares.ts';
import type { PublishTargets } from '../sync/sync-http-client.ts';
import type { SyncCollectionName } from '../sync/sync-scope.ts';
import { SyncService } from '../sync/sync-service.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: sync-site-child DATA_DIR');

const database = await openDatabase({ dataDir });
const { service: rights } = await RightsService.open({ collections: database.collections, clock: systemClock, zone: () => 'Asia/Shanghai' });
const sync = new SyncService({
  database,
  dataDir,
  clock: systemClock,
  retryTime: 200,
  reconnectMs: { min: 50, max: 200 },
  timeoutMs: 5000,
  allotments: { list: () => rights.inventory.list(), addAllotment: (input) => rights.inventory.addAllotment(input), returnAllotment: (id) => rights.inventory.returnAllotment(id) },
});
await sync.start();

type Doc = Record<string, unknown>;
export type SiteCommand =
  | { op: 'configure'; serverUrl: string; token: string }
  | { op: 'status' }
  | { op: 'syncNow' }
  | { op: 'setEnabled'; enabled: boolean }
  | { op: 'disconnect' }
  | { op: 'listStores' }
  | { op: 'publish'; collection: SyncCollectionName; ids: string[]; targets: PublishTargets }
  | { op: 'insert'; collection: SyncCollectionName; doc: Doc }
  | { op: 'patch'; collection: SyncCollectionName; id: string; patch: Doc }
  | { op: 'get'; collection: SyncCollectionName; id: string }
  | { op: 'shares' }
  | { op: 'requestShare'; stockId: string; units: number }
  | { op: 'returnShares'; stockId: string }
  | { op: 'createChainStock'; input: NewChainStock }
  | { op: 'localStocks' }
  | { op: 'audit'; summary: string }
  | { op: 'searchAudit'; filter: AuditFilter }
  | { op: 'verifyAudit' }
  | { op: 'close' };

async function run(command: SiteCommand): Promise<unknown> {
  switch (command.op) {
    case 'configure':
      return sync.configure({ serverUrl: command.serverUrl, token: command.token });
    case 'status':
      return sync.status();
    case 'syncNow':
      return sync.syncNow(10_000);
    case 'setEnabled':
      return sync.setEnabled(command.enabled);
    case 'disconnect':
      return sync.disconnect();
    case 'listStores':
      return sync.listStores();
    case 'publish':
      return sync.publish(command.collection, command.ids, command.targets);
    case 'insert':
      await database.collections[command.collection].insert(command.doc as never);
      return null;
    case 'patch': {
      const doc = await database.collections[command.collection].findOne(command.id).exec();
      if (!doc) throw new Error(`no ${command.id} in ${command.collection}`);
      await doc.incrementalPatch(command.patch as never);
      return null;
    }
    case 'get': {
      const doc = await database.collections[command.collection].findOne(command.id).exec();
      return doc ? doc.toMutableJSON() : null;
    }
    case 'shares':
      return sync.sharesView();
    case 'requestShare':
      return sync.requestShare(command.stockId, command.units);
    case 'returnShares':
      return sync.returnShares(command.stockId);
    case 'createChainStock':
      return sync.createChainStock(command.input);
    case 'localStocks':
      return rights.inventory.list();
    case 'audit':
      return AuditLog.of(database.collections.auditLog).append({
        at: Date.now(),
        actor: { type: 'user', id: 'desk' },
        method: 'plans/update-plan',
        targetCollection: 'plans',
        targetId: 'p1',
        outcome: 'ok',
        errorCode: '',
        summary: command.summary,
      });
    case 'searchAudit':
      return searchAuditLog(database.collections.auditLog, command.filter);
    case 'verifyAudit':
      return verifyAuditLog(database.collections.auditLog);
    case 'close':
      await sync.close();
      await rights.close();
      await database.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (message: { id: number; command: SiteCommand }) => {
  run(message.command).then(
    (result) => process.send?.({ id: message.id, result: result ?? null }),
    (error: unknown) => process.send?.({ id: message.id, error: serializeError(error), text: String(error) }),
  );
});
process.send?.({ ready: true });
