import { z } from 'zod';
import { parseInput } from './parse-input.ts';
import { customSchemaSchema, validateCustomValues } from './custom-schema.ts';
import type { RightKind } from './right-kind.ts';
import { validitySchema, type Validity } from './validity.ts';

/**
 * The parameters of each kind of right, as zod schemas. They validate input at the host and
 * are turned into JSON Schema for the catalog's forms (`paramsJsonSchema`). Money is in
 * cents (分), marked `x-unit: cents` so forms show yuan.
 */
const cents = (min: number) => z.int().min(min).max(100_000_000).meta({ 'x-unit': 'cents' });
const text = (max: number) => z.string().trim().min(1).max(max);
const ids = z.array(text(64)).min(1).max(500);
/**
 * Common to every kind: what one grant costs the merchant, in cents. Used by campaign results
 * and risk limits (`rightCostCents`); when absent a default per kind applies.
 */
const costField = { cost: cents(0).optional().meta({ 'x-unit': 'cents', description: 'cost to the merchant of one grant; used by campaign results and risk limits' }) };

export const applicableSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('all') }).strict(),
  z.object({ scope: z.literal('products'), productIds: ids }).strict(),
  z.object({ scope: z.literal('categories'), categoryIds: ids }).strict(),
]);
export type Applicable = z.infer<typeof applicableSchema>;

const couponBenefit = z.discriminatedUnion('type', [
  z.object({ type: z.literal('amount-off'), amountOff: cents(1) }).strict(),
  z.object({ type: z.literal('percent-off'), percentOff: z.int().min(1).max(99), maxOff: cents(1).optional() }).strict(),
]);

export const pointsParams = z.object({ amount: z.int().min(1).max(10_000_000), ...costField }).strict();
export const pointsMultiplierParams = z
  .object({ multiplier: z.number().min(1.1).max(10).multipleOf(0.1), validity: validitySchema, ...costField })
  .strict();
export const couponParams = z
  .object({ benefit: couponBenefit, minSpend: cents(0).default(0), applicable: applicableSchema.default({ scope: 'all' }), validity: validitySchema, ...costField })
  .strict()
  .superRefine((p, ctx) => {
    if (p.benefit.type === 'amount-off' && p.minSpend > 0 && p.benefit.amountOff > p.minSpend) {
      ctx.addIssue({ code: 'custom', message: 'the amount off is more than the minimum spend', path: ['benefit', 'amountOff'] });
    }
  });
export const freeShippingParams = z.object({ minSpend: cents(0).default(0), validity: validitySchema, ...costField }).strict();
/** `payPercent` 85 = the customer pays 85% (8.5 折). */
export const discountParams = z
  .object({ payPercent: z.int().min(1).max(99), maxOff: cents(1).optional(), applicable: applicableSchema.default({ scope: 'all' }), validity: validitySchema, ...costField })
  .strict();
export const giftParams = z.object({ itemId: text(64), itemName: text(100), quantity: z.int().min(1).max(999), validity: validitySchema, ...costField }).strict();
export const paidContentParams = z.object({ contentId: text(64), contentName: text(100), validity: validitySchema, ...costField }).strict();
/** A card that, once activated (used), gives `days` days of membership level `levelId`. */
export const experienceCardParams = z
  .object({ levelId: text(64), levelName: text(100), days: z.int().min(1).max(3650), validity: validitySchema, ...costField })
  .strict();
export const growthValueParams = z.object({ amount: z.int().min(1).max(10_000_000), ...costField }).strict();
/** A merchant-defined right: its fields' schema, their values, and whether it is redeemed by code. */
export const customParams = z
  .object({
    schema: customSchemaSchema.meta({ 'x-widget': 'json-schema' }),
    values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).meta({ 'x-widget': 'custom-values' }),
    redeemable: z.boolean().default(true),
    validity: validitySchema.nullable().default(null),
    ...costField,
  })
  .strict();

export const PARAMS_SCHEMAS = {
  points: pointsParams,
  'points-multiplier': pointsMultiplierParams,
  coupon: couponParams,
  'free-shipping': freeShippingParams,
  discount: discountParams,
  gift: giftParams,
  'paid-content': paidContentParams,
  'experience-card': experienceCardParams,
  'growth-value': growthValueParams,
  custom: customParams,
} as const satisfies Record<RightKind, z.ZodType>;

export type ParamsOf<K extends RightKind> = z.output<(typeof PARAMS_SCHEMAS)[K]>;

/** A right's kind and parameters, discriminated by kind. */
export type RightSpec = { [K in RightKind]: { kind: K; params: ParamsOf<K> } }[RightKind];

/**
 * Validates the parameters of a right of `kind` (custom values against their schema).
 * Throws RT_INVALID_PARAMS with the path of the first problem.
 */
export function parseRightParams<K extends RightKind>(kind: K, params: unknown): ParamsOf<K> {
  const out = parseInput(PARAMS_SCHEMAS[kind], params, kind) as ParamsOf<K>;
  if (kind === 'custom') {
    const custom = out as ParamsOf<'custom'>;
    validateCustomValues(custom.schema, custom.values);
  }
  return out;
}

export function parseRightSpec(kind: RightKind, params: unknown): RightSpec {
  return { kind, params: parseRightParams(kind, params) } as RightSpec;
}

/** The validity of a right, or null for kinds that never expire (points, growth value). */
export function validityOf(spec: RightSpec): Validity | null {
  return 'validity' in spec.params ? (spec.params.validity ?? null) : null;
}

/** JSON Schema of a kind's parameters (input side: defaults are optional), for forms. */
export function paramsJsonSchema(kind: RightKind): Record<string, unknown> {
  return z.toJSONSchema(PARAMS_SCHEMAS[kind], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
