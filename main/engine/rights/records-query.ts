import type { MangoQuerySelector, MangoQuerySortPart, RxCollection } from 'rxdb';
import { z } from 'zod';
import { normalizeCode } from '../../core/rights/coupon-code.ts';
import { RECORD_TYPES, type OperationRecord } from '../../core/rights/operation-record.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';
import { RIGHT_KINDS } from '../../core/rights/right-kind.ts';
import { fromRecordDoc, type RecordDoc } from '../../db/schemas/operation-records.ts';
import { SENT_MESSAGES } from '../../db/expression-indexes.ts';
import { openSqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { sqliteInstanceOf } from '../../db/storage-sqlite/sqlite-instance-of.ts';
import { DocStore, plain } from './doc-store.ts';
import type { RightsCollections } from './rights-collections.ts';

/** What the Records screen searches by. Instants are epoch ms; `to` is exclusive. */
export const recordFilterSchema = z
  .object({
    customerId: z.string().trim().min(1).max(64).optional(),
    code: z.string().trim().min(1).max(40).optional(),
    planId: z.string().trim().min(1).max(64).optional(),
    type: z.enum(RECORD_TYPES).optional(),
    rightKind: z.enum(RIGHT_KINDS).optional(),
    from: z.int().min(0).optional(),
    to: z.int().min(0).optional(),
    limit: z.int().min(1).max(100_000).default(200),
  })
  .strict();
export type RecordFilter = z.input<typeof recordFilterSchema>;

export interface RecordPage {
  /** Newest first. */
  records: OperationRecord[];
  /** True when more records match than `limit`. */
  more: boolean;
}

/**
 * The `message-sent` line of a sent message. The executor writes no record of its own for a
 * send: the message document (state `sent`, `sentAt`, attempts, provider id) is that record, and
 * searches show it as this line (the id and fields the separate record had, so one written by
 * an earlier version is shown once).
 */
export function messageSentRecord(m: Pick<MessageDoc, 'id' | 'customerId' | 'planId' | 'runId' | 'channel' | 'sentAt'>): OperationRecord {
  return {
    id: `${m.id}.sent`, type: 'message-sent', at: m.sentAt, customerId: m.customerId, grantId: null, code: null, rightId: null, rightVersion: null,
    rightName: null, rightKind: null, packageId: null, packageVersion: null, planId: m.planId, runId: m.runId, occurrence: null,
    fromState: null, toState: null, actor: { type: 'plan', id: m.planId }, reason: m.channel, pointsDelta: 0, growthDelta: 0, corrects: null,
  };
}

/**
 * Searches the operation records. Each search runs on an index: a customer's timeline, a
 * plan's records, a code's grant, or (by date only) one index range per record type, merged.
 * Searches also return the sent messages as `message-sent` lines: by customer or plan from the
 * messages' customer and plan indexes, by date or type only from their `sent` index (by when
 * they were sent); searches by code or right kind leave messages out (they name neither).
 */
export class RecordsQuery {
  private readonly records: DocStore<RecordDoc>;
  private readonly grants: RightsCollections['grants'];
  private readonly messages: RightsCollections['messages'];

  constructor(collections: Pick<RightsCollections, 'operationRecords' | 'grants' | 'messages'>) {
    this.records = new DocStore(collections.operationRecords);
    this.grants = collections.grants;
    this.messages = collections.messages;
  }

  /** Sent messages matching the filter, newest first (at most `limit + 1`), as `message-sent` lines. */
  private async sentMessages(filter: z.output<typeof recordFilterSchema>): Promise<OperationRecord[]> {
    if (!this.messages || filter.code || filter.rightKind || (filter.type && filter.type !== 'message-sent')) return [];
    if (!filter.customerId && !filter.planId) return (await this.sentByTime(this.messages, filter)).map(messageSentRecord);
    const selector: MangoQuerySelector<MessageDoc> = { state: 'sent' };
    if (filter.customerId) selector.customerId = filter.customerId;
    if (filter.planId) selector.planId = filter.planId;
    // A customer's messages are few: all of them. A plan's, the newest by creation (a message
    // sent on a retry was created at its first try, so the last page's edge is approximate).
    const lead = filter.customerId ? 'customerId' : 'planId';
    const docs = await this.messages
      .find({ selector, sort: [{ [lead]: 'desc' } as MangoQuerySortPart<MessageDoc>, { createdAt: 'desc' }], ...(filter.customerId ? {} : { limit: filter.limit + 1 }) })
      .exec();
    const out: OperationRecord[] = [];
    for (const doc of docs) {
      const m = doc._data;
      if ((filter.from !== undefined && m.sentAt < filter.from) || (filter.to !== undefined && m.sentAt >= filter.to)) continue;
      out.push(messageSentRecord(m));
    }
    return out;
  }

  /**
   * Every customer's sent messages in the filter's time window, newest sent first (at most
   * `limit + 1`): on SQLite one backwards walk of the `sent` index; elsewhere an RxDB query
   * (sorted in memory: the schema has no index on `sentAt`).
   */
  private async sentByTime(messages: RxCollection<MessageDoc>, filter: z.output<typeof recordFilterSchema>): Promise<MessageDoc[]> {
    const from = filter.from ?? 0;
    const to = filter.to ?? Number.MAX_SAFE_INTEGER;
    const instance = sqliteInstanceOf(messages as unknown as RxCollection);
    if (!instance) {
      const docs = await messages.find({ selector: { state: 'sent', sentAt: { $gte: from, $lt: to } }, sort: [{ sentAt: 'desc' }], limit: filter.limit + 1 }).exec();
      return docs.map((d) => d._data);
    }
    const reader = openSqlReader(instance.storage.databaseFile(instance.databaseName));
    try {
      const t = reader.table(instance.collectionName, instance.schema.version);
      const { sentAt, where } = SENT_MESSAGES;
      const rows = reader.rows<[string]>(
        `SELECT data FROM ${t} INDEXED BY ${reader.indexName(t, SENT_MESSAGES.index)} WHERE ${where} AND deleted = 0 AND ${sentAt} >= ? AND ${sentAt} < ? ORDER BY ${sentAt} DESC, id DESC LIMIT ?`,
        from,
        to,
        filter.limit + 1,
      );
      return rows.map(([json]) => JSON.parse(json) as MessageDoc);
    } finally {
      reader.close();
    }
  }

  async search(input: RecordFilter): Promise<RecordPage> {
    const filter = recordFilterSchema.parse(input);
    const at: { $gte?: number; $lt?: number } = {};
    if (filter.from !== undefined) at.$gte = filter.from;
    if (filter.to !== undefined) at.$lt = filter.to;
    const common: MangoQuerySelector<RecordDoc> = {};
    if (filter.from !== undefined || filter.to !== undefined) common.at = at;
    if (filter.customerId) common.customerId = filter.customerId;
    if (filter.planId) common.planKey = filter.planId;
    if (filter.type) common.type = filter.type;
    if (filter.rightKind) common.rightKind = filter.rightKind;

    const lanes: MangoQuerySelector<RecordDoc>[] = [];
    if (filter.code) {
      const grants = await this.grants.find({ selector: { codeKey: normalizeCode(filter.code) } }).exec();
      // A grant's records share the id prefix `<grantId>.`: one primary key range.
      for (const g of grants) lanes.push({ ...common, id: { $gte: `${g.id}.`, $lt: `${g.id}/` } });
    } else if (filter.customerId || filter.planId) {
      lanes.push(common);
    } else {
      for (const type of filter.type ? [filter.type] : RECORD_TYPES) lanes.push({ ...common, type });
    }
    const limit = filter.limit;
    const found: RecordDoc[] = [];
    for (const selector of lanes) {
      // Sort along the index the lane runs on, so the storage reads the newest first.
      const lead: keyof RecordDoc | null = filter.code ? null : selector.customerId ? 'customerId' : selector.planKey ? 'planKey' : 'type';
      const sort: MangoQuerySortPart<RecordDoc>[] = lead ? [{ [lead]: 'desc' } as MangoQuerySortPart<RecordDoc>, { at: 'desc' }] : [{ at: 'desc' }];
      for (const doc of await this.records.find({ selector, sort, limit: limit + 1 })) found.push(plain(doc));
    }
    const records = found.map(fromRecordDoc);
    const ids = new Set(records.map((r) => r.id));
    for (const line of await this.sentMessages(filter)) if (!ids.has(line.id)) records.push(line);
    records.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return { records: records.slice(0, limit), more: records.length > limit };
  }
}
