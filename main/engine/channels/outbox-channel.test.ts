import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { classifySendError } from './channel.ts';
import { completeRecordsLength, OUTBOX_COLUMNS, OutboxChannel } from './outbox-channel.ts';
import { testMessage } from './test-support.ts';

// 2026-03-08 09:02:03 in Shanghai.
const NOW = Date.UTC(2026, 2, 8, 1, 2, 3);
const FILE = 'outbox-2026-03-08.csv';

describe('OutboxChannel', () => {
  let dataDir: string;
  let clock: ManualClock;
  const open: OutboxChannel[] = [];
  const make = () => {
    const channel = new OutboxChannel({ kind: 'outbox', id: 'manual', timeZone: 'Asia/Shanghai' }, { dataDir, clock });
    open.push(channel);
    return channel;
  };
  const read = async (name = FILE) => readFile(join(dataDir, 'outbox', name), 'utf8');
  const rows = async (name = FILE) => parse(await read(name), { bom: true, columns: true }) as Record<string, string>[];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outbox-test-'));
    clock = new ManualClock(NOW);
  });
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes a UTF-8 CSV with BOM that reads back exactly, Chinese and line breaks included', async () => {
    const channel = make();
    const body = '王小明，生日快乐！\n优惠券 "ABCD-EFGH"，含逗号, 和引号。\r\n第三行';
    const result = await channel.send(testMessage({ id: 'm-1', body }));
    expect(result).toEqual({ providerMessageId: FILE });
    expect(await readdir(join(dataDir, 'outbox'))).toEqual([FILE]);
    const text = await read();
    expect(text.startsWith(`\uFEFF${OUTBOX_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(await rows()).toEqual([
      {
        id: 'm-1',
        created: '2026-03-08T09:02:03+08:00',
        channel: 'sms',
        customer: 'cust-1',
        name: '王小明',
        // A leading + would make Excel read the phone as a formula.
        phone: "'+8613800000000",
        email: 'xiaoming@example.com',
        subject: '生日快乐',
        body,
      },
    ]);
  });

  it('neutralises formulas in every cell and keeps ids exact', async () => {
    const channel = make();
    await channel.send(testMessage({ id: '=1+1', to: { name: '=HYPERLINK("http://x")', phone: '138' }, body: '@SUM(A1)' }));
    await channel.send(testMessage({ id: "'quoted" }));
    const [first, second] = await rows();
    expect(first).toMatchObject({ id: "'=1+1", name: '\'=HYPERLINK("http://x")', body: "'@SUM(A1)" });
    expect(second?.id).toBe("''quoted");
    // Both are recognised again after a restart.
    const again = make();
    await again.send(testMessage({ id: '=1+1' }));
    await again.send(testMessage({ id: "'quoted" }));
    expect(await rows()).toHaveLength(2);
  });

  it('writes a message id once, in the same process, concurrently and after a restart', async () => {
    const channel = make();
    await channel.send(testMessage({ id: 'm-1' }));
    await channel.send(testMessage({ id: 'm-1' }));
    await Promise.all([channel.send(testMessage({ id: 'm-2' })), channel.send(testMessage({ id: 'm-2' }))]);
    await channel.close();
    const restarted = make();
    await expect(restarted.send(testMessage({ id: 'm-1', body: 'changed' }))).resolves.toEqual({ providerMessageId: FILE });
    await restarted.send(testMessage({ id: 'm-3' }));
    expect((await rows()).map((r) => r.id)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('repairs a last record cut short by a crash before appending', async () => {
    const channel = make();
    await channel.send(testMessage({ id: 'm-1' }));
    await channel.close();
    // The crash: half of a record whose quoted body holds a line break, then zeros.
    await appendFile(join(dataDir, 'outbox', FILE), Buffer.concat([Buffer.from('m-2,2026-03-08T09:02:03+08:00,sms,cust-1,王小明,138,,主题,"第一行\r\n第二'), Buffer.alloc(16)]));
    const restarted = make();
    await restarted.open();
    expect(await rows()).toHaveLength(1);
    await restarted.send(testMessage({ id: 'm-2', body: '完整的正文' }));
    await restarted.send(testMessage({ id: 'm-1' }));
    const after = await rows();
    expect(after.map((r) => [r.id, r.body])).toEqual([
      ['m-1', testMessage().body],
      ['m-2', '完整的正文'],
    ]);
  });

  it('restarts a file whose header was cut short, and refuses to touch a foreign file', async () => {
    const dir = join(dataDir, 'outbox');
    const channel = make();
    await channel.open();
    await writeFile(join(dir, FILE), '\uFEFFid,crea');
    await channel.send(testMessage({ id: 'm-1' }));
    expect((await rows()).map((r) => r.id)).toEqual(['m-1']);

    await writeFile(join(dir, 'outbox-2026-03-07.csv'), 'name;phone\n张三;138\n');
    const error = await make().open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CampaignError);
    expect((error as CampaignError).code).toBe('CH_OUTBOX_CORRUPT');
    expect((error as CampaignError).params).toMatchObject({ path: join(dir, 'outbox-2026-03-07.csv'), line: 1 });
    expect(await readFile(join(dir, 'outbox-2026-03-07.csv'), 'utf8')).toBe('name;phone\n张三;138\n');
    expect(classifySendError(error).retryable).toBe(false);
  });

  it('starts a new file each local day and still skips ids of earlier days', async () => {
    const channel = make();
    await channel.send(testMessage({ id: 'm-1' }));
    clock.set(Date.UTC(2026, 2, 8, 16, 30)); // 00:30 on March 9th in Shanghai
    await expect(channel.send(testMessage({ id: 'm-1' }))).resolves.toEqual({ providerMessageId: FILE });
    await expect(channel.send(testMessage({ id: 'm-2' }))).resolves.toEqual({ providerMessageId: 'outbox-2026-03-09.csv' });
    await channel.close();
    const restarted = make();
    await restarted.send(testMessage({ id: 'm-1' }));
    expect((await rows('outbox-2026-03-09.csv')).map((r) => [r.id, r.created])).toEqual([['m-2', '2026-03-09T00:30:00+08:00']]);
  });

  it('writes thousands of messages at once, and refuses those without an address', async () => {
    const channel = make();
    const messages = Array.from({ length: 3000 }, (_, i) => testMessage({ id: `m-${i}` }));
    messages[5] = testMessage({ id: 'no-phone', to: { name: '李四' } });
    const outcomes = await channel.sendMany(messages);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2999);
    const failed = outcomes[5];
    expect(failed?.ok === false && failed.error.code).toBe('CH_NO_ADDRESS');
    expect(await rows()).toHaveLength(2999);
    // WeChat is sent by staff by name: no phone or email needed.
    await expect(channel.send(testMessage({ id: 'wx', channel: 'wechat', to: { name: '李四' } }))).resolves.toBeDefined();
  });

  it('reports an unusable directory as CH_OUTBOX (retryable) and a closed channel as CH_CLOSED', async () => {
    await writeFile(join(dataDir, 'outbox'), 'a file where the directory should be');
    const channel = make();
    const error = await channel.send(testMessage()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CH_OUTBOX', params: { channel: 'manual' } });
    expect(classifySendError(error)).toMatchObject({ retryable: true, overload: false });
    await channel.close();
    await expect(channel.send(testMessage())).rejects.toMatchObject({ code: 'CH_CLOSED' });
  });

  it('finds the end of the last whole record', () => {
    const bytes = (s: string) => Buffer.from(s);
    expect(completeRecordsLength(bytes('a,b\r\nc,d\r\n'))).toBe(10);
    expect(completeRecordsLength(bytes('a,b\r\nc,"d\r\ne'))).toBe(5);
    expect(completeRecordsLength(bytes('a,b\r\nc,"d""\r\ne"\r\n'))).toBe(17);
    expect(completeRecordsLength(bytes('a,b'))).toBe(0);
  });
});
