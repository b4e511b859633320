import { sql, type Kysely } from 'kysely';
import { deepEqual } from 'rxdb';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { SyncNotFoundWhat } from '../../../main/core/i18n/locales/sync.ts';
import { requireAction, type Principal } from '../auth/principal.ts';
import type { SyncCollection } from '../collections.ts';
import { changesNotice, type ChangedRow, type ChangeFeed } from '../live/change-feed.ts';
import { allowsStoreOverrides, ruleFor } from '../conflicts/rules.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import type { IdentityStore } from './identity-store.ts';
import type { SyncDatabase } from './open-database.ts';
import type { SyncTables } from './tables.ts';

/** A pull position: everything with a higher `seq` is newer. */
export interface Checkpoint {
  seq: number;
}

/** Who an HQ document is published to. */
export type Targets = 'all' | 'none' | readonly string[];

type Doc = Record<string, unknown>;

/** One row of RxDB's push: the state the client writes and the master state it started from. */
export interface PushRow {
  newDocumentState: Doc;
  assumedMasterState?: Doc | null;
}

/** A page of a pull; `documents` are JSON texts, ready to splice into the response. */
export interface PullPage {
  documents: string[];
  checkpoint: Checkpoint;
}

/** A row a conflict rule merged or dropped, for the log. */
export interface PushNotice {
  code: 'conflict-rule';
  collection: string;
  id: string;
  credentialId: string;
  reason: string;
}

type DocumentRow = SyncTables['documents'];
type ExistingRow = Pick<DocumentRow, 'id' | 'owner' | 'published_all' | 'data'>;

const HQ_OWNER = '';

/**
 * The replicated documents of every collection: RxDB's pull, push and the HQ publishing on
 * top, with each principal's scope applied.
 *
 * Design against the two traps of checkpointed replication (issue #9):
 * - Watermark: a checkpoint assigned before commit can become visible after a client already
 *   pulled past it. So every write of a collection runs under that collection's write lock (a
 *   transaction-scoped advisory lock on PostgreSQL, shared by every server node; BEGIN
 *   IMMEDIATE on SQLite), and its `seq` values come from a counter row updated inside the same
 *   transaction. Writers of a collection therefore commit in `seq` order, and any pull that
 *   sees a `seq` also sees every smaller one. We chose this over "pull only up to a safe
 *   watermark" because it needs no clock or in-flight bookkeeping and keeps checkpoints dense;
 *   its cost is one writer per collection at a time, which set-based batches make cheap
 *   (about 15k docs/s on PostgreSQL per FACTS.md), and pulls never wait for it.
 * - First insert: on PostgreSQL `SELECT ... FOR UPDATE` locks nothing for a row that does not
 *   exist yet. New documents are written with `INSERT ... ON CONFLICT DO NOTHING`, and a row the
 *   insert did not take (0 rows) is answered as a conflict with the master state that won, so
 *   two first pushes of one document can never both win, lock or no lock.
 */
