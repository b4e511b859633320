import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanInput } from '../../core/plans/plan.ts';
import type { MessageChannel } from '../channels/channel.ts';
import { WebhookChannel } from '../channels/webhook-channel.ts';
import { customers, openEngineTest, staff, T0, ZONE, type EngineTest } from './test-engine.ts';
import { startTestGateway } from './test-gateway.ts';
import { legacyMessageIdFor, messageIdFor } from './chunk-processor.ts';
import type { RxStorageInstanceSqlite } from '../../db/storage-sqlite/rx-storage-instance-sqlite.ts';

const HOUR = 3_600_000;

async function setup(options: Parameters<typeof openEngineTest>[0] = {}): Promise<EngineTest> {
  const t = await openEngineTest(options);
  onTestFinished(() => t.dispose());
  return t;
}

function plan(audienceId: string, actions: PlanInput['actions'], extra: Partial<PlanInput> = {}): PlanInput {
  return { name: 'Spring coupon', audienceId, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions, ...extra };
}

const sms = (via = 'outbox') => ({ id: 'sms', type: 'message' as const, channel: 'sms' as const, via, template: { 'zh-CN': { body: '{{name}}，送您一张券 {{couponCode}}，{{expiry}} 前有效' } } });

const notice = (via = 'outbox') => ({ id: 'notice', type: 'message' as const, channel: 'sms' as const, via, template: { 'zh-CN': { body: '{{name}}，会员日快乐' }, en: { body: 'Happy member day, {{name}}' } } });

function outboxLines(dir: string): string[] {
  const files = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.csv'));
  return files.flatMap((f) => readFileSync(join(dir, 'outbox', f), 'utf8').split('\r\n').slice(1).filter((l) => l.length > 0));
}

