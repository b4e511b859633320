import { z } from 'zod';
import { CHANNELS } from '../customers/customer.ts';
import { CampaignError } from '../errors/campaign-error.ts';
import type { ApprovalReason } from '../governance/governance.ts';
import { parseTemplate, templateVariables, validateTemplate } from '../messages/template.ts';
import { readTimeOfDay } from '../time/instant.ts';
import { validatePlanTime } from '../time/plan-time.ts';
import type { PlanTimeSpec } from '../time/types.ts';
import { isHoldoutPercent } from './holdout.ts';

/**
 * An operation plan (运营计划): select an audience at the right time and run actions on it.
 *
 * Lifecycle: draft → scheduled (activated, waiting for its first fire) → active (has fired)
 * ⇄ paused → completed (no fire left) | cancelled (ended by a person). Activating (or
 * editing a live plan) when an approval rule matches goes to pending-approval instead, which
 * never fires: approved → scheduled, rejected → draft. See `plan-status.ts`.
 */
export const PLAN_STATUSES = ['draft', 'pending-approval', 'scheduled', 'active', 'paused', 'completed', 'cancelled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * When the app was closed (or the machine asleep) across fire times: `fire-once` runs the
 * latest missed occurrence once, now; `skip` runs none and waits for the next one. Either way
 * the decision is logged.
 */
export const MISFIRE_POLICIES = ['fire-once', 'skip'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
const hhmm = z.string().refine((v) => readTimeOfDay(v) !== null, 'expected a time HH:MM');

export const grantActionSchema = z
  .object({
    id,
    type: z.literal('grant'),
    subject: z.object({ type: z.enum(['right', 'package']), id: z.string().min(1).max(64), version: z.number().int().min(1).optional() }).strict(),
  })
  .strict();

const localizedText = z.object({ subject: z.string().max(200).optional(), body: z.string().min(1).max(10_000) }).strict();

export const messageActionSchema = z
  .object({
    id,
    type: z.literal('message'),
    /** The customer channel: decides consent, the address used and the frequency cap. */
    channel: z.enum(CHANNELS),
    /** The configured delivery channel (webhook, SMTP, outbox) that carries it. */
    via: z.string().min(1).max(64),
    template: z.object({ 'zh-CN': localizedText.optional(), en: localizedText.optional() }).strict().refine((t) => t['zh-CN'] !== undefined || t.en !== undefined, 'needs a zh-CN or an en text'),
  })
  .strict();

/** Template variables filled from the grant of the same item. */
const GRANT_VARIABLES = ['couponCode', 'expiry', 'rightName'] as const;

export const planActionSchema = z.discriminatedUnion('type', [grantActionSchema, messageActionSchema]);
export type GrantAction = z.infer<typeof grantActionSchema>;
export type MessageAction = z.infer<typeof messageActionSchema>;
export type PlanAction = z.infer<typeof planActionSchema>;

export const quietHoursSchema = z.object({ start: hhmm, end: hhmm }).strict();
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const frequencyCapSchema = z.object({ max: z.number().int().min(1).max(1000), days: z.number().int().min(1).max(365) }).strict();
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;

/** Per-plan limits; a missing field means the app's setting applies. */
export const planLimitsSchema = z
  .object({
    /** No messages inside this window (store time); `null` = this plan has none. */
    quietHours: quietHoursSchema.nullable().optional(),
    /** Marketing messages per customer per channel across all plans; `null` = no cap for this plan. */
    frequencyCap: frequencyCapSchema.nullable().optional(),
    /** Items per second for this plan's runs (the downstream budgets still apply). */
    maxRate: z.number().positive().max(100_000).optional(),
    /** Tries per item before it is parked as failed. */
    maxAttempts: z.number().int().min(1).max(20).optional(),
  })
  .strict();
export type PlanLimits = z.infer<typeof planLimitsSchema>;

/**
 * The settings of an HQ plan a store may set for itself, when HQ allows it (`overridable`):
 * quiet hours (`limits.quietHours`), the rate of its runs (`limits.maxRate`) and the time
 * zone of its schedule (`time.timeZone`). Everything else of an HQ plan is HQ's.
 * (`store-overrides.ts` applies them.)
 */
export const STORE_OVERRIDE_FIELDS = ['quietHours', 'maxRate', 'timeZone'] as const;
export type StoreOverrideField = (typeof STORE_OVERRIDE_FIELDS)[number];

/** One store's own values of the fields HQ lets it set (see `store-overrides.ts`). */
export interface PlanStoreOverrides {
  quietHours?: QuietHours | null;
  maxRate?: number;
  timeZone?: string;
}

/** The approval a plan waits for (pending), or the last decision on it. */
export interface PlanApproval {
  state: 'pending' | 'approved' | 'rejected';
  /** What asked for it: activating the plan, or editing it while live. */
  request: 'activate' | 'edit';
  /** The rules it matched, with the numbers. */
  reasons: ApprovalReason[];
  requestedAt: number;
  requestedBy: string;
  /** 0 / '' while pending. */
  decidedAt: number;
  decidedBy: string;
  comment: string;
}

export interface Plan {
  id: string;
  /** '' = chain-wide (published by HQ), else the store that owns it. */
  storeId: string;
  name: string;
  description: string;
  /** The marketing type (a plugin contribution), e.g. 'birthday', 'member-day'. */
  marketingType: string;
  /** The plugin that contributes the marketing type. */
  pluginId: string;
  status: PlanStatus;
  audienceId: string;
  time: PlanTimeSpec;
  misfire: MisfirePolicy;
  actions: PlanAction[];
  limits: PlanLimits;
  /** The marketing type's own settings (its plugin's config form). */
  config: Record<string, unknown>;
  /**
   * Share of the audience kept as a control group (0–50, one decimal): chosen by
   * `inHoldout(planId, customerId)`, they get nothing and are recorded as skipped 'holdout'.
   * Absent in plans stored before holdouts (= 0).
   */
  holdoutPercent?: number;
  /** The pending approval or the last decision; absent or null when none was ever needed. */
  approval?: PlanApproval | null;
  /** An HQ plan (`source: 'hq'`) this store has edited (the `hq-plan-edited` approval rule). */
  editedAtStore?: boolean;
  /** HQ plans: the fields stores may set for themselves (absent or empty: read-only at stores). */
  overridable?: StoreOverrideField[];
  /** HQ plans: each store's own values, by store id; a store changes only its own. */
  storeOverrides?: Record<string, PlanStoreOverrides>;
  /** Next instant the scheduler fires it; NEVER (see db) when none. */
  nextFireAt: number;
  /** When it was last activated (immediate and delayed executions count from it); 0 = never. */
  activatedAt: number;
  /** The last occurrence the scheduler fired; 0 = never. */
  lastFiredAt: number;
  /** Increased on every edit; runs record the version they ran. */
  version: number;
  source: 'local' | 'hq';
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

/** What a person (or HQ, or a plugin's template) writes; the rest is kept by the app. */
export const planInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).default(''),
    storeId: z.string().max(64).default(''),
    marketingType: z.string().min(1).max(64).default('precise-audience'),
    pluginId: z.string().min(1).max(100).default('campaign-desk.precise-audience'),
    audienceId: z.string().min(1).max(64),
    time: z.custom<PlanTimeSpec>((v) => typeof v === 'object' && v !== null, 'expected the time settings object'),
    misfire: z.enum(MISFIRE_POLICIES).default('fire-once'),
    actions: z.array(planActionSchema).min(1, 'a plan needs at least one action').max(10),
    limits: planLimitsSchema.default({}),
    config: z.record(z.string(), z.unknown()).default({}),
    holdoutPercent: z.number().refine(isHoldoutPercent, 'expected 0–50 with at most one decimal').default(0),
    /** HQ plans: what stores may set for themselves. */
    overridable: z.array(z.enum(STORE_OVERRIDE_FIELDS)).max(STORE_OVERRIDE_FIELDS.length).optional(),
  })
  .strict();
