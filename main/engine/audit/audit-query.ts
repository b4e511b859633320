import type { MangoQuery, MangoQuerySelector, RxCollection } from 'rxdb';
import { z } from 'zod';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';

/** Where the previous page ended: the sort key of its last entry (see `compareNewestFirst`). */
interface AuditCursor {
  at: number;
  seq: number;
  id: string;
}

/** The cursor as the API passes it: opaque (base64url of `[at, seq, id]`). */
export function encodeAuditCursor(entry: Pick<AuditLogDoc, 'at' | 'seq' | 'id'>): string {
  return Buffer.from(JSON.stringify([entry.at, entry.seq, entry.id])).toString('base64url');
}

function decodeAuditCursor(cursor: string): AuditCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [at, seq, id] = value as unknown[];
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(seq) || typeof id !== 'string' || id === '') return null;
    return { at: at as number, seq: seq as number, id };
  } catch {
    return null;
  }
}

/** What the audit screen and `campaign-desk audit list` search by. Instants are epoch ms; `until` is exclusive. */
export const auditFilterSchema = z
  .object({
    /** A method (`plans/update-plan`) or an area (`plans`). */
    method: z.string().trim().max(100).optional(),
    /** Part of `type:id`, e.g. `user:desk`, `cli`, `scheduler`. */
    actor: z.string().trim().max(100).optional(),
    /** Part of the summary, target, error code or a changed field's path (case-insensitive). */
    text: z.string().trim().max(200).optional(),
    /** Entries of one store ('' = HQ), as synced to HQ. */
    storeId: z.string().trim().max(64).optional(),
    /** Entries of one device (installation). */
    device: z.string().trim().max(64).optional(),
    since: z.int().min(0).optional(),
    until: z.int().min(0).optional(),
    /** The page after the one that returned this `cursor` (same filter); none: the first page. */
    cursor: z
      .string()
      .max(400)
      .refine((c) => decodeAuditCursor(c) !== null, 'not a cursor returned by audit/list-entries')
      .optional(),
    limit: z.int().min(1).max(100_000).default(50),
  })
  .strict();
export type AuditFilter = z.input<typeof auditFilterSchema>;
/** The filter alone, without the page (cursor, limit). */
export type AuditSearch = Omit<AuditFilter, 'cursor' | 'limit'>;

export interface AuditPage {
  /** Newest first (see `compareNewestFirst`). */
  entries: AuditLogDoc[];
  /** Present when more entries match: pass it back as `cursor` for the next page. */
  cursor?: string;
  /** Entries matching the filter in all: on the first page only (asked for without a cursor). */
  total?: number;
}

/**
 * The order of the log, newest first: by time, then (one device's entries of one millisecond)
 * by seq, then by id (descending) so that the order is total: entries of different devices
 * can share `at` and `seq`. Negative when `a` comes first.
 */
