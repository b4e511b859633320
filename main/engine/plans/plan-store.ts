import type { MangoQuerySelector, RxCollection } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { ApprovalReason } from '../../core/governance/governance.ts';
import { validatePlanInput, type Plan, type PlanApproval, type PlanStatus } from '../../core/plans/plan.ts';
import { FIRING_STATUSES, nextPlanStatus, type PlanCommand } from '../../core/plans/plan-status.ts';
import type { SiteRole } from '../../core/plans/plan-runner.ts';
import { effectivePlan, validateStoreOverrides } from '../../core/plans/store-overrides.ts';
import { firstPlanExecution, nextPlanExecution } from '../../core/time/execution-time.ts';
import type { PlanDoc } from '../../db/schemas/plans.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { actorLabel } from '../rights/rights-catalog.ts';

export interface PlanFilter {
  status?: PlanStatus[];
  marketingType?: string;
  text?: string;
}

/**
 * Governance's say on a plan about to go live (activated, or edited while live): the approval
 * rules it matches (empty: it may go on). `plan` is the plan as it would be stored.
 */
export type ApprovalCheck = (plan: Plan, request: PlanApproval['request']) => Promise<ApprovalReason[]>;

/** Statuses in which an edit is checked against the approval rules (the plan is or was live). */
const LIVE_STATUSES: readonly PlanStatus[] = ['pending-approval', 'scheduled', 'active', 'paused'];

/** Called after a plan changed in a way the scheduler or executor must see. */
export type PlanListener = (plan: Plan, command: PlanCommand | 'create') => void;

/**
 * Plans: create, edit (a new version; a scheduled plan is rescheduled), and the lifecycle
 * commands. `nextFireAt` is computed here on activate, edit and resume, and by the scheduler
 * after each fire, so "what is due" is always one index range.
 */
export class PlanStore {
  private readonly listeners = new Set<PlanListener>();
  private approvalCheck: ApprovalCheck | null = null;

  constructor(
    private readonly plans: RxCollection<PlanDoc>,
    private readonly clock: Clock,
    private readonly newId: () => string,
    /** What this installation is in the chain (sync setup): at a store, HQ's plans are read-only. */
    private readonly role: () => SiteRole = () => ({ kind: 'standalone' }),
  ) {}

  /** The plan as it runs here: at a store, an HQ plan with the store's overrides applied. */
  forThisSite(plan: Plan): Plan {
    const role = this.role();
    return role.kind === 'store' ? effectivePlan(plan, role.storeId) : plan;
  }

  /** At a store, HQ's plans change only at HQ (the store sets its overrides, `setStoreOverrides`). */
  private guardHqPlan(plan: Pick<Plan, 'id' | 'source' | 'overridable'>): void {
    if (this.role().kind === 'store' && plan.source === 'hq') {
      throw new CampaignError('EN_HQ_PLAN_READ_ONLY', { id: plan.id, fields: (plan.overridable ?? []).join(', ') || '-' });
    }
  }

  /**
   * This store's own values of the fields HQ lets stores set on an HQ plan (quiet hours, rate,
   * time zone); `{}` clears them. Only at a store; validated first (EN_PLAN_INVALID,
   * EN_OVERRIDE_NOT_ALLOWED). They sync to HQ under the store's id and apply only here.
   */
  async setStoreOverrides(id: string, input: unknown): Promise<Plan> {
    const role = this.role();
    const before = await this.get(id);
    if (role.kind !== 'store' || before.source !== 'hq') throw new CampaignError('EN_OVERRIDE_NOT_ALLOWED', { id, field: '*' });
    const overrides = validateStoreOverrides(before, input);
    const doc = await this.plans.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan' satisfies NotFoundWhat, id });
    const updated = await doc.incrementalModify((data) => {
      const current = data as Plan;
      validateStoreOverrides(current, overrides);
      const { [role.storeId]: _previous, ...others } = current.storeOverrides ?? {};
      const storeOverrides = Object.keys(overrides).length > 0 ? { ...others, [role.storeId]: overrides } : others;
      // updatedAt/updatedBy stay HQ's (they are HQ's fields); the audit log says who did this.
      return { ...current, storeOverrides } as PlanDoc;
    });
    const plan = updated.toMutableJSON() as Plan;
    this.emit(plan, 'edit');
    return plan;
  }

