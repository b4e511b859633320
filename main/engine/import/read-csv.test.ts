import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { detectEncoding, readCsv, readHeaders } from './read-csv.ts';

const dir = makeTempDir();
afterAll(() => dir.remove());

async function rows(path: string) {
  const out = [];
  for await (const row of readCsv(path)) out.push(row);
  return out;
}

describe('readCsv', () => {
  const text = '会员编号,姓名,标签\r\nC001,张三,"vip,咖啡"\r\n\r\nC002,李四,\r\n';

  it('reads UTF-8 without a BOM', async () => {
    const path = join(dir.path, 'plain.csv');
    writeFileSync(path, text);
    expect(await detectEncoding(path)).toBe('utf8');
    expect(await rows(path)).toEqual([
      { row: 2, record: { 会员编号: 'C001', 姓名: '张三', 标签: 'vip,咖啡' } },
      { row: 4, record: { 会员编号: 'C002', 姓名: '李四', 标签: '' } },
    ]);
  });

  it('reads UTF-8 with a BOM and strips it from the first header', async () => {
    const path = join(dir.path, 'bom.csv');
    writeFileSync(path, `\uFEFF${text}`);
    expect(await readHeaders(path)).toEqual(['会员编号', '姓名', '标签']);
    expect((await rows(path))[0]?.record['会员编号']).toBe('C001');
  });

  it('detects and reads GBK files', async () => {
    const path = join(dir.path, 'gbk.csv');
    writeFileSync(path, iconv.encode(text, 'gbk'));
    expect(await detectEncoding(path)).toBe('gbk');
    expect((await rows(path)).map((r) => r.record['姓名'])).toEqual(['张三', '李四']);
  });

  it('keeps multi-byte characters split across stream chunks', async () => {
    const path = join(dir.path, 'big.csv');
    const lines = ['id,name'];
    for (let i = 0; i < 20000; i++) lines.push(`C${i},顾客${i}号`);
    writeFileSync(path, iconv.encode(lines.join('\n'), 'gbk'));
    const all = await rows(path);
    expect(all).toHaveLength(20000);
    expect(all.every((r, i) => r.record.name === `顾客${i}号`)).toBe(true);
  });
});