export class DocumentStore {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly database: SyncDatabase,
    private readonly collections: ReadonlyMap<string, SyncCollection>,
    private readonly identity: IdentityStore,
    private readonly feed: ChangeFeed,
    private readonly now: () => number = Date.now,
    /** Told about rows a conflict rule changed or dropped (the server logs them as warnings). */
    private readonly onNotice: (notice: PushNotice) => void = () => undefined,
  ) {}

  collection(name: string): SyncCollection {
    const collection = this.collections.get(name);
    if (!collection) throw new CampaignError('SY_UNKNOWN_COLLECTION', { collection: name });
    return collection;
  }

  /**
   * Documents in the principal's scope written after `checkpoint`, oldest first. A store's page
   * is one statement (one snapshot, so no checkpoint can overtake an unseen document) made of
   * two index walks: its own documents, and HQ's published to it.
   */
  async pull(name: string, principal: Principal, checkpoint: Checkpoint | null, limit: number): Promise<PullPage> {
    requireAction(principal, 'pull');
    this.collection(name);
    const since = checkpoint?.seq ?? 0;
    const db = this.database.db;
    const scoped = (owner: string) =>
      db
        .selectFrom('documents as d')
        .select(['d.data', 'd.seq'])
        .where('d.collection', '=', name)
        .where('d.owner', '=', owner)
        .where('d.seq', '>', since);
    let rows: { data: string; seq: number }[];
    if (principal.kind === 'hq') {
      rows = await db.selectFrom('documents').select(['data', 'seq']).where('collection', '=', name).where('seq', '>', since).orderBy('seq').limit(limit).execute();
    } else {
      const storeId = principal.storeId;
      const own = scoped(storeId).orderBy('d.seq').limit(limit);
      const published = scoped(HQ_OWNER)
        .where((eb) =>
          eb.or([
            eb('d.published_all', '=', 1),
            eb.exists(
              eb
                .selectFrom('publications as p')
                .select('p.store_id')
                .whereRef('p.collection', '=', 'd.collection')
                .whereRef('p.doc_id', '=', 'd.id')
                .where('p.store_id', '=', storeId),
            ),
          ]),
        )
        .orderBy('d.seq')
        .limit(limit);
      rows = await db
        .selectFrom(own.as('o'))
        .selectAll()
        .unionAll(db.selectFrom(published.as('h')).selectAll())
        .orderBy('seq')
        .limit(limit)
        .execute();
    }
    const last = rows[rows.length - 1];
    return { documents: rows.map((r) => r.data), checkpoint: last ? { seq: last.seq } : { seq: since } };
  }

  /**
   * Writes a batch of RxDB push rows atomically: every row is checked (shape, schema, the
   * principal's scope) before anything is written, and one refused row refuses the batch.
   * Answers the master states of the rows that conflicted (their writes are dropped).
   * With `targets` (HQ only), the written HQ documents are published to those stores (store
   * documents in the same batch are written as they are: HQ's replication pushes both kinds).
   */
  async push(name: string, principal: Principal, rows: PushRow[], targets?: Targets): Promise<Doc[]> {
    requireAction(principal, 'push');
    const collection = this.collection(name);
    if (targets !== undefined) requireAction(principal, 'publish');
    if (rows.length === 0) return [];
    const seen = new Set<string>();
    for (const row of rows) {
      const doc = row.newDocumentState;
      const id = doc[collection.primaryPath];
      const problem = collection.validate(doc);
      if (problem !== null) throw new CampaignError('SY_INVALID_DOCUMENT', { collection: name, id: typeof id === 'string' ? id : '?', reason: problem });
      if (typeof id !== 'string' || id === '') throw new CampaignError('SY_INVALID_DOCUMENT', { collection: name, id: '?', reason: `${collection.primaryPath} must be a non-empty string` });
      if (seen.has(id)) throw new CampaignError('SY_BAD_REQUEST', { reason: `document ${id} appears twice in one push` });
      seen.add(id);
      if (principal.kind === 'store' && collection.storeField !== null) {
        const owner = doc[collection.storeField];
        // storeId '' marks a chain-wide document: HQ's, read-only at every store (except the
        // local overrides a collection's conflict rule lets a store change; decided below).
        if (owner === HQ_OWNER && !allowsStoreOverrides(name)) throw new CampaignError('SY_READ_ONLY_DOCUMENT', { collection: name, id });
        if (owner !== principal.storeId && owner !== HQ_OWNER) throw new CampaignError('SY_FOREIGN_STORE', { collection: name, id, owner: String(owner), storeId: principal.storeId });
      }
    }
    if (principal.kind === 'hq') {
      const stores = collection.storeField === null ? [] : rows.map((r) => String(r.newDocumentState[collection.storeField!])).filter((s) => s !== HQ_OWNER);
      await this.identity.requireStores([...stores, ...(Array.isArray(targets) ? targets : [])]);
    }
    return this.mutex.run(name, async () => {
      const { conflicts, changed } = await this.database.writeTransaction(name, (trx) => this.writeBatch(trx, collection, principal, rows, targets));
      this.feed.emitCommitted(name, changed);
      return conflicts;
    });
  }

  private async writeBatch(trx: Kysely<SyncTables>, collection: SyncCollection, principal: Principal, rows: PushRow[], targets: Targets | undefined) {
    const name = collection.name;
    const ids = rows.map((r) => r.newDocumentState[collection.primaryPath] as string);
    const existing = new Map<string, ExistingRow>();
    for (const row of await trx
      .selectFrom('documents')
      .select(['id', 'owner', 'published_all', 'data'])
      .where('collection', '=', name)
      .where('id', 'in', ids)
      .execute()) {
      existing.set(row.id, row);
    }

    const conflicts: Doc[] = [];
    const accepted: { id: string; doc: Doc; owner: string; publishedAll: boolean; before: ExistingRow | undefined }[] = [];
    const rule = ruleFor(name);
    // A store changing HQ documents (its own overrides): which of them it can see.
    const overridden = principal.kind === 'store' ? rows.map((_, i) => existing.get(ids[i]!)).filter((b) => b !== undefined && b.owner === HQ_OWNER) : [];
    const ownList = overridden.length === 0 ? new Map<string, string[]>() : await readPublications(trx, name, overridden.map((b) => b!.id));
    for (const [i, row] of rows.entries()) {
      const id = ids[i]!;
      const pushed = row.newDocumentState;
      const before = existing.get(id);
      let owner: string;
      if (principal.kind === 'store') {
        if (before && before.owner !== principal.storeId) {
          if (before.owner !== HQ_OWNER) throw new CampaignError('SY_FOREIGN_STORE', { collection: name, id, owner: before.owner, storeId: principal.storeId });
          const list = ownList.get(id) ?? [];
          const visible = before.published_all === 1 || list.includes(principal.storeId);
          if (!allowsStoreOverrides(name) || !visible) throw new CampaignError('SY_READ_ONLY_DOCUMENT', { collection: name, id });
          owner = HQ_OWNER;
        } else {
          // A document naming HQ ('' in its store field) is not the store's to create or hand over.
          if (collection.storeField !== null && pushed[collection.storeField] === HQ_OWNER) throw new CampaignError('SY_READ_ONLY_DOCUMENT', { collection: name, id });
          owner = principal.storeId;
        }
      } else {
        owner = collection.storeField !== null ? String(pushed[collection.storeField]) : (before?.owner ?? HQ_OWNER);
      }
      const master = before ? (JSON.parse(before.data) as Doc) : undefined;
      const storeId = principal.kind === 'store' ? principal.storeId : HQ_OWNER;
      const decision = rule({ collection: name, id, by: principal.kind, storeId, master, assumed: row.assumedMasterState ?? null, pushed });
      if (decision.kind !== 'unchanged' && 'note' in decision && decision.note !== undefined) this.onNotice({ code: 'conflict-rule', collection: name, id, credentialId: principal.credentialId, reason: decision.note });
      if (decision.kind === 'unchanged') continue;
      if (decision.kind === 'keep') {
        conflicts.push(master!);
        continue;
      }
      const doc = decision.doc;
      if (doc !== pushed && !deepEqual(doc, pushed)) conflicts.push(doc);
      // Owner moves only through the store field, and only by HQ (a store keeps its own).
      if (principal.kind === 'hq' && collection.storeField !== null) owner = String(doc[collection.storeField]);
      const publishedAll = owner === HQ_OWNER && (targets !== undefined ? targets === 'all' : before?.published_all === 1);
      accepted.push({ id, doc, owner, publishedAll, before });
    }
    if (accepted.length === 0) return { conflicts, changed: [] as ChangedRow[] };

    const last = await bumpSequence(trx, name, accepted.length);
    const first = last - accepted.length + 1;
    const now = this.now();
    const values: DocumentRow[] = accepted.map((a, i) => ({
      collection: name,
      id: a.id,
      owner: a.owner,
      published_all: a.publishedAll ? 1 : 0,
      deleted: a.doc._deleted === true ? 1 : 0,
      seq: first + i,
      data: JSON.stringify(a.doc),
      updated_at: now,
      updated_by: principal.credentialId,
    }));

    // New documents: the insert decides a race of first pushes (0 rows = someone else won).
    const inserts = values.filter((_, i) => accepted[i]!.before === undefined);
    const lost = new Set<string>();
    if (inserts.length > 0) {
      const taken = await trx
        .insertInto('documents')
        .values(inserts)
        .onConflict((oc) => oc.columns(['collection', 'id']).doNothing())
        .returning('id')
        .execute();
      const takenIds = new Set(taken.map((r) => r.id));
      for (const v of inserts) if (!takenIds.has(v.id)) lost.add(v.id);
    }
    // The loser of a first-push race meets the winner like any conflict: the collection's rule
    // decides (a grant merges; most collections answer the winner).
    const redo: DocumentRow[] = [];
    if (lost.size > 0) {
      const winners = await trx.selectFrom('documents').selectAll().where('collection', '=', name).where('id', 'in', [...lost]).execute();
      for (const w of winners) {
        const master = JSON.parse(w.data) as Doc;
        const pushed = accepted.find((a) => a.id === w.id)!.doc;
        const mine = principal.kind === 'hq' || w.owner === principal.storeId;
        const storeId = principal.kind === 'store' ? principal.storeId : HQ_OWNER;
        const decision = mine ? rule({ collection: name, id: w.id, by: principal.kind, storeId, master, assumed: null, pushed }) : { kind: 'keep' as const };
        if (decision.kind === 'keep') conflicts.push(master);
        if (decision.kind !== 'write') continue;
        if (!deepEqual(decision.doc, pushed)) conflicts.push(decision.doc);
        redo.push({ ...w, deleted: decision.doc._deleted === true ? 1 : 0, data: JSON.stringify(decision.doc), updated_at: now, updated_by: principal.credentialId });
      }
    }
    let redoFirst = 0;
    if (redo.length > 0) {
      const redoLast = await bumpSequence(trx, name, redo.length);
      redoFirst = redoLast - redo.length + 1;
      redo.forEach((r, i) => (r.seq = redoFirst + i));
      await upsertDocuments(trx, redo);
      if (this.feed.viaNotify) await sql`select pg_notify(${this.feed.channel}, ${changesNotice(name, redoFirst, redoLast)})`.execute(trx);
    }
    const updates = values.filter((_, i) => accepted[i]!.before !== undefined);
    if (updates.length > 0) await upsertDocuments(trx, updates);

    const written = accepted.filter((a) => !lost.has(a.id));
    // Publication lists: replaced when HQ names targets; dropped when an HQ document moves to a store.
    // (Targets apply to the HQ documents of a batch; a store's documents in it are not published.)
    const newTargets = Array.isArray(targets) ? (targets as readonly string[]) : [];
    if (targets !== undefined) await replacePublications(trx, name, written.filter((a) => a.owner === HQ_OWNER).map((a) => a.id), newTargets);
    await replacePublications(trx, name, written.filter((a) => a.before?.owner === HQ_OWNER && a.owner !== HQ_OWNER).map((a) => a.id), []);
    const kept = await readPublications(trx, name, [
      ...written.filter((a) => a.owner === HQ_OWNER && !a.publishedAll && targets === undefined).map((a) => a.id),
      ...redo.filter((r) => r.owner === HQ_OWNER && r.published_all === 0).map((r) => r.id),
    ]);

    if (this.feed.viaNotify) await sql`select pg_notify(${this.feed.channel}, ${changesNotice(name, first, last)})`.execute(trx);
    const changed: ChangedRow[] = values
      .filter((v) => !lost.has(v.id))
      .map((v) => ({
        id: v.id,
        seq: v.seq,
        owner: v.owner,
        publishedAll: v.published_all === 1,
        targets: targets !== undefined && v.owner === HQ_OWNER ? newTargets : (kept.get(v.id) ?? []),
        data: v.data,
      }));
    for (const r of redo) changed.push({ id: r.id, seq: r.seq, owner: r.owner, publishedAll: r.published_all === 1, targets: kept.get(r.id) ?? [], data: r.data });
    return { conflicts, changed };
  }

  /**
   * Publishes HQ documents (storeId '') to all stores, some, or none. Their checkpoints move,
   * so stores that can now see them pull them. (Stores taken off a list keep their copy.)
   */
  async publish(name: string, principal: Principal, ids: string[], targets: Targets): Promise<number> {
    requireAction(principal, 'publish');
    this.collection(name);
    if (Array.isArray(targets)) await this.identity.requireStores(targets);
    const unique = [...new Set(ids)];
    if (unique.length === 0) return 0;
    return this.mutex.run(name, async () => {
      const changed = await this.database.writeTransaction(name, async (trx) => {
        const rows = await trx.selectFrom('documents').selectAll().where('collection', '=', name).where('id', 'in', unique).execute();
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const id of unique) {
          const row = byId.get(id);
          if (!row) throw new CampaignError('SY_NOT_FOUND', { what: 'document' satisfies SyncNotFoundWhat, id: `${name}/${id}` });
          if (row.owner !== HQ_OWNER) throw new CampaignError('SY_BAD_REQUEST', { reason: `document ${id} belongs to store ${row.owner}: only HQ documents (storeId "") are published` });
        }
        const last = await bumpSequence(trx, name, unique.length);
        const first = last - unique.length + 1;
        const now = this.now();
        const values: DocumentRow[] = unique.map((id, i) => ({
          ...byId.get(id)!,
          published_all: targets === 'all' ? 1 : 0,
          seq: first + i,
          updated_at: now,
          updated_by: principal.credentialId,
        }));
        await upsertDocuments(trx, values);
        const list = Array.isArray(targets) ? (targets as readonly string[]) : [];
        await replacePublications(trx, name, unique, list);
        if (this.feed.viaNotify) await sql`select pg_notify(${this.feed.channel}, ${changesNotice(name, first, last)})`.execute(trx);
        return values.map((v): ChangedRow => ({ id: v.id, seq: v.seq, owner: v.owner, publishedAll: v.published_all === 1, targets: list, data: v.data }));
      });
      this.feed.emitCommitted(name, changed);
      return changed.length;
    });
  }

  /** The documents of a checkpoint range, for live streams (PostgreSQL). */
  readRange(name: string, from: number, to: number): Promise<ChangedRow[]> {
    return readChangedRows(this.database.db, name, from, to);
  }

  /** Every document of a collection, deleted ones included (tests, maintenance). */
  async list(name: string): Promise<Doc[]> {
    const rows = await this.database.db.selectFrom('documents').select('data').where('collection', '=', name).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.data) as Doc);
  }

  /** Removes every document of a collection (tests, maintenance); checkpoints keep rising. */
  async clear(name: string): Promise<void> {
    await this.mutex.run(name, () =>
      this.database.writeTransaction(name, async (trx) => {
        await trx.deleteFrom('publications').where('collection', '=', name).execute();
        await trx.deleteFrom('documents').where('collection', '=', name).execute();
      }),
    );
  }
}

