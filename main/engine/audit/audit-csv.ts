import { formatMessage, type Locale } from '../../core/i18n/format.ts';
import { formatInstant } from '../../core/time/instant.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';

const COLUMNS = ['seq', 'at', 'actor', 'method', 'target', 'outcome', 'errorCode', 'summary', 'changes', 'device', 'store', 'id', 'hash'] as const;

/** One CSV cell: quoted when needed; a leading = + - @ is neutralized so spreadsheets never run it. */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `path: before → after; …` for the changes column. */
function changesText(entry: AuditLogDoc): string {
  const show = (v: unknown) => (v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));
  return (entry.changes ?? []).map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`).join('; ');
}

/**
 * Audit entries as CSV (RFC 4180, CRLF, with a byte-order mark so spreadsheet programs read
 * the Chinese text as UTF-8), with each entry's hash so a copy can be checked later. Times
 * are local times in `zone`; labels are in `locale`.
 */
export function auditEntriesToCsv(entries: readonly AuditLogDoc[], locale: Locale, zone: string): string {
  const lines = [COLUMNS.map((c) => cell(formatMessage(locale, `audit.csv.${c}`))).join(',')];
  for (const e of entries) {
    lines.push(
      [
        e.seq,
        formatInstant(e.at, zone),
        `${formatMessage(locale, `rights.actors.${e.actor.type}`)}:${e.actor.id}`,
        e.method,
        e.targetId ? `${e.targetCollection}/${e.targetId}` : e.targetCollection,
        formatMessage(locale, `audit.outcome.${e.outcome}`),
        e.errorCode,
        e.summary,
        changesText(e),
        e.device,
        e.storeId ?? '',
        e.id,
        e.hash,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
