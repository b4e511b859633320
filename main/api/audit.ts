import { z } from 'zod';
import { localDateOf } from '../core/rights/local-date.ts';
import { auditEntriesToCsv } from '../engine/audit/audit-csv.ts';
import { auditFilterSchema, firstAuditEntries, searchAuditLog, type AuditPage } from '../engine/audit/audit-query.ts';
import { verifyAuditLog, type AuditVerification } from '../engine/audit/verify-audit-log.ts';
import { defineQuery } from './define.ts';

export type { AuditLogDoc as AuditEntry, AuditChange } from '../db/schemas/audit-log.ts';
export type { AuditFilter, AuditPage } from '../engine/audit/audit-query.ts';
export type { AuditVerification, AuditBrokenLink, AuditProblem } from '../engine/audit/verify-audit-log.ts';

/** The most entries one export holds. */
const EXPORT_LIMIT = 100_000;

export const auditMethods = [
  /**
   * Entries matching the filter, newest first, one page of `limit`: the next page is asked for
   * with the `cursor` this one returned (absent: no more). The first page has the `total`.
   */
  defineQuery('audit/list-entries', auditFilterSchema.optional(), (input, ctx): Promise<AuditPage> => searchAuditLog(ctx.services.database.collections.auditLog, input ?? {})),
  /** Walks the hash chain from the first entry; reports the first broken link. */
  defineQuery('audit/verify-chain', z.object({}).strict().optional(), (_input, ctx): Promise<AuditVerification> => verifyAuditLog(ctx.services.database.collections.auditLog)),
  /** The matching entries as CSV text (up to 100,000, newest first). */
  defineQuery('audit/export-entries', auditFilterSchema.omit({ cursor: true, limit: true }).extend({ locale: z.enum(['zh-CN', 'en']).default('zh-CN') }), async ({ locale, ...filter }, ctx) => {
    const { entries, more } = await firstAuditEntries(ctx.services.database.collections.auditLog, filter, EXPORT_LIMIT);
    const zone = ctx.services.zone;
    return {
      fileName: `audit-log-${localDateOf(ctx.services.clock.now(), zone)}.csv`,
      csv: auditEntriesToCsv(entries, locale, zone),
      count: entries.length,
      more,
    };
  }),
] as const;
