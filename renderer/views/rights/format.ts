/**
 * Display helpers of the rights screens. The service sends plain JSON (epoch ms, cents,
 * canonical codes); these turn it into what people read.
 */

/** `XXXX-XXXX-XXXX-XXXX`. */
export function formatCode(code: string | null): string {
  return code ? (code.match(/.{1,4}/g)?.join('-') ?? code) : '—';
}

/** A local date and time (this computer's zone), or a dash. */
export function formatInstant(epochMs: number | null, locale: string): string {
  if (epochMs === null) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(epochMs));
}

/** Splits what someone typed into ids: commas, spaces, Chinese commas and new lines all separate. */
export function splitIds(text: string): string[] {
  return [...new Set(text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean))];
}

/** The first day of a local date (this computer's zone) as epoch ms. */
export function startOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

/** Offers text as a file download (the CSV export). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
