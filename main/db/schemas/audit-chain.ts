import { createHash } from 'node:crypto';

/**
 * How an audit entry is chained: its `hash` is the SHA-256 (hex) of the canonical JSON of
 * these fields, `prevHash` (the hash of the entry before it) included, so changing any of
 * them, or removing or inserting an entry, breaks the chain from there on. The list is part
 * of the stored format: never change it without a schema version and a migration. A field an
 * entry lacks is left out of the JSON, so `storeId` (added in schema version 2, optional)
 * leaves the hashes of older entries as they were.
 */
export const HASHED_FIELDS = [
  'id', 'seq', 'at', 'device', 'storeId', 'actor', 'method', 'targetCollection', 'targetId', 'outcome', 'errorCode', 'summary', 'details', 'changes', 'prevHash',
] as const;

/** The `prevHash` of the first entry (seq 1). */
export const GENESIS_HASH = '';

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and no spaces, so the
 * same value always gives the same text. Undefined object members are left out, as
 * `JSON.stringify` does, so a value hashes the same before and after it is stored.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** The hash an entry must carry: SHA-256 hex of the canonical JSON of its hashed fields. */
export function entryHash(entry: object): string {
  const source = entry as Record<string, unknown>;
  const hashed: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) hashed[field] = source[field];
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}
