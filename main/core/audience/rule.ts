import { z } from 'zod';
import { CHANNELS, EVENT_TYPES, GENDERS, INTERACTION_KINDS } from '../customers/customer.ts';

/** The rule format's version; stored with every rule so old rules can be migrated. */
export const AUDIENCE_RULE_VERSION = 1;

const isoInstant = z.iso.datetime({ offset: true });
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Customer attributes a rule can compare, and the value type each takes. */
export const ATTRIBUTE_FIELDS = {
  level: 'number',
  points: 'number',
  growth: 'number',
  totalSpend: 'number',
  storeId: 'string',
  gender: 'string',
  tags: 'tags',
  registeredAt: 'instant',
  lastOrderAt: 'instant',
} as const;
export type AttributeField = keyof typeof ATTRIBUTE_FIELDS;

export const COMPARATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'between', 'exists', 'hasAny', 'hasAll'] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const attributeCondition = z.object({
  kind: z.literal('attribute'),
  field: z.enum(Object.keys(ATTRIBUTE_FIELDS) as [AttributeField, ...AttributeField[]]),
  cmp: z.enum(COMPARATORS),
  /** A scalar; a list for in/notIn/hasAny/hasAll; [low, high] (inclusive) for between; a boolean for exists. */
  value: z.union([scalar, z.array(scalar)]),
});

export const birthdayCondition = z.object({
  kind: z.literal('birthday'),
  /** The customer's birthday falls on the day / in the ISO week (Mon-Sun) / in the month of (today + offsetDays), in the store's zone. */
  when: z.enum(['today', 'thisWeek', 'thisMonth']),
  offsetDays: z.number().int().min(-366).max(366).default(0),
});

export const fanCondition = z.object({
  kind: z.literal('fan'),
  /** true: follows the public account; false: does not. */
  isFan: z.boolean().default(true),
  /** Fan for at least this many days (e.g. loyal fans). */
  minDays: z.number().int().min(0).optional(),
  /** Fan for at most this many days (e.g. new fans). */
  maxDays: z.number().int().min(0).optional(),
});

const windowSchema = z
  .object({ days: z.number().int().min(1).max(3650).optional(), hours: z.number().int().min(1).max(87600).optional() })
  .refine((w) => (w.days === undefined) !== (w.hours === undefined), { message: 'give exactly one of days or hours' });
export type TimeWindow = z.infer<typeof windowSchema>;

const eventFilter = z
  .object({
    category: z.string().min(1).optional(),
    productId: z.string().min(1).optional(),
    interaction: z.enum(INTERACTION_KINDS).optional(),
  })
  .default({});

export const behaviourCondition = z.object({
  kind: z.literal('behaviour'),
  event: z.enum(EVENT_TYPES),
  /** The last N days or hours before now. */
  within: windowSchema,
  filter: eventFilter,
  /** At least this many matching events in the window. */
  minCount: z.number().int().min(1).default(1),
});

export const absenceCondition = z.object({
  kind: z.literal('absence'),
  /** Did this in the window (e.g. addToCart)… */
  event: z.enum(EVENT_TYPES),
  within: windowSchema,
  filter: eventFilter,
  /** …and no event of this type after it (e.g. order). */
  thenNo: z.enum(EVENT_TYPES),
});

export const sampleCondition = z.object({
  kind: z.literal('sample'),
  /** Keeps this share of customers, chosen by a stable hash of (seed, customer id). */
  percent: z.number().min(0).max(100),
  seed: z.string().min(1),
});

export const consentCondition = z.object({
  kind: z.literal('consent'),
  /** Reachable on this channel: consented and not opted out (a missing flag is not consent). */
  channel: z.enum(CHANNELS),
});

export const condition = z.discriminatedUnion('kind', [
  consentCondition,
  attributeCondition,
  birthdayCondition,
  fanCondition,
  behaviourCondition,
  absenceCondition,
  sampleCondition,
]);
export type Condition = z.infer<typeof condition>;
export type AttributeCondition = z.infer<typeof attributeCondition>;
export type BirthdayCondition = z.infer<typeof birthdayCondition>;
export type FanCondition = z.infer<typeof fanCondition>;
export type BehaviourCondition = z.infer<typeof behaviourCondition>;
export type AbsenceCondition = z.infer<typeof absenceCondition>;
export type SampleCondition = z.infer<typeof sampleCondition>;
export type ConsentCondition = z.infer<typeof consentCondition>;

export type RuleNode =
  | { op: 'and'; children: RuleNode[] }
  | { op: 'or'; children: RuleNode[] }
  | { op: 'not'; child: RuleNode }
  | Condition;

export const ruleNode: z.ZodType<RuleNode> = z.lazy(() =>
  z.union([
    z.object({ op: z.literal('and'), children: z.array(ruleNode).min(1) }),
    z.object({ op: z.literal('or'), children: z.array(ruleNode).min(1) }),
    z.object({ op: z.literal('not'), child: ruleNode }),
    condition,
  ]),
) as z.ZodType<RuleNode>;

export const audienceRuleSchema = z.object({
  version: z.literal(AUDIENCE_RULE_VERSION),
  root: ruleNode,
});
export type AudienceRule = z.infer<typeof audienceRuleSchema>;

export { isoInstant, GENDERS };
