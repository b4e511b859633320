import { z } from 'zod';
import { previewMessage, type MessagePreview } from '../core/messages/template.ts';
import { messageActionSchema, PLAN_STATUSES, type Plan } from '../core/plans/plan.ts';
import type { Run } from '../core/plans/run.ts';
import type { DryRun } from '../engine/executor/dry-run.ts';
export type { PlanSiteView } from '../engine/engine.ts';
import type { PlanSiteView } from '../engine/engine.ts';
import { actorOf } from './actor.ts';
import { defineMutation, defineQuery } from './define.ts';

const id = z.string().trim().min(1).max(64);
const byId = z.object({ id }).strict();

/** Sample values for rights in a preview (the real ones exist once granted). */
const SAMPLE_GRANT_VALUES = { couponCode: 'ABCD-EFGH-JKLM-NPQ5', expiry: '2026-12-31', rightName: '满100减10' };

export const planMethods = [
  defineQuery(
    'plans/list-plans',
    z.object({ status: z.array(z.enum(PLAN_STATUSES)).optional(), marketingType: z.string().max(64).optional(), text: z.string().max(100).optional() }).strict().optional(),
    (input, ctx): Promise<Plan[]> => ctx.services.engine.plans.list(input ?? {}),
  ),
  /** A plan with its recent runs, newest first. */
  defineQuery('plans/get-plan', byId, async ({ id: planId }, ctx): Promise<{ plan: Plan; runs: Run[]; site: PlanSiteView }> => {
    const plan = await ctx.services.engine.plans.get(planId);
    return { plan, runs: await ctx.services.engine.runs.list({ planId, limit: 50 }), site: await ctx.services.engine.siteView(plan) };
  }),
  /**
   * At a store: this store's own values of the fields HQ lets stores set on an HQ plan (quiet
   * hours, rate, time zone); `{}` clears them (EN_OVERRIDE_NOT_ALLOWED, EN_PLAN_INVALID).
   */
  defineMutation('plans/set-store-overrides', z.object({ id, overrides: z.unknown() }).strict(), ({ id: planId, overrides }, ctx): Promise<Plan> =>
    ctx.services.engine.plans.setStoreOverrides(planId, overrides),
  ),
  /** A new draft; the plan is validated (time, actions, templates) before anything is stored. */
  defineMutation('plans/create-plan', z.unknown(), (input, ctx): Promise<Plan> => ctx.services.engine.plans.create(input, actorOf(ctx))),
  /** Saves the next version; `expectedVersion` is the version the editor loaded (EN_PLAN_CONFLICT otherwise). */
  defineMutation('plans/update-plan', z.object({ id, expectedVersion: z.int().min(1), plan: z.unknown() }).strict(), (input, ctx): Promise<Plan> =>
    ctx.services.engine.plans.update(input.id, input.expectedVersion, input.plan, actorOf(ctx)),
  ),
  defineMutation('plans/activate-plan', byId, ({ id: planId }, ctx): Promise<Plan> => ctx.services.engine.plans.activate(planId, actorOf(ctx))),
  defineMutation('plans/pause-plan', byId, ({ id: planId }, ctx): Promise<Plan> => ctx.services.engine.plans.pause(planId, actorOf(ctx))),
  defineMutation('plans/resume-plan', byId, ({ id: planId }, ctx): Promise<Plan> => ctx.services.engine.plans.resume(planId, actorOf(ctx))),
  /** Ends the plan; its unfinished runs are cancelled. */
  defineMutation('plans/cancel-plan', byId, ({ id: planId }, ctx): Promise<Plan> => ctx.services.engine.plans.cancel(planId, actorOf(ctx))),
  defineMutation('plans/duplicate-plan', byId, ({ id: planId }, ctx): Promise<Plan> => ctx.services.engine.plans.duplicate(planId, actorOf(ctx))),
  /** Runs an active or scheduled plan now, as an occurrence of its own. */
  defineMutation('plans/run-now', byId, async ({ id: planId }, ctx): Promise<{ runId: string }> => ({ runId: await ctx.services.engine.runNow(planId) })),
  /** What the next occurrence would do: audience, rights vs stock, messages after caps and consent, duration. */
  defineQuery('plans/dry-run', byId, ({ id: planId }, ctx): Promise<DryRun> => ctx.services.engine.dryRun(planId)),
  /** A message action rendered for one customer (coupon values are samples until granted). */
  defineQuery('plans/preview-message', z.object({ action: messageActionSchema, customerId: id, planName: z.string().max(100).default('') }).strict(), async (input, ctx): Promise<MessagePreview> => {
    const doc = await ctx.services.database.collections.customers.findOne(input.customerId).exec();
    const values: Record<string, string> = { ...SAMPLE_GRANT_VALUES, planName: input.planName, name: doc?.name ?? '', points: String(doc?.points ?? 0), store: doc?.storeId ?? '' };
    return previewMessage({ id: input.action.id, name: input.planName || input.action.id, channel: input.action.channel, locales: input.action.template }, 'zh-CN', values);
  }),
] as const;
