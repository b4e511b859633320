import { z } from 'zod';
import type { GovernanceSettings } from '../core/governance/governance.ts';
import type { Plan } from '../core/plans/plan.ts';
import { actorOf } from './actor.ts';
import { defineMutation, defineQuery } from './define.ts';

const id = z.string().trim().min(1).max(64);
const decision = z.object({ id, comment: z.string().max(1000).default('') }).strict();

/** What the approval rules page shows: the settings, and whether the caller may approve. */
export interface GovernanceView {
  settings: GovernanceSettings;
  /** The caller's actor label (`user:desk`) and whether it holds the approver permission. */
  actor: string;
  canApprove: boolean;
}

export const governanceMethods = [
  /** Approval rules, risk limits and approvers. */
  defineQuery('governance/get-rules', z.object({}).strict().optional(), (_input, ctx): GovernanceView => {
    const actor = actorOf(ctx);
    return { settings: ctx.services.engine.governance.get(), actor: `${actor.type}:${actor.id}`, canApprove: ctx.services.engine.governance.canApprove(actor) };
  }),
  /** Replaces them; malformed settings are refused whole with GV_RULES_INVALID (and the path). */
  defineMutation('governance/set-rules', z.unknown(), (input, ctx): Promise<GovernanceSettings> => ctx.services.engine.governance.set(input, actorOf(ctx))),
  /** An approver approves a plan waiting for approval: it is scheduled (GV_NOT_APPROVER otherwise). */
  defineMutation('plans/approve-plan', decision, ({ id: planId, comment }, ctx): Promise<Plan> => ctx.services.engine.governance.approve(planId, actorOf(ctx), comment)),
  /** An approver rejects it, saying why (GV_COMMENT_REQUIRED without a comment): back to draft, it never runs. */
  defineMutation('plans/reject-plan', decision, ({ id: planId, comment }, ctx): Promise<Plan> => ctx.services.engine.governance.reject(planId, actorOf(ctx), comment)),
] as const;