export type PlanInput = z.input<typeof planInputSchema>;
export type ValidPlanInput = z.output<typeof planInputSchema>;

/**
 * Checks a plan as written; throws EN_PLAN_INVALID naming the first bad path (or the time
 * model's own TM_ / PE_ error), so nothing half-valid is stored.
 */
export function validatePlanInput(input: unknown): ValidPlanInput {
  const parsed = planInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === 'holdoutPercent') {
      const value = (input as { holdoutPercent?: unknown } | null)?.holdoutPercent;
      throw new CampaignError('GV_HOLDOUT_INVALID', { value: typeof value === 'number' ? value : String(value) });
    }
    throw new CampaignError('EN_PLAN_INVALID', { path: issue?.path.join('.') ?? '', reason: issue?.message ?? 'invalid' });
  }
  const plan = parsed.data;
  validatePlanTime(plan.time);
  const ids = new Set<string>();
  const grants = plan.actions.some((a) => a.type === 'grant');
  plan.actions.forEach((action, i) => {
    if (ids.has(action.id)) throw new CampaignError('EN_PLAN_INVALID', { path: `actions.${i}.id`, reason: `duplicate action id "${action.id}"` });
    ids.add(action.id);
    if (action.type !== 'message') return;
    const template = { id: action.id, name: plan.name, channel: action.channel, locales: action.template };
    const [problem] = validateTemplate(template);
    if (problem) throw problem;
    // Rights' values exist only when the plan grants something.
    const parts = Object.values(action.template).flatMap((t) => [t.subject ?? '', t.body]).map((text) => templateVariables(parseTemplate(text)));
    const needsGrant = parts.flat().find((v) => (GRANT_VARIABLES as readonly string[]).includes(v));
    if (needsGrant && !grants) throw new CampaignError('EN_PLAN_INVALID', { path: `actions.${i}.template`, reason: `{{${needsGrant}}} needs a grant action in the plan` });
  });
  return plan;
}
