import { STORE_OVERRIDE_FIELDS } from '../../../main/core/plans/plan.ts';

type Doc = Record<string, unknown>;

/**
 * The one place that says which fields of an HQ plan a store may change: its own entry of
 * `storeOverrides` (`storeOverrides.<its store id>`), and in it only the fields HQ lists in the
 * plan's `overridable` (quiet hours, rate, time zone: `main/core/plans/store-overrides.ts`).
 * Every other field (name, audience, actions, schedule, limits, status, `storeId`, `_deleted`,
 * other stores' entries, the version counters...) is HQ's: a store's edit of it is dropped, and
 * HQ's edit of it wins. Each store has its own entry, so overrides of a plan published to many
 * stores never meet.
 */
export function storeOverridePaths(storeId: string, master: Doc): (path: readonly string[]) => boolean {
  const listed = Array.isArray(master.overridable) ? (master.overridable as unknown[]) : [];
  const allowed = new Set(STORE_OVERRIDE_FIELDS.filter((f) => listed.includes(f)));
  return (path) => path.length >= 3 && path[0] === 'storeOverrides' && path[1] === storeId && allowed.has(path[2] as (typeof STORE_OVERRIDE_FIELDS)[number]);
}

function plain(value: unknown): Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {};
}

/**
 * The document with `storeOverrides.<storeId>` present as an object, so a store's first
 * override merges field by field (a missing container would be one locked value).
 */
export function withOwnEntry(doc: Doc, storeId: string): Doc {
  const all = plain(doc.storeOverrides);
  return { ...doc, storeOverrides: { ...all, [storeId]: plain(all[storeId]) } };
}

/** Undoes `withOwnEntry` where it added nothing: an empty entry (and an empty map) the master did not have. */
export function withoutEmptyEntry(doc: Doc, storeId: string, master: Doc): Doc {
  const all = plain(doc.storeOverrides);
  const own = plain(all[storeId]);
  if (Object.keys(own).length > 0) return doc;
  const { [storeId]: _empty, ...others } = all;
  const hadMap = master.storeOverrides !== undefined;
  if (Object.keys(others).length === 0 && !hadMap) {
    const { storeOverrides: _map, ...rest } = doc;
    return rest;
  }
  return { ...doc, storeOverrides: others };
}
