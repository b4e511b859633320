import type { JsonSchema } from 'rxdb';

/**
 * Property schemas shared by the collection schemas. Indexed fields need bounds (RxDB builds
 * fixed-width index strings): strings a `maxLength`, numbers `minimum`/`maximum`/`multipleOf`.
 * Instants are epoch milliseconds (UTC), as in `core/rights`; "never" is `NEVER`, not null,
 * where the field is indexed (null cannot be indexed).
 */
export const NEVER = 9_999_999_999_999;

/** An instant, epoch ms: indexable, 0 .. NEVER. */
export const epochMs = { type: 'integer', minimum: 0, maximum: NEVER, multipleOf: 1 } as const satisfies JsonSchema;

/** An id or other indexable key. */
export function key(maxLength = 64) {
  return { type: 'string', maxLength } as const satisfies JsonSchema;
}

/** Free text (not indexed). */
export function text(maxLength: number) {
  return { type: 'string', maxLength } as const satisfies JsonSchema;
}

/** An indexable string enum. */
export function oneOf<const T extends readonly string[]>(values: T) {
  return { type: 'string', enum: values, maxLength: Math.max(...values.map((v) => v.length)) } as const satisfies JsonSchema;
}

/** A whole number in a range (indexable). */
export function int(minimum: number, maximum: number) {
  return { type: 'integer', minimum, maximum, multipleOf: 1 } as const satisfies JsonSchema;
}

/** Any JSON object whose shape the domain (core) validates, e.g. an audience rule tree. */
export const jsonObject = { type: 'object' } as const satisfies JsonSchema;

/** `{ code, message }` of the last failure, or absent. */
export const failure = {
  type: 'object',
  properties: { code: text(64), message: text(2000), at: epochMs },
  required: ['code', 'message', 'at'],
  additionalProperties: false,
} as const satisfies JsonSchema;

export type { Failure } from '../../core/errors/failure.ts';
