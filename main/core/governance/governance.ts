import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { DAY_MS } from '../period/calendar.ts';

/**
 * Governance of plans (no I/O, no clock): the approval rules that put a plan into
 * `pending-approval` before it may run, the risk limits no run may exceed (approved or not),
 * and who may approve.
 */

export const APPROVAL_RULE_KINDS = ['audience-size', 'rights-value', 'hq-plan-edited'] as const;
export type ApprovalRuleKind = (typeof APPROVAL_RULE_KINDS)[number];

const ruleId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
const enabled = z.boolean().default(true);

export const approvalRuleSchema = z.discriminatedUnion('kind', [
  /** The dry run's audience (customers the occurrence takes) is larger than `threshold`. */
  z.object({ id: ruleId, kind: z.literal('audience-size'), enabled, threshold: z.int().min(0).max(100_000_000) }).strict(),
  /** The dry run's rights value (sum of `rightCostCents` over its grants) is more than `thresholdCents`. */
  z.object({ id: ruleId, kind: z.literal('rights-value'), enabled, thresholdCents: z.int().min(0).max(100_000_000_000).meta({ 'x-unit': 'cents' }) }).strict(),
  /** A plan published by HQ (`source: 'hq'`) was edited at the store. */
  z.object({ id: ruleId, kind: z.literal('hq-plan-edited'), enabled }).strict(),
]);
export type ApprovalRule = z.output<typeof approvalRuleSchema>;

/** Caps per customer across all plans; null = no limit. */
export const riskLimitsSchema = z
  .object({
    /** Rights value (cents) granted by plans to one customer in one calendar day of the store's zone. */
    maxValuePerCustomerPerDayCents: z.int().min(0).max(100_000_000).nullable().default(null),
    /** Messages sent to one customer in any 7 days (all plans, all channels). */
    maxMessagesPerCustomerPerWeek: z.int().min(0).max(1000).nullable().default(null),
  })
  .strict();
export type RiskLimits = z.output<typeof riskLimitsSchema>;

/** An actor label (`user:desk`, `cli:alice`) or a wildcard for every actor of a type (`cli:*`). */
const approverPattern = z.string().trim().min(3).max(100).regex(/^(user|cli|api|pos|sync):.+$/, 'an actor such as user:desk, cli:alice or cli:*');

export const governanceSettingsSchema = z
  .object({
    rules: z.array(approvalRuleSchema).max(50).default([]),
    riskLimits: riskLimitsSchema.default({ maxValuePerCustomerPerDayCents: null, maxMessagesPerCustomerPerWeek: null }),
    /** Who holds the approver permission (actor labels, `type:*` for all of a type). */
    approvers: z.array(approverPattern).max(100).default(['user:desk', 'cli:*']),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id "${rule.id}"`, path: ['rules', i, 'id'] });
      seen.add(rule.id);
    });
  });
export type GovernanceSettings = z.output<typeof governanceSettingsSchema>;
export type GovernanceSettingsInput = z.input<typeof governanceSettingsSchema>;

export const DEFAULT_GOVERNANCE: GovernanceSettings = governanceSettingsSchema.parse({});

/** Checks governance settings; the first problem is GV_RULES_INVALID with its path. */
export function parseGovernanceSettings(value: unknown): GovernanceSettings {
  const parsed = governanceSettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CampaignError('GV_RULES_INVALID', { path: issue?.path.join('.') ?? '', reason: issue?.message ?? 'invalid' });
}

/** What the rules are matched against when a plan is activated or an active plan edited. */
export interface ApprovalFacts {
  /** The dry run's customers taken (holdout included); null when not computed. */
  audienceSize: number | null;
  /** The dry run's rights value in cents; null when not computed. */
  rightsValueCents: number | null;
  /** An HQ-published plan was changed at the store. */
  hqEditedAtStore: boolean;
}

/** One rule a plan matched, with the numbers that matched it. */
export interface ApprovalReason {
  ruleId: string;
  kind: ApprovalRuleKind;
  threshold: number | null;
  actual: number | null;
}

/** Whether any enabled rule needs the dry run's numbers (a dry run evaluates the audience). */
export function needsDryRun(rules: readonly ApprovalRule[]): boolean {
  return rules.some((r) => r.enabled && (r.kind === 'audience-size' || r.kind === 'rights-value'));
}

/** The enabled rules the facts match ("greater than" the threshold); empty = no approval needed. */
export function matchApprovalRules(rules: readonly ApprovalRule[], facts: ApprovalFacts): ApprovalReason[] {
  const out: ApprovalReason[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    switch (rule.kind) {
      case 'audience-size':
        if (facts.audienceSize !== null && facts.audienceSize > rule.threshold) out.push({ ruleId: rule.id, kind: rule.kind, threshold: rule.threshold, actual: facts.audienceSize });
        break;
      case 'rights-value':
        if (facts.rightsValueCents !== null && facts.rightsValueCents > rule.thresholdCents) out.push({ ruleId: rule.id, kind: rule.kind, threshold: rule.thresholdCents, actual: facts.rightsValueCents });
        break;
      case 'hq-plan-edited':
        if (facts.hqEditedAtStore) out.push({ ruleId: rule.id, kind: rule.kind, threshold: null, actual: null });
        break;
    }
  }
  return out;
}

/** Whether the actor (`type:id`) holds the approver permission. */
export function isApprover(settings: Pick<GovernanceSettings, 'approvers'>, actorLabel: string): boolean {
  const type = actorLabel.slice(0, actorLabel.indexOf(':'));
  return settings.approvers.some((a) => a === actorLabel || a === `${type}:*`);
}

/** The rolling window of the messages risk limit. */
export const RISK_WEEK_MS = 7 * DAY_MS;

/** Whether `add` more fits under `limit` when `used` is taken already (null limit: always). */
export function withinLimit(limit: number | null, used: number, add: number): boolean {
  return limit === null || used + add <= limit;
}
