import { z } from 'zod';
import type { FormField, FormSchema } from '../../../plugins/sdk/campaign-desk-plugin.ts';

/**
 * The SDK's {@link FormSchema} as a zod schema: a flat object form the app can render. Used for
 * a plugin manifest's `configSchema`, the `configSchema` and `paramsSchema` of contributions,
 * and the fields of merchant-defined custom rights (`core/rights/custom-schema.ts`). Unknown keys are refused so that a misspelt `maxLenght` is reported rather than
 * silently ignored.
 */

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Whether `value` has the JSON type the field's `type` stands for. */
function fitsType(type: FormField['type'], value: string | number | boolean): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'boolean') return typeof value === 'boolean';
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  return type === 'number' || Number.isInteger(value);
}

export const formFieldSchema = z
  .strictObject({
    type: z.enum(['string', 'number', 'integer', 'boolean']),
    title: z.string().max(100).optional(),
    description: z.string().max(500).optional(),
    enum: z.array(z.union([z.string(), z.number()])).min(1).max(100).optional(),
    format: z.enum(['date', 'date-time', 'email', 'uri']).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(0).optional(),
    pattern: z.string().max(500).refine(isRegExp, 'is not a valid regular expression').optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.format !== undefined && f.type !== 'string') ctx.addIssue({ code: 'custom', message: 'format applies to string fields only', path: ['format'] });
    f.enum?.forEach((v, i) => {
      if (!fitsType(f.type, v)) ctx.addIssue({ code: 'custom', message: `is not a ${f.type}`, path: ['enum', i] });
    });
    if (f.default !== undefined) {
      if (!fitsType(f.type, f.default)) ctx.addIssue({ code: 'custom', message: `is not a ${f.type}`, path: ['default'] });
      else if (f.enum && typeof f.default !== 'boolean' && !f.enum.includes(f.default)) ctx.addIssue({ code: 'custom', message: 'is not one of enum', path: ['default'] });
    }
    if (f.minimum !== undefined && f.maximum !== undefined && f.minimum > f.maximum) ctx.addIssue({ code: 'custom', message: 'is above maximum', path: ['minimum'] });
    if (f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength) ctx.addIssue({ code: 'custom', message: 'is above maxLength', path: ['minLength'] });
  }) satisfies z.ZodType<FormField>;

export const formSchemaSchema = z
  .strictObject({
    type: z.literal('object'),
    title: z.string().max(100).optional(),
    description: z.string().max(500).optional(),
    properties: z.record(z.string().regex(FIELD_NAME, 'field names are letters, digits and _ (up to 40), starting with a letter'), formFieldSchema),
    required: z.array(z.string()).optional(),
  })
  .superRefine((schema, ctx) => {
    const names = Object.keys(schema.properties);
    if (names.length === 0 || names.length > 50) ctx.addIssue({ code: 'custom', message: 'a form has 1 to 50 fields', path: ['properties'] });
    schema.required?.forEach((name, i) => {
      if (!names.includes(name)) ctx.addIssue({ code: 'custom', message: `"${name}" is not a field of properties`, path: ['required', i] });
    });
  }) satisfies z.ZodType<FormSchema>;
