import type { AuditChange } from '../../db/schemas/audit-log.ts';

/** Bookkeeping fields every edit touches: not worth an audit line. */
const SKIPPED = new Set(['updatedAt', 'updatedBy', 'createdAt', '_meta', '_rev', '_attachments', '_deleted']);
/** Fields whose values never enter the log: only that they changed. */
const SECRET = /secret|key|token|pass|credential|private/i;
const HIDDEN = '[hidden]';
/** A value longer than this (as JSON) is kept as the start of its JSON text. */
const MAX_VALUE_CHARS = 200;
const MAX_DEPTH = 4;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function small(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined) return undefined;
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}…` : value;
}

function walk(before: unknown, after: unknown, path: string, depth: number, out: AuditChange[], limit: number): void {
  if (out.length >= limit) return;
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (isPlainObject(before) && isPlainObject(after) && depth < MAX_DEPTH) {
    for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (SKIPPED.has(field)) continue;
      walk(before[field], after[field], path ? `${path}.${field}` : field, depth + 1, out, limit);
    }
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const change: AuditChange = { path };
  if (SECRET.test(key)) {
    if (before !== undefined) change.before = HIDDEN;
    if (after !== undefined) change.after = HIDDEN;
  } else {
    if (before !== undefined) change.before = small(before);
    if (after !== undefined) change.after = small(after);
  }
  out.push(change);
}

/**
 * The fields that differ between two states of one thing, as dotted paths with the values
 * before and after: nested objects are compared field by field (a few levels deep), arrays
 * and deeper values whole. Long values are cut, secret-looking fields hidden, timestamps of
 * the edit itself left out. Null or absent on one side (created, removed) gives no changes.
 */
export function diffChanges(before: unknown, after: unknown, limit = 50): AuditChange[] {
  if (!isPlainObject(before) || !isPlainObject(after)) return [];
  const out: AuditChange[] = [];
  walk(before, after, '', 0, out, limit);
  return out;
}
