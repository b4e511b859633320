import type { MangoQuerySelector, RxCollection } from 'rxdb';
import { z } from 'zod';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';

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
    offset: z.int().min(0).default(0),
    limit: z.int().min(1).max(100_000).default(50),
  })
  .strict();
export type AuditFilter = z.input<typeof auditFilterSchema>;

export interface AuditPage {
  /** Newest first (by time; a device's entries of one instant by seq). */
  entries: AuditLogDoc[];
  /** Entries matching the filter in all. */
  total: number;
}

const SCAN_PAGE = 2000;

function matcher(filter: z.output<typeof auditFilterSchema>): ((doc: AuditLogDoc) => boolean) | null {
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
  return tests.length === 0 ? null : (d) => tests.every((t) => t(d));
}

function isExactMethod(method: string): boolean {
  return /^[a-z]+(?:-[a-z]+)*\/[a-z]+(?:-[a-z]+)*$/.test(method);
}

/** Newest first: by time, then (one device's entries of one millisecond) by seq. */
const NEWEST_FIRST = [{ at: 'desc' }, { seq: 'desc' }] as const;

/**
 * Searches the audit log, newest first. Date range, an exact method and a device run on an
 * index; an area, an actor, a store or text are matched while reading.
 */
export async function searchAuditLog(collection: RxCollection<AuditLogDoc>, input: AuditFilter): Promise<AuditPage> {
  const filter = auditFilterSchema.parse(input);
  const selector: MangoQuerySelector<AuditLogDoc> = {};
  if (filter.since !== undefined || filter.until !== undefined) {
    selector.at = { ...(filter.since !== undefined ? { $gte: filter.since } : {}), ...(filter.until !== undefined ? { $lt: filter.until } : {}) };
  }
  if (filter.method && isExactMethod(filter.method)) selector.method = filter.method;
  if (filter.device) selector.device = filter.device;
  const matches = matcher(filter);
  if (!matches) {
    const [total, docs] = await Promise.all([
      collection.count({ selector }).exec(),
      collection.find({ selector, sort: [...NEWEST_FIRST], skip: filter.offset, limit: filter.limit }).exec(),
    ]);
    return { total, entries: docs.map((d) => d.toJSON() as AuditLogDoc) };
  }
  const entries: AuditLogDoc[] = [];
  let total = 0;
  for (let skip = 0; ; skip += SCAN_PAGE) {
    const page = await collection.find({ selector, sort: [...NEWEST_FIRST], skip, limit: SCAN_PAGE }).exec();
    for (const rx of page) {
      const doc = rx.toJSON() as AuditLogDoc;
      if (!matches(doc)) continue;
      if (total >= filter.offset && entries.length < filter.limit) entries.push(doc);
      total++;
    }
    if (page.length < SCAN_PAGE) break;
  }
  return { entries, total };
}
