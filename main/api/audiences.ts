import { z } from 'zod';
import { validateRule } from '../core/audience/validate.ts';
import type { Customer } from '../core/customers/customer.ts';
import { fromCustomerDoc } from '../db/schemas/customers.ts';
import type { AudienceOptions } from '../engine/audience/audience-data.ts';
import { countMembers, explainAudience, sampleMembers, type ExplainStep } from '../engine/audience/evaluate-audience.ts';
import type { ApiContext } from './context.ts';
import type { AudienceDoc } from '../db/schemas/audiences.ts';
import { defineMutation, defineQuery } from './define.ts';

// The rule is checked by validateRule, which names the bad node; zod only checks it is JSON.
const ruleInput = z.object({ rule: z.unknown() });

function audienceOptions(ctx: ApiContext): AudienceOptions {
  return { now: ctx.services.clock.now(), defaultZone: ctx.services.zone };
}

export const audienceMethods = [
  /** Live member count for the builder. */
  defineQuery('audiences/count-members', ruleInput, async ({ rule }, ctx) => ({
    count: await countMembers(validateRule(rule), ctx.services.database.collections, audienceOptions(ctx)),
  })),
  /** How many customers each top-level condition keeps. */
  defineQuery('audiences/explain-rule', ruleInput, async ({ rule }, ctx): Promise<{ total: number; steps: ExplainStep[] }> =>
    explainAudience(validateRule(rule), ctx.services.database.collections, audienceOptions(ctx)),
  ),
  /** A few members, to see who the rule picks. */
  defineQuery('audiences/sample-members', ruleInput.extend({ limit: z.number().int().min(1).max(100).default(10) }), async ({ rule, limit }, ctx): Promise<Customer[]> => {
    const docs = await sampleMembers(validateRule(rule), ctx.services.database.collections, audienceOptions(ctx), limit);
    return docs.map(fromCustomerDoc);
  }),
  defineQuery('audiences/list-audiences', z.object({ includeArchived: z.boolean().default(false) }).optional(), (input, ctx): Promise<AudienceDoc[]> =>
    ctx.services.audiences.list(input?.includeArchived ?? false),
  ),
  defineQuery('audiences/get-audience', z.object({ id: z.string().min(1) }), ({ id }, ctx): Promise<AudienceDoc> => ctx.services.audiences.get(id)),
  /** Creates (no id) or updates an audience; the rule is validated before anything is stored. */
  defineMutation(
    'audiences/save-audience',
    z.object({ id: z.string().min(1).optional(), name: z.string().trim().min(1).max(100), description: z.string().max(1000).optional(), rule: z.unknown() }),
    (input, ctx): Promise<AudienceDoc> => ctx.services.audiences.save(input, ctx.services.clock.now()),
  ),
  defineMutation('audiences/archive-audience', z.object({ id: z.string().min(1), archived: z.boolean().default(true) }), ({ id, archived }, ctx): Promise<AudienceDoc> =>
    ctx.services.audiences.archive(id, archived, ctx.services.clock.now()),
  ),
  /** Freezes the current members (ids and time) with the audience. */
  defineMutation('audiences/snapshot-audience', z.object({ id: z.string().min(1) }), ({ id }, ctx): Promise<AudienceDoc> => ctx.services.audiences.snapshot(id, audienceOptions(ctx))),
] as const;