  /** Governance: activations and edits of live plans are checked against the approval rules. */
  setApprovalCheck(check: ApprovalCheck | null): void {
    this.approvalCheck = check;
  }

  private pending(request: PlanApproval['request'], reasons: ApprovalReason[], actor: Actor): PlanApproval {
    return { state: 'pending', request, reasons, requestedAt: this.clock.now(), requestedBy: actorLabel(actor), decidedAt: 0, decidedBy: '', comment: '' };
  }

  onChange(listener: PlanListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(plan: Plan, command: PlanCommand | 'create'): void {
    for (const listener of this.listeners) listener(plan, command);
  }

  async list(filter: PlanFilter = {}): Promise<Plan[]> {
    const selector: MangoQuerySelector<PlanDoc> = {};
    if (filter.status && filter.status.length > 0) selector.status = { $in: filter.status };
    if (filter.marketingType) selector.marketingType = filter.marketingType;
    const docs = await this.plans.find({ selector, sort: [{ updatedAt: 'desc' }] }).exec();
    const text = filter.text?.trim().toLowerCase();
    return docs.map((d) => d.toMutableJSON() as Plan).filter((p) => !text || p.name.toLowerCase().includes(text) || p.id.includes(text));
  }

  async get(id: string): Promise<Plan> {
    const doc = await this.plans.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan' satisfies NotFoundWhat, id });
    return doc.toMutableJSON() as Plan;
  }

  /** A new draft. The input is validated first, so a bad plan stores nothing. */
  async create(input: unknown, actor: Actor): Promise<Plan> {
    const valid = validatePlanInput(input);
    const now = this.clock.now();
    const plan: Plan = {
      ...valid,
      id: this.newId(),
      status: 'draft',
      nextFireAt: NEVER,
      activatedAt: 0,
      lastFiredAt: 0,
      version: 1,
      source: 'local',
      createdAt: now,
      updatedAt: now,
      updatedBy: actorLabel(actor),
    };
    await this.plans.insert(plan);
    this.emit(plan, 'create');
    return plan;
  }

  /**
   * Saves an edit of version `expectedVersion` as the next version. A scheduled or active
   * plan is rescheduled from now; runs already started keep the version they started with.
   */
  async update(id: string, expectedVersion: number, input: unknown, actor: Actor): Promise<Plan> {
    const valid = validatePlanInput(input);
    const before = await this.get(id);
    this.guardHqPlan(before);
    if (before.version !== expectedVersion) throw new CampaignError('EN_PLAN_CONFLICT', { id, expected: expectedVersion, actual: before.version });
    const edited: Plan = { ...before, ...valid, ...(before.source === 'hq' ? { editedAtStore: true } : {}) };
    // A live plan whose edit matches an approval rule waits for approval (and stops firing).
    const reasons = this.approvalCheck && LIVE_STATUSES.includes(before.status) ? await this.approvalCheck(edited, 'edit') : [];
    const command: PlanCommand = reasons.length > 0 ? 'request-approval' : 'edit';
    return this.change(id, command, actor, (current) => {
      if (current.version !== expectedVersion) throw new CampaignError('EN_PLAN_CONFLICT', { id, expected: expectedVersion, actual: current.version });
      const next: Plan = { ...current, ...valid, version: current.version + 1, ...(current.source === 'hq' ? { editedAtStore: true } : {}) };
      if (command === 'request-approval') return { ...next, nextFireAt: NEVER, approval: this.pending('edit', reasons, actor) };
      if ((FIRING_STATUSES as readonly string[]).includes(next.status)) next.nextFireAt = this.firstFire(next, this.clock.now());
      return next;
    });
  }

  /** Switches a draft on: it is scheduled from its execution time. Refused if it has none left. */
  async activate(id: string, actor: Actor): Promise<Plan> {
    const before = await this.get(id);
    nextPlanStatus(id, before.status, 'activate');
    if (this.approvalCheck) {
      const now = this.clock.now();
      if (this.firstFire({ ...before, activatedAt: now }, now) === NEVER) throw new CampaignError('EN_PLAN_INVALID', { path: 'time.execution', reason: 'no execution time is left in the effective time' });
      const reasons = await this.approvalCheck(before, 'activate');
      if (reasons.length > 0) {
        return this.change(id, 'request-approval', actor, (current) => ({ ...current, nextFireAt: NEVER, approval: this.pending('activate', reasons, actor) }));
      }
    }
    return this.change(id, 'activate', actor, (current) => {
      const now = this.clock.now();
      const activated = { ...current, activatedAt: now };
      const first = this.firstFire(activated, now);
      if (first === NEVER) throw new CampaignError('EN_PLAN_INVALID', { path: 'time.execution', reason: 'no execution time is left in the effective time' });
      return { ...activated, nextFireAt: first };
    });
  }

  /** A paused plan does not fire; fire times passed while paused are not caught up. */
  pause(id: string, actor: Actor): Promise<Plan> {
    return this.change(id, 'pause', actor, (current) => ({ ...current, nextFireAt: NEVER }));
  }

  resume(id: string, actor: Actor): Promise<Plan> {
    return this.change(id, 'resume', actor, (current) => {
      const now = this.clock.now();
      // Fire times passed while paused are not caught up; a run-once plan that has not fired yet fires now.
      const mode = current.time.execution.mode;
      const pending = current.lastFiredAt === 0 && (mode === 'immediate' || mode === 'delayed');
      const nextFireAt = pending ? this.firstFire(current, now) : (nextPlanExecution(current.time, now - 1, { activatedAt: current.activatedAt }) ?? NEVER);
      return { ...current, nextFireAt, status: nextFireAt === NEVER ? 'completed' : current.lastFiredAt > 0 ? 'active' : 'scheduled' };
    });
  }

  /**
   * An approver's decision on a plan waiting for approval (the caller checks the permission).
   * Approved: it is scheduled from now (an activation counts from the approval; fire times
   * passed while waiting are not caught up). Rejected: back to draft, it never fires.
   */
  decide(id: string, decision: 'approve' | 'reject', actor: Actor, comment: string): Promise<Plan> {
    return this.change(id, decision, actor, (current) => {
      const now = this.clock.now();
      const approval: PlanApproval = {
        ...(current.approval ?? this.pending('activate', [], actor)),
        state: decision === 'approve' ? 'approved' : 'rejected',
        decidedAt: now,
        decidedBy: actorLabel(actor),
        comment,
      };
      if (decision === 'reject') return { ...current, nextFireAt: NEVER, approval };
      const activatedAt = approval.request === 'activate' || current.activatedAt === 0 ? now : current.activatedAt;
      const next = { ...current, activatedAt, approval };
      const nextFireAt = this.firstFire(next, now);
      return { ...next, nextFireAt, status: nextFireAt === NEVER ? 'completed' : 'scheduled' };
    });
  }

  cancel(id: string, actor: Actor): Promise<Plan> {
    return this.change(id, 'cancel', actor, (current) => ({ ...current, nextFireAt: NEVER }));
  }

  /** A new draft with the same settings. */
  async duplicate(id: string, actor: Actor, suffix = ' (copy)'): Promise<Plan> {
    const source = await this.get(id);
    const { name, description, storeId, marketingType, pluginId, audienceId, time, misfire, actions, limits, config, holdoutPercent } = source;
    return this.create({ name: `${name}${suffix}`.slice(0, 100), description, storeId, marketingType, pluginId, audienceId, time, misfire, actions, limits, config, holdoutPercent: holdoutPercent ?? 0 }, actor);
  }

  private firstFire(stored: Plan, now: number): number {
    const plan = this.forThisSite(stored);
    const activatedAt = plan.activatedAt > 0 ? plan.activatedAt : now;
    // A run-once plan that already fired has nothing left; others continue from now.
    const next = plan.lastFiredAt > 0 ? nextPlanExecution(plan.time, now, { activatedAt }) : firstPlanExecution(plan.time, activatedAt);
    const due = next !== null && next < now && plan.lastFiredAt === 0 ? now : next;
    return due ?? NEVER;
  }

  private async change(id: string, command: PlanCommand, actor: Actor, apply: (current: Plan) => Plan): Promise<Plan> {
    const doc = await this.plans.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan' satisfies NotFoundWhat, id });
    this.guardHqPlan(doc.toJSON() as Plan);
    // incrementalModify re-applies the change on the newest state if another write came first.
    const updated = await doc.incrementalModify((data) => {
      const current = data as Plan;
      const next = apply({ ...current, status: nextPlanStatus(id, current.status, command) });
      return { ...next, updatedAt: this.clock.now(), updatedBy: actorLabel(actor) } as PlanDoc;
    });
    const plan = updated.toMutableJSON() as Plan;
    this.emit(plan, command);
    return plan;
  }
}
