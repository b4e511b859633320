import type { SyncIdentity } from './sync-config.ts';

/**
 * The collections the app replicates with the sync server (the server's APP_SYNC_SCHEMAS):
 * HQ publishes plans, audiences, rights and packages; stores send grants, records, messages,
 * customers and their audit log up. Run state, events and allotments stay local.
 */
export const SYNC_COLLECTIONS = ['plans', 'audiences', 'rights', 'rightsPackages', 'customers', 'grants', 'operationRecords', 'messages', 'auditLog'] as const;
export type SyncCollectionName = (typeof SYNC_COLLECTIONS)[number];

/** The store id HQ's documents carry (chain-wide, published to stores). */
export const HQ_STORE_ID = '';

type Doc = Record<string, unknown>;

/** Whether this credential sends local changes up (read-only HQ users only pull). */
export function canPush(identity: SyncIdentity): boolean {
  return identity.kind === 'store' || identity.role !== 'read-only';
}

/**
 * Whether a locally changed document goes up. A store keeps other stores' documents local
 * (the server would refuse them: e.g. a demo chain loaded into one data dir); HQ sends all.
 */
export function shouldPush(identity: SyncIdentity, doc: Doc, collection?: SyncCollectionName): boolean {
  // Audit entries go up as written: the pusher owns them (the server files them under its store).
  if (identity.kind === 'hq' || collection === 'auditLog') return true;
  const storeId = doc['storeId'];
  return typeof storeId !== 'string' || storeId === HQ_STORE_ID || storeId === identity.storeId;
}

/**
 * The document as it is sent: a store's new chain-wide document (storeId '') becomes the
 * store's own (the server refuses a store writing HQ's), and HQ's chain-wide plans are marked
 * `source: 'hq'` so stores know them as HQ's. An HQ document a store edited keeps its storeId:
 * the server decides which of its fields a store may override.
 */
export function prepareForPush(collection: SyncCollectionName, identity: SyncIdentity, doc: Doc, isNew: boolean): Doc {
  // An audit entry's fields are hashed into its chain: it travels exactly as written.
  if (collection === 'auditLog') return doc;
  if (identity.kind === 'store') {
    if (isNew && doc['storeId'] === HQ_STORE_ID) return { ...doc, storeId: identity.storeId };
    return doc;
  }
  if (collection === 'plans' && doc['storeId'] === HQ_STORE_ID && doc['source'] !== 'hq') return { ...doc, source: 'hq' };
  return doc;
}
