import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The rows an import refused, as a CSV the user can fix and import again: the original
 * columns, then `_row` (line in the source file), `_column` and `_error`. UTF-8 with a BOM so
 * Excel opens Chinese text correctly.
 */
export class ErrorFile {
  private out: WriteStream | undefined;
  private headers: string[] = [];
  count = 0;

  constructor(readonly path: string) {}

  async add(row: number, record: Record<string, string>, issues: { column: string; reason: string }[]): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.headers = Object.keys(record);
      this.out.write(`\uFEFF${[...this.headers, '_row', '_column', '_error'].map(cell).join(',')}\n`);
    }
    this.count++;
    const columns = issues.map((i) => i.column).join('; ');
    const reasons = issues.map((i) => (i.column ? `${i.column}: ${i.reason}` : i.reason)).join('; ');
    const line = [...this.headers.map((h) => record[h] ?? ''), String(row), columns, reasons].map(cell).join(',');
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await once(this.out, 'finish');
  }
}