/** Reserves `count` checkpoints of a collection; answers the last one. */
async function bumpSequence(trx: Kysely<SyncTables>, collection: string, count: number): Promise<number> {
  const row = await trx
    .insertInto('sequences')
    .values({ collection, seq: count })
    .onConflict((oc) => oc.column('collection').doUpdateSet((eb) => ({ seq: eb('sequences.seq', '+', count) })))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** One statement for the whole batch of documents that exist (the caller holds the lock). */
async function upsertDocuments(trx: Kysely<SyncTables>, values: DocumentRow[]): Promise<void> {
  await trx
    .insertInto('documents')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['collection', 'id']).doUpdateSet((eb) => ({
        owner: eb.ref('excluded.owner'),
        published_all: eb.ref('excluded.published_all'),
        deleted: eb.ref('excluded.deleted'),
        seq: eb.ref('excluded.seq'),
        data: eb.ref('excluded.data'),
        updated_at: eb.ref('excluded.updated_at'),
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .execute();
}

// Keeps every statement under SQLite's and PostgreSQL's limits on bound parameters.
const PUBLICATION_CHUNK = 5000;

async function replacePublications(trx: Kysely<SyncTables>, collection: string, ids: string[], stores: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('publications').where('collection', '=', collection).where('doc_id', 'in', ids).execute();
  const rows = ids.flatMap((id) => stores.map((store) => ({ collection, doc_id: id, store_id: store })));
  for (let i = 0; i < rows.length; i += PUBLICATION_CHUNK) {
    await trx.insertInto('publications').values(rows.slice(i, i + PUBLICATION_CHUNK)).execute();
  }
}

async function readPublications(db: Kysely<SyncTables>, collection: string, ids: string[]): Promise<Map<string, string[]>> {
  const lists = new Map<string, string[]>();
  if (ids.length === 0) return lists;
  const rows = await db.selectFrom('publications').select(['doc_id', 'store_id']).where('collection', '=', collection).where('doc_id', 'in', ids).execute();
  for (const row of rows) {
    const list = lists.get(row.doc_id) ?? [];
    list.push(row.store_id);
    lists.set(row.doc_id, list);
  }
  return lists;
}

/** The documents of a collection's checkpoint range, with their publication lists. */
export async function readChangedRows(db: Kysely<SyncTables>, name: string, from: number, to: number): Promise<ChangedRow[]> {
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'seq', 'owner', 'published_all', 'data'])
    .where('collection', '=', name)
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .orderBy('seq')
    .execute();
  const lists = await readPublications(
    db,
    name,
    rows.filter((r) => r.owner === HQ_OWNER && r.published_all === 0).map((r) => r.id),
  );
  return rows.map((r) => ({ id: r.id, seq: r.seq, owner: r.owner, publishedAll: r.published_all === 1, targets: lists.get(r.id) ?? [], data: r.data }));
}
