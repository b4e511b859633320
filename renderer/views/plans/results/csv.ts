/** One CSV cell: quoted when needed; a leading = + - @ is neutralized so spreadsheets never run it. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A table as CSV (RFC 4180, CRLF, with a byte-order mark so spreadsheet programs read Chinese
 * as UTF-8): the same rules as the audit log's export.
 */
export function toCsv(headers: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const lines = [headers.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
