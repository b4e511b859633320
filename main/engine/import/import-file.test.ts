import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { RxDatabase } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { makeTempDir } from '../../testing/temp-dir.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import { openCustomerDatabase } from '../audience/test-database.ts';
import { importFile, type ImportOptions } from './import-file.ts';
import { rxdbImportSink } from './rxdb-sink.ts';

const CUSTOMERS = [
  '会员编号,姓名,性别,生日,会员等级,标签,积分,注册时间',
  'C001,张三,女,1990-05-17,3,vip;咖啡,1200,2024-01-05 10:00',
  'C002,李四,男,1992-02-29,1,,300,2024-02-01',
  'C003,王五,机器人,1985-13-01,x,,abc,2024-03-01',
  'C004,赵六,女,,0,新客,0,2025-06-01 08:00',
  ',无编号,女,1990-01-01,1,,0,2024-01-01',
].join('\n');

describe('importing customers and events', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: RxDatabase;
  let data: AudienceData;

  beforeEach(async () => {
    dir = makeTempDir();
    ({ db, data } = await openCustomerDatabase(dir.path));
  });
  afterEach(async () => {
    await db.close();
    dir.remove();
  });

  function run(path: string, extra: Partial<ImportOptions> = {}) {
    return importFile({
      kind: 'customers',
      path,
      sink: rxdbImportSink(data),
      errorPath: join(dir.path, 'errors.csv'),
      zone: 'Asia/Shanghai',
      defaultStoreId: 'S01',
      now: '2026-11-25T00:00:00.000Z',
      ...extra,
    });
  }

  it('imports good rows, reports bad ones in an error file, and re-imports idempotently', async () => {
    const path = join(dir.path, 'customers.csv');
    writeFileSync(path, CUSTOMERS);
    const first = await run(path);
    expect(first).toMatchObject({ rows: 5, imported: 3, failed: 2, cancelled: false });
    expect(await data.customers.count().exec()).toBe(3);
    const c1 = await data.customers.findOne('C001').exec(true);
    expect(c1.toJSON()).toMatchObject({ name: '张三', gender: 'female', level: 3, tags: ['vip', '咖啡'], registeredAt: '2024-01-05T02:00:00.000Z', birthMonthDay: '05-17' });

    const errors = parse(readFileSync(first.errorFile ?? '', 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(errors.map((e) => [e._row, e._column])).toEqual([
      ['4', '性别; 生日; 会员等级; 积分'],
      ['6', '会员编号'],
    ]);
    expect(errors[0]?._error).toContain('not a real date');
    expect(errors[0]?.['姓名']).toBe('王五');

    // Fix the bad rows in the error file and import it: the good ones stay as they were.
    const fixed = join(dir.path, 'fixed.csv');
    writeFileSync(fixed, readFileSync(first.errorFile ?? '', 'utf8').replace('机器人', '男').replace('1985-13-01', '1985-12-01').replace(',x,', ',2,').replace(',abc,', ',10,').replace(',无编号', 'C005,无编号'));
    const second = await run(fixed, { errorPath: join(dir.path, 'errors-2.csv') });
    expect(second).toMatchObject({ imported: 2, failed: 0 });
    expect(await data.customers.count().exec()).toBe(5);

    const again = await run(path, { errorPath: join(dir.path, 'errors-3.csv') });
    expect(again.imported).toBe(3);
    expect(await data.customers.count().exec()).toBe(5);
  });

  it('reads GBK exports', async () => {
    const path = join(dir.path, 'gbk.csv');
    writeFileSync(path, iconv.encode(CUSTOMERS, 'gbk'));
    await run(path);
    expect((await data.customers.findOne('C002').exec(true)).name).toBe('李四');
  });

  it('refuses a mapping to a column the file lacks, and stores nothing', async () => {
    const path = join(dir.path, 'customers.csv');
    writeFileSync(path, CUSTOMERS);
    await expect(run(path, { mapping: { externalId: 'id' } })).rejects.toMatchObject({ code: 'IM_MAPPING' });
    await expect(run(join(dir.path, 'missing.csv'))).rejects.toMatchObject({ code: 'IM_FILE' });
    expect(await data.customers.count().exec()).toBe(0);
  });

  it('imports events once, rejects unknown customers, and updates spend', async () => {
    const customers = join(dir.path, 'customers.csv');
    writeFileSync(customers, CUSTOMERS);
    await run(customers);
    const events = join(dir.path, 'events.csv');
    writeFileSync(events, ['会员编号,事件类型,发生时间,商品类目,金额', 'C001,下单,2026-11-20 12:00,咖啡,35', 'C001,浏览,2026-11-20 11:50,咖啡,', 'C999,下单,2026-11-20 12:00,咖啡,10', 'C002,退款,2026-11-21 09:00,茶饮,5'].join('\n'));
    const opts = { kind: 'events' as const, errorPath: join(dir.path, 'event-errors.csv') };
    const first = await run(events, opts);
    expect(first).toMatchObject({ rows: 4, imported: 3, failed: 1 });
    expect(readFileSync(first.errorFile ?? '', 'utf8')).toContain('C999 does not exist');
    expect((await data.customers.findOne('C001').exec(true)).totalSpend).toBe(3500);
    expect((await data.customers.findOne('C002').exec(true)).totalSpend).toBe(-500);
    const again = await run(events, { ...opts, errorPath: join(dir.path, 'event-errors-2.csv') });
    expect(again.imported).toBe(3);
    expect(await data.events.count().exec()).toBe(3);
    expect((await data.customers.findOne('C001').exec(true)).totalSpend).toBe(3500);
  });

  it('can be run again after being interrupted, without duplicates', async () => {
    const path = join(dir.path, 'big.csv');
    const lines = ['id,name,level'];
    for (let i = 0; i < 5000; i++) lines.push(`M${String(i).padStart(5, '0')},顾客${i},${i % 5}`);
    writeFileSync(path, lines.join('\n'));
    const controller = new AbortController();
    const progress: number[] = [];
    const partial = await run(path, {
      batchSize: 500,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.imported);
        if (p.imported >= 1500) controller.abort();
      },
    });
    expect(partial.cancelled).toBe(true);
    const stored = await data.customers.count().exec();
    expect(stored).toBeGreaterThanOrEqual(1500);
    expect(stored).toBeLessThan(5000);
    const full = await run(path, { batchSize: 500 });
    expect(full).toMatchObject({ imported: 5000, failed: 0, cancelled: false });
    expect(await data.customers.count().exec()).toBe(5000);
    expect(progress.length).toBeGreaterThan(1);
  });
});
