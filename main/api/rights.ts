import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { serializeError, type SerializedError } from '../core/errors/campaign-error.ts';
import type { Grant } from '../core/rights/grant.ts';
import { localDateOf } from '../core/rights/local-date.ts';
import { adjustmentInputSchema, type Balances, type OperationRecord } from '../core/rights/operation-record.ts';
import { grantPeriodSchema } from '../core/rights/period-key.ts';
import { rightInputSchema, type RightVersion } from '../core/rights/right.ts';
import { KIND_TRAITS, RIGHT_KINDS, type BalanceName, type RightKind } from '../core/rights/right-kind.ts';
import { paramsJsonSchema } from '../core/rights/right-params.ts';
import { packageInputSchema, type PackageVersion } from '../core/rights/rights-package.ts';
import { validitySchema } from '../core/rights/validity.ts';
import type { StockDoc } from '../db/schemas/allotments.ts';
import { recordFilterSchema, type RecordPage } from '../engine/rights/records-query.ts';
import { recordsToCsv } from '../engine/rights/records-csv.ts';
import type { BundleOutcome } from '../engine/rights/rights-ledger.ts';
import type { StockView } from '../engine/rights/rights-inventory.ts';
import { actorOf } from './actor.ts';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

/** A kind of right as the catalog form needs it: traits and the JSON Schema of its parameters. */
export interface RightKindInfo {
  kind: RightKind;
  redeemable: boolean | 'per-right';
  balance: BalanceName | null;
  paramsSchema: Record<string, unknown>;
}

/** The result of one grant request, as plain JSON. */
export type GrantResult = { ok: true; bundleId: string; grants: Grant[]; existing: boolean } | { ok: false; bundleId: string | null; error: SerializedError };

/** A customer's rights and records, newest first, with balances derived from the records. */
export interface CustomerTimeline {
  customerId: string;
  records: OperationRecord[];
  more: boolean;
  grants: Grant[];
  balances: Balances;
}

const id = z.string().trim().min(1).max(64);
const subjectSchema = z.object({ type: z.enum(['right', 'package']), id, version: z.int().min(1).optional() }).strict();
const ownerSchema = z.object({ type: z.enum(['right', 'package']), id }).strict();
const reason = z.string().trim().min(1).max(500);

function toResult(outcome: BundleOutcome): GrantResult {
  return outcome.ok ? outcome : { ok: false, bundleId: outcome.bundleId, error: serializeError(outcome.error) };
}

