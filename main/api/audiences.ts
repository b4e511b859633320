import { z } from 'zod';
import { validateRule } from '../core/audience/validate.ts';
import type { Customer } from '../core/customers/customer.ts';
import { fromCustomerDoc } from '../db/schemas/customers.ts';
import type { AudienceOptions } from '../engine/audience/audience-data.ts';
import { countMembers, explainAudience, sampleMembers, type ExplainStep } from '../engine/audience/evaluate-audience.ts';
import type { ApiContext } from './context.ts';
import { defineQuery } from './define.ts';

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
] as const;
