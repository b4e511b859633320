import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { OperationRecord } from '../../core/rights/operation-record.ts';
import { messageSchema, type MessageDoc } from '../../db/schemas/messages.ts';
import { grantSchema, type GrantDoc } from '../../db/schemas/grants.ts';
import { operationRecordSchema, toRecordDoc, type RecordDoc } from '../../db/schemas/operation-records.ts';
import { openDatabase } from '../../db/open-database.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { RecordsQuery } from './records-query.ts';

interface Collections {
  operationRecords: RxCollection<RecordDoc>;
  grants: RxCollection<GrantDoc>;
  messages: RxCollection<MessageDoc>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

function message(i: number, state: MessageDoc['state'], sentAt: number): MessageDoc {
  return {
    id: `M${String(i).padStart(4, '0')}`, customerId: `c${i % 7}`, storeId: 'S1', planId: `P${i % 3}`, runId: 'R1', channel: 'sms', templateId: 'sms', locale: 'zh-CN',
    subject: '', body: 'hello', state, attempts: 1, nextAttemptAt: 9_999_999_999_999, sentAt, providerMessageId: state === 'sent' ? `p${i}` : '', createdAt: T0, updatedAt: T0,
  };
}

/** A `message-sent` record as versions before the message was its own record wrote them. */
function oldSentRecord(at: number): OperationRecord {
  return {
    id: 'OLD.sent', type: 'message-sent', at, customerId: 'c1', grantId: null, code: null, rightId: null, rightVersion: null, rightName: null, rightKind: null,
    packageId: null, packageVersion: null, planId: 'P9', runId: 'R0', occurrence: null, fromState: null, toState: null, actor: { type: 'plan', id: 'P9' },
    reason: 'sms', pointsDelta: 0, growthDelta: 0, corrects: null,
  };
}

async function sqlite(): Promise<{ collections: Collections; close(): Promise<void> }> {
  const dir = makeTempDir();
  const database = await openDatabase({ dataDir: dir.path });
  return {
    collections: database.collections,
    async close() {
      await database.close();
      dir.remove();
    },
  };
}

async function memory(): Promise<{ collections: Collections; close(): Promise<void> }> {
  const db = await createRxDatabase({ name: `records${Math.random().toString(36).slice(2)}`, storage: getRxStorageMemory(), multiInstance: false });
  const added = await db.addCollections({ operationRecords: { schema: operationRecordSchema }, grants: { schema: grantSchema }, messages: { schema: messageSchema } });
  return { collections: added as unknown as Collections, close: () => db.close().then(() => undefined) };
}

describe.each([
  ['the SQLite file (its sent-messages index)', sqlite],
  ['another storage (an RxDB query)', memory],
])('record searches by date or type on %s', (_, open) => {
  it('show every customer\'s sent messages as message-sent lines, newest sent first, with old records once', async () => {
    const s = await open();
    onTestFinished(() => s.close());
    // 30 sent messages, one per hour from T0 (ids in another order than their times), 5 failed.
    const sent = Array.from({ length: 30 }, (_, i) => message(i, 'sent', T0 + ((i * 7) % 30) * 3_600_000));
    const failed = Array.from({ length: 5 }, (_, i) => message(100 + i, 'failed', 0));
    await s.collections.messages.bulkInsert([...sent, ...failed]);
    await s.collections.operationRecords.insert(toRecordDoc(oldSentRecord(T0 - DAY)));
    const query = new RecordsQuery(s.collections);
    const newestFirst = [...sent].sort((a, b) => b.sentAt - a.sentAt).map((m) => `${m.id}.sent`);

    const page = await query.search({ type: 'message-sent', limit: 10 });
    expect(page.records.map((r) => r.id)).toEqual(newestFirst.slice(0, 10));
    expect(page.records.every((r) => r.type === 'message-sent' && r.reason === 'sms')).toBe(true);
    expect(page.more).toBe(true);

    // All of them, with the record an earlier version wrote, once; failed messages are not sends.
    const all = await query.search({ type: 'message-sent', limit: 1000 });
    expect(all.records.map((r) => r.id)).toEqual([...newestFirst, 'OLD.sent']);
    expect(all.more).toBe(false);

    // By date only: the window [T0 + 5 h, T0 + 10 h).
    const window = await query.search({ from: T0 + 5 * 3_600_000, to: T0 + 10 * 3_600_000 });
    expect(window.records.map((r) => r.at)).toEqual([9, 8, 7, 6, 5].map((h) => T0 + h * 3_600_000));

    // Searches by right kind name no message.
    expect((await query.search({ rightKind: 'coupon' })).records).toEqual([]);
  });
});
