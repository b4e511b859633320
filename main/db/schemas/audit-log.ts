import { getAllCollectionDocuments, normalizeMangoQuery, prepareQuery, type MigrationStrategies, type RxCollection, type RxDocumentData, type RxJsonSchema } from 'rxdb';
import { ACTOR_TYPES, type Actor } from '../../core/rights/operation-record.ts';
import { auditDeviceId } from '../audit-device.ts';
import { entryHash, GENESIS_HASH } from './audit-chain.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from './schema-fields.ts';

/** One changed field of an edit: its dotted path and the values before and after (absent = none). */
export interface AuditChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * One entry of the append-only, hash-chained audit log: who did what to which document, from
 * which device, how it ended and what changed. Each device (installation) keeps its own chain,
 * so the log can hold other devices' entries (HQ receives every store's through sync) without
 * forking anyone's. Invariants: entries are only ever inserted, by `AuditLog` on the device
 * that wrote them (main/engine/audit), or copied as they are by sync; never updated or deleted;
 * per `device`, `seq` runs 1, 2, 3…; `prevHash` is the `hash` of the same device's entry
 * `seq - 1` ('' for seq 1); `hash` is `entryHash(entry)`.
 */
export interface AuditLogDoc {
  id: string;
  /** Position in its device's chain, from 1. */
  seq: number;
  at: number;
  /** The installation that wrote it (`auditDeviceId`). */
  device: string;
  /** The store the device was connected to as (sync), '' for HQ; absent before sync was set up. */
  storeId?: string;
  actor: Actor;
  /** The service API method, `area/verb-noun` (or `scheduler/fire` and the like). */
  method: string;
  /** The collection and id it changed ('' when not one document). */
  targetCollection: string;
  targetId: string;
  outcome: 'ok' | 'error';
  /** The CampaignError code when it failed, else ''. */
  errorCode: string;
  /** A short human-readable line, e.g. the plan's name. */
  summary: string;
  /** Method-specific details (plain JSON, no secrets). */
  details?: Record<string, unknown>;
  /** For edits: the fields that changed (small values only, secrets hidden). */
  changes?: AuditChange[];
  prevHash: string;
  /** SHA-256 hex of the entry's canonical JSON (see `audit-chain.ts`). */
  hash: string;
}

/** The largest number of changed fields one entry keeps. */
export const MAX_AUDIT_CHANGES = 50;

export const auditLogSchema: RxJsonSchema<AuditLogDoc> = {
  title: 'audit log',
  description: 'Append-only, hash-chained log of changes',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    seq: int(1, 1_000_000_000_000),
    at: epochMs,
    device: key(64),
    storeId: text(64),
    actor: {
      type: 'object',
      properties: { type: oneOf(ACTOR_TYPES), id: key(100) },
      required: ['type', 'id'],
      additionalProperties: false,
    },
    method: key(100),
    targetCollection: text(64),
    targetId: key(),
    outcome: oneOf(['ok', 'error']),
    errorCode: text(64),
    summary: text(500),
    details: jsonObject,
    changes: {
      type: 'array',
      maxItems: MAX_AUDIT_CHANGES,
      items: { type: 'object', properties: { path: text(200) }, required: ['path'] },
    },
    prevHash: text(64),
    hash: text(64),
  },
  required: ['id', 'seq', 'at', 'device', 'actor', 'method', 'targetCollection', 'targetId', 'outcome', 'errorCode', 'summary', 'prevHash', 'hash'],
  // The chains (per device); the log by time; by method; what one person did; the history of one document.
  indexes: ['seq', ['device', 'seq'], 'at', ['method', 'at'], ['actor.id', 'at'], ['targetId', 'at']],
  additionalProperties: false,
};

type ChainLinks = Map<string, Pick<AuditLogDoc, 'seq' | 'device' | 'prevHash' | 'hash'>>;
const v0Chains = new WeakMap<RxCollection, Promise<ChainLinks>>();

/**
 * Version 0 entries in `at` order (id breaks ties), chained as version 1 entries of this
 * device. RxDB migrates one document at a time, so the first call reads every version 0
 * entry from the old table and computes the whole chain; the others look theirs up.
 */
function chainV0(collection: RxCollection): Promise<ChainLinks> {
  let chain = v0Chains.get(collection);
  if (!chain) {
    chain = computeV0Chain(collection);
    v0Chains.set(collection, chain);
  }
  return chain;
}

async function computeV0Chain(collection: RxCollection): Promise<ChainLinks> {
  const db = collection.database;
  const meta = (await getAllCollectionDocuments(db.internalStore)).find((doc) => doc.data.name === collection.name && doc.data.version === 0);
  const links: ChainLinks = new Map();
  if (!meta) return links;
  const schema = meta.data.schema as RxJsonSchema<RxDocumentData<Omit<AuditLogDoc, 'seq' | 'device' | 'prevHash' | 'hash' | 'changes'>>>;
  const old = await db.storage.createStorageInstance({
    databaseName: db.name,
    collectionName: collection.name,
    databaseInstanceToken: db.token,
    multiInstance: false,
    options: {},
    schema,
    devMode: false,
  });
  try {
    const query = normalizeMangoQuery(schema, { selector: {}, sort: [{ at: 'asc' }] });
    const documents = (await old.query(prepareQuery(schema, query))).documents.filter((doc) => !doc._deleted);
    documents.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const device = await auditDeviceId(db);
    let prevHash = GENESIS_HASH;
    documents.forEach((doc, i) => {
      const { _meta, _rev, _deleted, _attachments, ...data } = doc;
      const entry = { ...data, seq: i + 1, device, prevHash };
      const hash = entryHash(entry);
      links.set(doc.id, { seq: entry.seq, device, prevHash, hash });
      prevHash = hash;
    });
  } finally {
    await old.close();
  }
  return links;
}

export const auditLogMigrations: MigrationStrategies = {
  // 1: the chain (seq, device, prevHash, hash); existing entries are chained in `at` order.
  1: async (doc: Omit<AuditLogDoc, 'seq' | 'device' | 'prevHash' | 'hash'>, collection: RxCollection) => {
    const link = (await chainV0(collection)).get(doc.id);
    return link ? { ...doc, ...link } : null;
  },
  // 2: optional `storeId` and the per-device index; entries are unchanged (hashes stay valid).
  2: (doc: AuditLogDoc) => doc,
};
