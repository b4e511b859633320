import type { RxCollection } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import {
  DEFAULT_GOVERNANCE,
  governanceSettingsSchema,
  isApprover,
  matchApprovalRules,
  needsDryRun,
  parseGovernanceSettings,
  type ApprovalReason,
  type GovernanceSettings,
  type RiskLimits,
} from '../../core/governance/governance.ts';
import type { Plan, PlanApproval } from '../../core/plans/plan.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { KeyValueStore } from '../../db/key-value-store.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';
import type { JsonValue, SettingEntry } from '../../db/schemas/settings.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { DryRun } from '../executor/dry-run.ts';
import type { PlanStore } from '../plans/plan-store.ts';
import { actorLabel } from '../rights/rights-catalog.ts';

/** Settings key of the governance settings (rules, risk limits, approvers) in the database's settings store. */
export const GOVERNANCE_KEY = 'governance.rules';

/** Longest approval comment kept. */
const MAX_COMMENT = 1000;

export interface GovernanceOptions {
  settings: KeyValueStore<SettingEntry>;
  auditLog: RxCollection<AuditLogDoc>;
  plans: PlanStore;
  clock: Clock;
  /** The dry run of a plan as it would be stored (audience size and rights value). */
  dryRun: (plan: Plan) => Promise<DryRun>;
  /** The plan was approved: runs held while it waited go on (the executor). */
  onApproved?: (planId: string) => Promise<unknown>;
  /** The plan was rejected: runs held while it waited are cancelled (the executor). */
  onRejected?: (planId: string, actor: Actor) => Promise<unknown>;
  onError?: (error: unknown) => void;
}

/**
 * Approvals and risk limits of one data dir. The settings are kept in the database (they travel
 * with the data); the plan store asks `check` when a plan is activated or a live plan edited;
 * `approve` / `reject` are the approver's decisions, each written to the audit log.
 */
export class GovernanceService {
  private current: GovernanceSettings;

  constructor(
    private readonly options: GovernanceOptions,
    settings: GovernanceSettings,
  ) {
    this.current = settings;
    options.plans.setApprovalCheck((plan, request) => this.check(plan, request));
    options.plans.onChange((plan, command) => {
      if (command === 'request-approval') void this.logRequest(plan).catch((error: unknown) => options.onError?.(error));
    });
  }

  /** A plan went to pending-approval: written by governance itself (the API records the activate or edit). */
  private async logRequest(plan: Plan): Promise<void> {
    const approval = plan.approval;
    await AuditLog.of(this.options.auditLog).append({
      at: this.options.clock.now(),
      actor: { type: 'system', id: 'governance' },
      method: 'governance/request-approval',
      targetCollection: 'plans',
      targetId: plan.id,
      outcome: 'ok',
      errorCode: '',
      summary: `pending approval: ${plan.name} (${(approval?.reasons ?? []).map((r) => r.ruleId).join(', ')})`.slice(0, 500),
      details: {
        request: approval?.request ?? null,
        requestedBy: approval?.requestedBy ?? null,
        reasons: (approval?.reasons ?? []).map((r) => ({ ruleId: r.ruleId, kind: r.kind, threshold: r.threshold, actual: r.actual })),
        planVersion: plan.version,
      },
    });
  }

  static async open(options: GovernanceOptions): Promise<GovernanceService> {
    return new GovernanceService(options, await loadGovernance(options.settings));
  }

  get(): GovernanceSettings {
    return structuredClone(this.current);
  }

  riskLimits(): RiskLimits {
    return this.current.riskLimits;
  }

  /** Replaces the settings; malformed ones are refused whole (GV_RULES_INVALID with the path). */
  async set(input: unknown, actor: Actor): Promise<GovernanceSettings> {
    const next = parseGovernanceSettings(input);
    await this.options.settings.set(GOVERNANCE_KEY, { value: next as unknown as JsonValue, updatedAt: this.options.clock.now(), updatedBy: actorLabel(actor) });
    this.current = next;
    return this.get();
  }

  /** The rules a plan matches if it went live now; the dry run only when a rule needs it. */
  async check(plan: Plan, request: PlanApproval['request']): Promise<ApprovalReason[]> {
    const rules = this.current.rules;
    if (!rules.some((r) => r.enabled)) return [];
    const dry = needsDryRun(rules) ? await this.options.dryRun(plan) : null;
    return matchApprovalRules(rules, {
      audienceSize: dry?.items ?? null,
      rightsValueCents: dry?.rightsValueCents ?? null,
      hqEditedAtStore: plan.source === 'hq' && (request === 'edit' || plan.editedAtStore === true),
    });
  }

  canApprove(actor: Actor): boolean {
    return isApprover(this.current, actorLabel(actor));
  }

  approve(planId: string, actor: Actor, comment = ''): Promise<Plan> {
    return this.decide(planId, 'approve', actor, comment);
  }

  reject(planId: string, actor: Actor, comment: string): Promise<Plan> {
    return this.decide(planId, 'reject', actor, comment);
  }

  private async decide(planId: string, decision: 'approve' | 'reject', actor: Actor, rawComment: string): Promise<Plan> {
    const comment = rawComment.trim().slice(0, MAX_COMMENT);
    if (!this.canApprove(actor)) throw new CampaignError('GV_NOT_APPROVER', { actor: actorLabel(actor) });
    if (decision === 'reject' && comment === '') throw new CampaignError('GV_COMMENT_REQUIRED', { id: planId });
    const before = await this.options.plans.get(planId);
    const plan = await this.options.plans.decide(planId, decision, actor, comment);
    if (decision === 'approve') await this.options.onApproved?.(planId);
    else await this.options.onRejected?.(planId, actor);
    await AuditLog.of(this.options.auditLog).append({
      at: this.options.clock.now(),
      actor,
      method: decision === 'approve' ? 'plans/approve-plan' : 'plans/reject-plan',
      targetCollection: 'plans',
      targetId: planId,
      outcome: 'ok',
      errorCode: '',
      summary: `${decision === 'approve' ? 'approved' : 'rejected'}: ${plan.name}${comment ? ` — ${comment}` : ''}`.slice(0, 500),
      details: {
        decision,
        comment,
        request: before.approval?.request ?? null,
        reasons: (before.approval?.reasons ?? []).map((r) => ({ ruleId: r.ruleId, kind: r.kind, threshold: r.threshold, actual: r.actual })),
        requestedBy: before.approval?.requestedBy ?? null,
        planVersion: plan.version,
      },
      changes: [{ path: 'status', before: before.status, after: plan.status }],
    });
    return plan;
  }
}

/** The stored settings, or the defaults (no rules, no limits) when none are stored or they are unreadable. */
export async function loadGovernance(store: KeyValueStore<SettingEntry>): Promise<GovernanceSettings> {
  const entry = await store.get(GOVERNANCE_KEY);
  const parsed = governanceSettingsSchema.safeParse(entry?.value ?? {});
  return parsed.success ? parsed.data : structuredClone(DEFAULT_GOVERNANCE);
}
