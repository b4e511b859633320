import type { AuditEntry, AuditFilter } from '../../../main/api/audit.ts';

/** A changed field's value as people read it: text as is, other values as JSON, absent as a dash. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `collection/id`, or the collection alone. */
export function targetText(entry: Pick<AuditEntry, 'targetCollection' | 'targetId'>): string {
  if (!entry.targetId) return entry.targetCollection || '—';
  return entry.targetCollection ? `${entry.targetCollection}/${entry.targetId}` : entry.targetId;
}

/** What the screen's search form holds. Dates are local `YYYY-MM-DD`, the end date included. */
export interface AuditSearchForm {
  method: string;
  actor: string;
  text: string;
  /** A store id, or `hq` for HQ's own entries ('' = every store). */
  store: string;
  dates: [string, string] | null;
}

/** An empty search form. */
export function emptySearchForm(): AuditSearchForm {
  return { method: '', actor: '', text: '', store: '', dates: null };
}

/** The store an entry or chain names, as shown: HQ's label for '', a dash when none. */
export function storeText(storeId: string | undefined, hqLabel: string): string {
  return storeId === undefined ? '—' : storeId === '' ? hqLabel : storeId;
}

/** The first instant of a local date (this computer's zone), epoch ms. */
function startOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

/** The API filter of the form: blanks left out, the date range from the first day's start to the last day's end. */
export function filterOf(form: AuditSearchForm): Omit<AuditFilter, 'cursor' | 'limit'> {
  const filter: Omit<AuditFilter, 'cursor' | 'limit'> = {};
  if (form.method.trim()) filter.method = form.method.trim();
  if (form.actor.trim()) filter.actor = form.actor.trim();
  if (form.text.trim()) filter.text = form.text.trim();
  const store = form.store.trim();
  if (store) filter.storeId = store.toLowerCase() === 'hq' ? '' : store;
  if (form.dates) {
    filter.since = startOfDay(form.dates[0]);
    const [y, m, d] = form.dates[1].split('-').map(Number);
    filter.until = new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1).getTime();
  }
  return filter;
}