export function compareNewestFirst(a: AuditCursor, b: AuditCursor): number {
  return b.at - a.at || b.seq - a.seq || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Entries per read while scanning (a window of time holds about this many). */
const SCAN_PAGE = 2000;
/** A window is cut down when it holds more than this many times the entries wanted. */
const OVERSHOOT = 4;
/** The first window of time tried (ms); it adapts to the log's density from there. */
const FIRST_WINDOW = 3_600_000;
/** The most a window grows from one read to the next. */
const GROWTH = 16;

type Filter = z.output<typeof auditFilterSchema>;

function isExactMethod(method: string): boolean {
  return /^[a-z]+(?:-[a-z]+)*\/[a-z]+(?:-[a-z]+)*$/.test(method);
}

/** The tests run while reading (everything but the date range and an exact method, which run on an index). */
function matcher(filter: Omit<Filter, 'limit'>): ((doc: AuditLogDoc) => boolean) | null {
  const tests: ((doc: AuditLogDoc) => boolean)[] = [];
  const method = filter.method;
  if (method && !isExactMethod(method)) {
    const area = method.replace(/\/$/, '').toLowerCase();
    tests.push((d) => d.method.toLowerCase().startsWith(area));
  }
  if (filter.actor) {
    const actor = filter.actor.toLowerCase();
    tests.push((d) => `${d.actor.type}:${d.actor.id}`.toLowerCase().includes(actor));
  }
  if (filter.text) {
    const text = filter.text.toLowerCase();
    tests.push((d) =>
      [d.summary, d.targetId, d.targetCollection, d.errorCode, d.method, ...(d.changes ?? []).map((c) => c.path)].some((s) => s.toLowerCase().includes(text)),
    );
  }
  if (filter.storeId !== undefined) {
    const storeId = filter.storeId;
    tests.push((d) => d.storeId === storeId);
  }
  if (filter.device) {
    const device = filter.device;
    tests.push((d) => d.device === device);
  }
  return tests.length === 0 ? null : (d) => tests.every((t) => t(d));
}

/** The part of the filter an index answers: an exact method (index method+at). */
function indexedSelector(filter: Omit<Filter, 'limit'>): MangoQuerySelector<AuditLogDoc> {
  return filter.method && isExactMethod(filter.method) ? { method: filter.method } : {};
}

/**
 * The entries of `[lo, hi)` in index order, so that both the selector and the sort are
 * answered by an index (`at`, or `method`+`at`): a range read in SQL (exported for the test that checks it).
 */
export function auditWindowQuery(base: MangoQuerySelector<AuditLogDoc>, lo: number, hi: number): MangoQuery<AuditLogDoc> & { selector: MangoQuerySelector<AuditLogDoc> } {
  return { selector: { ...base, at: { $gte: lo, $lt: hi } }, sort: [{ at: 'asc' }, { id: 'asc' }] };
}

/**
 * The matching entries, newest first, after `after` (exclusive) if given. The storage reads
 * an index only upwards, so the log is read backwards in windows of time `[lo, hi)`: each
 * window is counted on the index (`at`, or `method`+`at`) and, when it holds far more than
 * `target` entries, cut down before its entries are read (ascending, by index) and sorted
 * newest first. A page costs about `target` entries read, plus the entries sharing the
 * cursor's millisecond, wherever it is in the log; a scan reads each entry once.
 */
async function* readNewestFirst(collection: RxCollection<AuditLogDoc>, filter: Omit<Filter, 'limit'>, target: number): AsyncGenerator<AuditLogDoc> {
  const after = filter.cursor === undefined ? null : decodeAuditCursor(filter.cursor);
  const base = indexedSelector(filter);
  const matches = matcher(filter);
  const floor = filter.since ?? 0;
  let hi = Math.min(filter.until ?? NEVER + 1, after ? after.at + 1 : NEVER + 1);
  const count = (lo: number, top: number) => collection.count({ selector: auditWindowQuery(base, lo, top).selector }).exec();
  let window = FIRST_WINDOW;
  while (hi > floor) {
    let lo = Math.max(floor, hi - window);
    let n = await count(lo, hi);
    while (n > OVERSHOOT * target && hi - lo > 1) {
      // Aim at `target` entries assuming an even spread, and at least halve.
      const span = Math.max(1, Math.min(Math.floor((hi - lo) / 2), Math.floor(((hi - lo) * target) / n)));
      lo = hi - span;
      n = await count(lo, hi);
    }
    if (n > 0) {
      const docs = await collection.find(auditWindowQuery(base, lo, hi)).exec();
      const entries = docs.map((d) => d.toJSON() as AuditLogDoc).sort(compareNewestFirst);
      for (const doc of entries) {
        if (after && compareNewestFirst(doc, after) <= 0) continue;
        if (matches && !matches(doc)) continue;
        yield doc;
      }
    }
    const span = hi - lo;
    hi = lo;
    window = n === 0 ? span * GROWTH : Math.max(1, Math.min(span * GROWTH, Math.floor((span * target) / n)));
  }
}

/** Entries matching the filter in all: on the index when nothing is matched while reading. */
export async function countAuditLog(collection: RxCollection<AuditLogDoc>, input: AuditSearch): Promise<number> {
  const filter = auditFilterSchema.parse(input);
  const { cursor: _cursor, ...search } = filter;
  if (!matcher(search)) {
    const selector: MangoQuerySelector<AuditLogDoc> = { ...indexedSelector(search) };
    if (search.since !== undefined || search.until !== undefined) {
      selector.at = { ...(search.since !== undefined ? { $gte: search.since } : {}), ...(search.until !== undefined ? { $lt: search.until } : {}) };
    }
    return collection.count({ selector }).exec();
  }
  let total = 0;
  for await (const _doc of readNewestFirst(collection, search, SCAN_PAGE)) total++;
  return total;
}

/**
 * Every entry matching the filter, newest first, read a window at a time (for exports: stop
 * when enough). Entries appended meanwhile may or may not be included; none is given twice.
 */
export function scanAuditLog(collection: RxCollection<AuditLogDoc>, input: AuditSearch): AsyncGenerator<AuditLogDoc> {
  const { cursor: _cursor, limit: _limit, ...search } = auditFilterSchema.parse(input);
  return readNewestFirst(collection, search, SCAN_PAGE);
}

/** Up to `limit` matching entries, newest first, and whether there are more. */
export async function firstAuditEntries(collection: RxCollection<AuditLogDoc>, input: AuditSearch, limit: number): Promise<{ entries: AuditLogDoc[]; more: boolean }> {
  const entries: AuditLogDoc[] = [];
  for await (const doc of scanAuditLog(collection, input)) {
    if (entries.length === limit) return { entries, more: true };
    entries.push(doc);
  }
  return { entries, more: false };
}

/**
 * Searches the audit log, newest first, a page at a time (keyset paging): each page returns
 * a `cursor`, the sort key of its last entry, and the next page starts right after it, so no
 * entry is skipped or repeated (entries are never changed, so their keys never move), however
 * deep the page, whatever is appended meanwhile. Date range and an exact method run on an
 * index; an area, an actor, a store, a device or text are matched while reading.
 */
export async function searchAuditLog(collection: RxCollection<AuditLogDoc>, input: AuditFilter): Promise<AuditPage> {
  const { limit, ...filter } = auditFilterSchema.parse(input);
  // With filters matched while reading, read in bigger windows: matches may be sparse.
  const target = matcher(filter) ? SCAN_PAGE : Math.min(SCAN_PAGE, limit + 1);
  const entries: AuditLogDoc[] = [];
  let more = false;
  for await (const doc of readNewestFirst(collection, filter, target)) {
    if (entries.length === limit) {
      more = true;
      break;
    }
    entries.push(doc);
  }
  const page: AuditPage = { entries };
  if (more) page.cursor = encodeAuditCursor(entries.at(-1)!);
  const { cursor, ...search } = filter;
  if (cursor === undefined) page.total = await countAuditLog(collection, search);
  return page;
}