describe('Executor', () => {
  it('grants a coupon and sends an SMS to every member, chunk by chunk, skipping opted-out messages', async () => {
    const t = await setup({ settings: { chunkSize: 500 } });
    await t.addCustomers(customers(1200, (i) => (i % 10 === 0 ? { consent: { sms: false } } : {})));
    const audience = await t.everyone();
    const right = await t.couponRight();
    const runId = await t.fire(plan(audience.id, [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } }, sms()]));
    await t.executor.drain();

    const run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'done', chunks: 3, chunksDone: 3, splitDone: true });
    expect(run.counts).toEqual({ total: 1200, done: 1200, granted: 1200, sent: 1080, skipped: 0, failed: 0, retry: 0, waiting: 0 });
    expect(run.skippedBy).toEqual({ consent: 120 });
    expect(await t.database.collections.grants.count({ selector: { state: 'granted' } }).exec()).toBe(1200);
    expect(await t.database.collections.messages.count({ selector: { state: 'sent' } }).exec()).toBe(1080);
    // One record per grant (granted in one step); the message is the record of its send, shown as such.
    expect(await t.database.collections.operationRecords.count().exec()).toBe(1200);
    expect((await t.rights.records.search({ customerId: 'c000001' })).records.map((r) => [r.type, r.reason])).toEqual([['message-sent', 'sms'], ['right-granted', null]]);
    expect((await t.rights.records.search({ customerId: 'c000010' })).records.map((r) => r.type)).toEqual(['right-granted']);
    const lines = outboxLines(t.dataDir);
    expect(lines).toHaveLength(1080);
    // The message names the customer's own coupon code.
    const message = await t.database.collections.messages.findOne({ selector: { customerId: 'c000001' } }).exec();
    const grant = await t.database.collections.grants.findOne({ selector: { customerId: 'c000001' } }).exec();
    expect(message?.body).toContain('客户1');
    expect(message?.body.replace(/-/g, '')).toContain(grant?.code ?? 'no code');

    // Running it again changes nothing: every item has its idempotency key.
    await t.executor.retry(runId);
    await t.executor.drain();
    expect(await t.database.collections.grants.count().exec()).toBe(1200);
    expect(outboxLines(t.dataDir)).toHaveLength(1080);
  });

  it('keeps run messages together by id, and never sends again a message stored under the id of earlier versions', async () => {
    const t = await setup({ settings: { chunkSize: 50 } });
    await t.addCustomers(customers(100));
    const audience = await t.everyone();
    const runId = await t.fire(plan(audience.id, [notice()]));
    const run = await t.runs.get(runId);
    // Sent by an earlier version (ids were a hash of the whole key) before a crash: its chunk was never saved.
    const legacy = ['c000003', 'c000077'].map((customerId) => legacyMessageIdFor(run.planId, run.occurrence, customerId, 'notice'));
    await t.database.collections.messages.bulkInsert(
      legacy.map((id, i) => ({
        id, customerId: i === 0 ? 'c000003' : 'c000077', storeId: 'S1', planId: run.planId, runId, channel: 'sms', templateId: 'notice', locale: 'zh-CN', subject: '',
        body: 'sent before the upgrade', state: 'sent' as const, attempts: 1, nextAttemptAt: 9_999_999_999_999, sentAt: T0, providerMessageId: 'outbox', createdAt: T0, updatedAt: T0,
      })),
    );
    await t.executor.drain();

    expect((await t.runs.get(runId)).counts).toMatchObject({ done: 100, sent: 100, failed: 0 });
    expect(outboxLines(t.dataDir)).toHaveLength(98);
    const ids = (await t.database.collections.messages.find().exec()).map((m) => m.id);
    expect(ids).toHaveLength(100);
    expect(ids).toEqual(expect.arrayContaining(legacy));
    const id = messageIdFor(run.planId, run.occurrence, 'c000001', 'notice');
    expect(ids).toContain(id);
    expect(id).toMatch(/^M[0-9a-f]{20}\.c000001\.notice$/);
    // A customer or action id that is long or unusual is hashed; no two keys share an id.
    expect(messageIdFor('p', 'o', 'a.b', 'x')).toMatch(/^M[0-9a-f]{20}\.#[0-9a-f]{16}\.x$/);
    expect(messageIdFor('p', 'o', 'a', 'b.x')).not.toBe(messageIdFor('p', 'o', 'a.b', 'x'));
  });

  it('holds messages during quiet hours and sends them when the window opens', async () => {
    // 22:30 in Shanghai.
    const t = await setup({ now: Date.UTC(2026, 2, 10, 14, 30) });
    await t.addCustomers(customers(20));
    const audience = await t.everyone();
    const runId = await t.fire(plan(audience.id, [notice()]));
    await t.executor.drain();
    let run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'waiting', resumeAt: Date.UTC(2026, 2, 11, 0, 0) });
    expect(run.counts).toMatchObject({ waiting: 20, sent: 0 });
    expect(await t.executor.failedItems(runId)).toEqual([]);

    t.clock.set(Date.UTC(2026, 2, 11, 0, 0));
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'done' });
    expect(run.counts).toMatchObject({ sent: 20, done: 20, waiting: 0 });
  });

  it('skips messages over the frequency cap across plans, and opted-out customers, with the reason', async () => {
    const t = await setup({ settings: { frequencyCap: { max: 1, days: 7 } } });
    await t.addCustomers(customers(10, (i) => (i <= 2 ? { consent: { sms: false } } : i === 3 ? { phone: undefined } : {})));
    const audience = await t.everyone();
    const first = await t.fire(plan(audience.id, [notice()], { name: 'First' }));
    await t.executor.drain();
    expect((await t.runs.get(first)).counts).toMatchObject({ sent: 7, skipped: 3 });
    expect((await t.runs.get(first)).skippedBy).toEqual({ consent: 2, 'no-address': 1 });

    t.clock.advance(HOUR);
    const second = await t.fire(plan(audience.id, [notice()], { name: 'Second' }));
    await t.executor.drain();
    const run = await t.runs.get(second);
    expect(run.counts).toMatchObject({ sent: 0, skipped: 10 });
    expect(run.skippedBy).toEqual({ consent: 2, 'no-address': 1, 'frequency-cap': 7 });

    // A week later the cap allows one again.
    t.clock.advance(7 * 24 * HOUR);
    const third = await t.fire(plan(audience.id, [notice()], { name: 'Third' }));
    await t.executor.drain();
    expect((await t.runs.get(third)).counts).toMatchObject({ sent: 7 });
  });

  it('skips customers once the stock is out', async () => {
    const t = await setup();
    await t.addCustomers(customers(10));
    const audience = await t.everyone();
    const right = await t.couponRight(6);
    const runId = await t.fire(plan(audience.id, [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } }]));
    await t.executor.drain();
    const run = await t.runs.get(runId);
    expect(run.counts).toMatchObject({ total: 10, done: 6, granted: 6, skipped: 4 });
    expect(run.skippedBy).toEqual({ 'out-of-stock': 4 });
  });

  it('retries a failing gateway with backoff, parks the item, and a manual retry then succeeds', async () => {
    const gateway = await startTestGateway();
    onTestFinished(() => gateway.close());
    const t = await setup();
    t.channels.set('gw', new WebhookChannel({ kind: 'webhook', id: 'gw', url: gateway.url, secret: 'a-secret-of-16-chars', timeoutMs: 5000 }, t.clock));
    await t.addCustomers(customers(3));
    const audience = await t.everyone();
    const right = await t.couponRight(10);
    gateway.failing = true;
    const runId = await t.fire(plan(audience.id, [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } }, sms('gw')]));
    await t.executor.drain();
    let run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'waiting' });
    expect(run.counts).toMatchObject({ retry: 3 });
    let [item] = await t.executor.failedItems(runId);
    expect(item).toMatchObject({ state: 'retry', attempts: 1, reason: 'send-error' });
    expect(item?.error).toMatch(/503/);
    // The coupons are granted first (the message names them); only the message is retried.
    expect(await t.database.collections.grants.count({ selector: { state: 'granted' } }).exec()).toBe(3);
    // Backoff: 60 s x 2^0 (half fixed, half jitter at 0.5) = 45 s, then 90 s.
    expect(run.resumeAt).toBe(T0 + 45_000);

    t.clock.set(run.resumeAt);
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run.resumeAt).toBe(T0 + 45_000 + 90_000);
    t.clock.set(run.resumeAt);
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'done' });
    expect(run.counts).toMatchObject({ failed: 3, retry: 0, granted: 3, sent: 0 });
    [item] = await t.executor.failedItems(runId);
    expect(item).toMatchObject({ state: 'failed', attempts: 3 });
    // Parked: the failed message is recorded with the reason; no grant was given twice.
    expect(await t.database.collections.grants.count().exec()).toBe(3);
    const failed = await t.database.collections.messages.find({ selector: { state: 'failed' } }).exec();
    expect(failed.map((m) => m.lastError?.code)).toEqual(['CH_UNAVAILABLE', 'CH_UNAVAILABLE', 'CH_UNAVAILABLE']);

    gateway.failing = false;
    expect(await t.executor.retry(runId)).toEqual({ items: 3 });
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run).toMatchObject({ state: 'done' });
    expect(run.counts).toMatchObject({ done: 3, failed: 0, granted: 3, sent: 3 });
    expect([...gateway.delivered.values()]).toEqual([1, 1, 1]);
    expect(await t.database.collections.messages.count({ selector: { state: 'sent' } }).exec()).toBe(3);
  });

  it('pauses and resumes a run, and a cancel releases its reservations', async () => {
    const gateway = await startTestGateway();
    onTestFinished(() => gateway.close());
    gateway.delayMs = 20;
    const t = await setup({ settings: { chunkSize: 50, concurrency: 4 } });
    t.channels.set('gw', new WebhookChannel({ kind: 'webhook', id: 'gw', url: gateway.url, secret: 'a-secret-of-16-chars', timeoutMs: 5000 }, t.clock));
    await t.addCustomers(customers(200));
    const audience = await t.everyone();
    const right = await t.couponRight(1000);
    const runId = await t.fire(plan(audience.id, [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } }, sms('gw')]));
    const draining = t.executor.drain();
    await vi.waitFor(() => expect(gateway.delivered.size).toBeGreaterThan(10), { timeout: 20_000 });
    await t.executor.pause(runId);
    await draining;
    const paused = await t.runs.get(runId);
    expect(paused.state).toBe('paused');
    const sentAtPause = gateway.delivered.size;
    expect(sentAtPause).toBeLessThan(200);
    await t.executor.drain();
    expect(gateway.delivered.size).toBe(sentAtPause);

    await t.executor.resume(runId);
    const again = t.executor.drain();
    await vi.waitFor(() => expect(gateway.delivered.size).toBeGreaterThan(sentAtPause + 5), { timeout: 20_000 });
    const cancelled = await t.executor.cancel(runId, staff);
    await again;
    expect(cancelled.state).toBe('cancelled');
    expect(await t.database.collections.grants.count({ selector: { state: 'reserved' } }).exec()).toBe(0);
    const granted = await t.database.collections.grants.count({ selector: { state: 'granted' } }).exec();
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThan(200);
    expect(Math.max(...gateway.delivered.values())).toBe(1);
    await expect(t.executor.resume(runId)).rejects.toMatchObject({ code: 'EN_RUN_STATE' });
  });

  it('commits a chunk\'s grants, and announces them, before any of its messages goes out', async () => {
    const t = await setup({ settings: { chunkSize: 200 } });
    await t.addCustomers(customers(400));
    const audience = await t.everyone();
    const right = await t.couponRight();
    const grants = t.database.collections.grants;
    const file = (grants.storageInstance.originalStorageInstance as unknown as RxStorageInstanceSqlite<unknown>).internals.file;
    // Customers whose grant the change stream announced (what sync pushes comes from it).
    const announced = new Set<string>();
    const subscription = grants.storageInstance.changeStream().subscribe((bulk) => {
      for (const e of bulk.events) announced.add((e.documentData as { customerId: string }).customerId);
    });
    onTestFinished(() => subscription.unsubscribe());
    const atSend: { open: boolean; announced: boolean }[] = [];
    const outbox = t.outbox;
    t.channels.set('outbox', {
      id: outbox.id,
      kind: outbox.kind,
      downstream: outbox.downstream,
      async send(message, signal) {
        atSend.push({ open: file.db.inTransaction, announced: announced.has(message.customerId) });
        return outbox.send(message, signal);
      },
      close: () => outbox.close(),
    });
    await t.fire(plan(audience.id, [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } }, sms()]));
    await t.executor.drain();
    expect(atSend).toHaveLength(400);
    expect(atSend.filter((s) => s.open || !s.announced)).toEqual([]);
  });

  it('keeps a chunk of outbox sends in flight together (one append each), and webhook sends to the concurrency setting', async () => {
    const t = await setup({ settings: { chunkSize: 300, concurrency: 4 } });
    // The real outbox and a real webhook channel, each wrapped to count its sends in flight.
    const inFlight = new Map<string, { now: number; max: number }>();
    const counted = (channel: MessageChannel): MessageChannel => {
      const count = { now: 0, max: 0 };
      inFlight.set(channel.id, count);
      return {
        id: channel.id,
        kind: channel.kind,
        downstream: channel.downstream,
        ...(channel.batchSends ? { batchSends: channel.batchSends } : {}),
        async send(message, signal) {
          count.max = Math.max(count.max, ++count.now);
          try {
            return await channel.send(message, signal);
          } finally {
            count.now--;
          }
        },
        close: () => channel.close(),
      };
    };
    const gateway = await startTestGateway({});
    onTestFinished(() => gateway.close());
    t.channels.set('outbox', counted(t.outbox));
    t.channels.set('gw', counted(new WebhookChannel({ kind: 'webhook', id: 'gw', url: gateway.url, secret: 'a-secret-of-16-chars', timeoutMs: 5000 }, t.clock)));
    await t.addCustomers(customers(300));
    const audience = await t.everyone();

    const outboxRun = await t.fire(plan(audience.id, [notice()]));
    await t.executor.drain();
    expect((await t.runs.get(outboxRun)).counts.sent).toBe(300);
    expect(outboxLines(t.dataDir)).toHaveLength(300);
    expect(inFlight.get('outbox')?.max).toBeGreaterThan(100);

    const webhookRun = await t.fire(plan(audience.id, [notice('gw')], { name: 'Member day' }));
    await t.executor.drain();
    expect((await t.runs.get(webhookRun)).counts.sent).toBe(300);
    expect(gateway.delivered.size).toBe(300);
    expect(inFlight.get('gw')?.max).toBeLessThanOrEqual(4);
  });
});
