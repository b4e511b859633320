import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf8' | 'gbk' | 'auto';

/** One data row: its 1-based line number in the file (header = line 1) and its cells by header. */
export interface CsvRow {
  row: number;
  record: Record<string, string>;
}

/**
 * Detects the encoding from the first 64 KiB: a UTF-8 BOM or valid UTF-8 means UTF-8,
 * anything else is read as GB18030 (a superset of GBK and GB2312, which Chinese POS
 * systems and Excel export).
 */
export async function detectEncoding(path: string): Promise<'utf8' | 'gbk'> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let bytes = buffer.subarray(0, bytesRead);
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8';
    // Drop a multi-byte character cut off at the end of the sample.
    if (bytesRead === buffer.length) {
      let end = bytes.length;
      while (end > 0 && end > bytes.length - 4 && ((bytes[end - 1] ?? 0) & 0xc0) === 0x80) end--;
      if (end > 0 && ((bytes[end - 1] ?? 0) & 0x80) !== 0) end--;
      bytes = bytes.subarray(0, end);
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return 'utf8';
    } catch {
      return 'gbk';
    }
  } finally {
    await handle.close();
  }
}

function decoder(encoding: 'utf8' | 'gbk'): Transform {
  // iconv-lite strips a UTF-8 BOM and handles characters split across chunks.
  return iconv.decodeStream(encoding === 'gbk' ? 'gb18030' : 'utf8') as unknown as Transform;
}

/** The header row of a CSV file (for the column-mapping step). */
export async function readHeaders(path: string, encoding: CsvEncoding = 'auto'): Promise<string[]> {
  for await (const row of readCsv(path, encoding)) return Object.keys(row.record);
  return [];
}

/**
 * Streams the rows of a CSV file with a header line, in constant memory. Blank lines are
 * skipped; rows with too few or too many cells are still yielded (the row check reports them).
 */
export async function* readCsv(path: string, encoding: CsvEncoding = 'auto', signal?: AbortSignal): AsyncGenerator<CsvRow> {
  const actual = encoding === 'auto' ? await detectEncoding(path) : encoding;
  const source: Readable = createReadStream(path);
  const parser = source.pipe(decoder(actual)).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.replace(/^\uFEFF/, '').trim()),
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      trim: false,
      info: true,
    }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (signal?.aborted) return;
      yield { row: item.info.lines, record: item.record };
    }
  } finally {
    source.destroy();
  }
}