export const rightsMethods = [
  /** Every kind of right, with the JSON Schema the catalog builds its form from. */
  defineQuery('rights/list-kinds', z.object({}).optional(), (): RightKindInfo[] =>
    RIGHT_KINDS.map((kind) => ({ kind, ...KIND_TRAITS[kind], paramsSchema: paramsJsonSchema(kind) })),
  ),
  defineQuery('rights/list-rights', z.object({ includeArchived: z.boolean().default(false) }).optional(), (input, ctx): Promise<RightVersion[]> =>
    ctx.services.rights.catalog.listRights({ includeArchived: input?.includeArchived ?? false }),
  ),
  /** A right's newest version and every version, newest first. */
  defineQuery('rights/get-right', z.object({ id }), async ({ id: rightId }, ctx): Promise<{ current: RightVersion; versions: RightVersion[] }> => {
    const versions = await ctx.services.rights.catalog.rightHistory(rightId);
    return { current: versions[0]!, versions };
  }),
  defineMutation('rights/create-right', rightInputSchema, (input, ctx): Promise<RightVersion> => ctx.services.rights.catalog.createRight(input, actorOf(ctx))),
  /** Saves a new version; `expectedVersion` is the version the form was loaded from. */
  defineMutation('rights/update-right', z.object({ id, expectedVersion: z.int().min(1), right: rightInputSchema }).strict(), (input, ctx): Promise<RightVersion> =>
    ctx.services.rights.catalog.updateRight(input.id, input.right, input.expectedVersion, actorOf(ctx)),
  ),
  defineQuery('rights/list-packages', z.object({ includeArchived: z.boolean().default(false) }).optional(), (input, ctx): Promise<PackageVersion[]> =>
    ctx.services.rights.catalog.listPackages({ includeArchived: input?.includeArchived ?? false }),
  ),
  defineQuery('rights/get-package', z.object({ id }), async ({ id: packageId }, ctx): Promise<{ current: PackageVersion; versions: PackageVersion[] }> => {
    const versions = await ctx.services.rights.catalog.packageHistory(packageId);
    return { current: versions[0]!, versions };
  }),
  defineMutation('rights/create-package', packageInputSchema, (input, ctx): Promise<PackageVersion> => ctx.services.rights.catalog.createPackage(input, actorOf(ctx))),
  defineMutation('rights/update-package', z.object({ id, expectedVersion: z.int().min(1), package: packageInputSchema }).strict(), (input, ctx): Promise<PackageVersion> =>
    ctx.services.rights.catalog.updatePackage(input.id, input.package, input.expectedVersion, actorOf(ctx)),
  ),

  /** Every stock (local and allotted) with what remains. */
  defineQuery('rights/list-stocks', z.object({}).optional(), (_input, ctx): Promise<StockView[]> => ctx.services.rights.inventory.list()),
  /** Sets a right's or package's local stock (creates it: the right stops being unlimited). */
  defineMutation('rights/set-stock', z.object({ owner: ownerSchema, total: z.int().min(0).max(1_000_000_000) }).strict(), (input, ctx): Promise<StockDoc> =>
    ctx.services.rights.inventory.setLocalStock(input.owner, input.total),
  ),
  /** Records a share of chain-wide stock leased by HQ (the sync issue calls this). */
  defineMutation(
    'rights/add-allotment',
    z.object({ owner: ownerSchema, allotmentId: id, from: z.string().trim().min(1).max(100), total: z.int().min(0).max(1_000_000_000), expiresAt: z.int().min(0).optional() }).strict(),
    (input, ctx): Promise<StockDoc> => ctx.services.rights.inventory.addAllotment(input),
  ),
  defineMutation('rights/return-allotment', z.object({ id: z.string().min(1).max(80) }), ({ id: stockId }, ctx): Promise<StockDoc> => ctx.services.rights.inventory.returnAllotment(stockId)),

  /**
   * Grants rights or packages to customers now: reserve, then commit (two ledger steps, so the
   * customer's records show both). `requestId` makes the call idempotent: sending the same
   * request again returns the same grants.
   */
  defineMutation(
    'rights/grant-rights',
    z
      .object({
        requestId: z.string().trim().min(1).max(64).default(() => randomUUID()),
        subject: subjectSchema,
        customerIds: z.array(id).min(1).max(500),
        planId: id.optional(),
        actionId: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    async (input, ctx): Promise<GrantResult[]> => {
      const actionId = input.actionId ?? `${input.subject.type}:${input.subject.id}`;
      const requests = input.customerIds.map((customerId) => ({ key: { planId: input.planId ?? 'manual', occurrence: input.requestId, customerId, actionId }, subject: input.subject }));
      return (await ctx.services.rights.ledger.reserveAndCommit(requests, actorOf(ctx))).map(toResult);
    },
  ),
  /** Grants a right or package for the current period (day, week, month): once per customer per period. */
  defineMutation(
    'rights/grant-periodic',
    z.object({ subject: subjectSchema, customerIds: z.array(id).min(1).max(500), period: grantPeriodSchema, planId: id, actionId: z.string().trim().min(1).max(64).default('periodic') }).strict(),
    async (input, ctx): Promise<GrantResult[]> => (await ctx.services.rights.ledger.grantPeriodic(input, actorOf(ctx))).map(toResult),
  ),
  /** The grant with a code, without using it (what the till shows before redeeming). */
  defineQuery('rights/find-code', z.object({ code: z.string().max(40) }), ({ code }, ctx): Promise<Grant> => ctx.services.rights.ledger.findByCode(code)),
  /** Redeems a code. Unknown, malformed, expired, used or recovered codes fail with their RT_ code. */
  defineMutation('rights/use-code', z.object({ code: z.string().max(40), terminal: z.string().trim().min(1).max(100).optional(), note: z.string().max(500).optional() }).strict(), (input, ctx): Promise<Grant> =>
    ctx.services.rights.ledger.use(input.code, actorOf(ctx, input.terminal), input.note ?? null),
  ),
  /** Gives a used right back (回补); `validity` replaces its expiry rule, counted from now. */
  defineMutation('rights/restore-code', z.object({ code: z.string().max(40), reason, validity: validitySchema.nullable().optional() }).strict(), (input, ctx): Promise<Grant> =>
    ctx.services.rights.ledger.restore(input.code, input.reason, actorOf(ctx), input.validity),
  ),
  /** Takes back an unused right (回收). */
  defineMutation('rights/recover-grant', z.object({ grantId: z.string().min(1).max(80), reason }).strict(), (input, ctx): Promise<Grant> =>
    ctx.services.rights.ledger.recover(input.grantId, input.reason, actorOf(ctx)),
  ),
  /** Marks grants past their expiry as expired now (the app also does it every minute). */
  defineMutation('rights/expire-due', z.object({}).optional(), async (_input, ctx) => ({ expired: await ctx.services.rights.ledger.expireDue() })),

  defineQuery('rights/search-records', recordFilterSchema, (filter, ctx): Promise<RecordPage> => ctx.services.rights.records.search(filter)),
  /** The matching records as CSV text (up to 100,000, newest first). */
  defineQuery('rights/export-records', recordFilterSchema.extend({ locale: z.enum(['zh-CN', 'en']).default('zh-CN') }), async ({ locale, ...filter }, ctx) => {
    const page = await ctx.services.rights.records.search({ ...filter, limit: filter.limit ?? 100_000 });
    const zone = ctx.services.zone;
    return { fileName: `operation-records-${localDateOf(ctx.services.clock.now(), zone)}.csv`, csv: recordsToCsv(page.records, locale, zone), count: page.records.length, more: page.more };
  }),
  /** A customer's grants and records (the customer screen embeds it). */
  defineQuery('rights/get-timeline', z.object({ customerId: id, limit: z.int().min(1).max(5000).default(500) }), async ({ customerId, limit }, ctx): Promise<CustomerTimeline> => {
    const { ledger, records } = ctx.services.rights;
    const [page, grants, balances] = await Promise.all([records.search({ customerId, limit }), ledger.grantsOf(customerId), ledger.balances(customerId)]);
    return { customerId, records: page.records, more: page.more, grants, balances };
  }),
  /** Corrects a customer's points or growth value with a new record. */
  defineMutation('rights/adjust-balance', adjustmentInputSchema, (input, ctx): Promise<OperationRecord> =>
    ctx.services.rights.ledger.adjustBalance(input, actorOf(ctx), `ADJ-${randomUUID()}`),
  ),
  /** Fires whenever rights, stock, grants, records or messages (their `message-sent` lines) change (the rights screens reload). */
  defineSubscription('rights/watch-ledger', z.object({}).optional(), async function* (_input, ctx, signal) {
    const mine = new Set(['rights', 'rightsPackages', 'allotments', 'grants', 'operationRecords', 'messages']);
    yield { collection: '' };
    for await (const event of ctx.services.bus.watch('data-changed', signal)) if (mine.has(event.collection)) yield { collection: event.collection };
  }),
] as const;
