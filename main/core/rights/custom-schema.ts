import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { formFieldSchema } from '../forms/form-schema.ts';

/**
 * The JSON Schema a merchant writes for a custom right: a flat object of simple fields (a form,
 * the same field kinds plugin forms use: text, number, whole number, yes/no, choice, date).
 */
const fieldSchema = formFieldSchema;

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

export const customSchemaSchema = z
  .object({
    $schema: z.string().optional(),
    title: z.string().max(100).optional(),
    description: z.string().max(500).optional(),
    type: z.literal('object'),
    properties: z.record(z.string().regex(FIELD_NAME, 'field names are letters, digits and _ (up to 40)'), fieldSchema),
    required: z.array(z.string()).optional(),
    additionalProperties: z.literal(false).optional(),
  })
  .strict()
  .superRefine((schema, ctx) => {
    const names = Object.keys(schema.properties);
    if (names.length === 0 || names.length > 50) ctx.addIssue({ code: 'custom', message: 'between 1 and 50 fields', path: ['properties'] });
    for (const name of schema.required ?? []) {
      if (!names.includes(name)) ctx.addIssue({ code: 'custom', message: `required field "${name}" is not defined`, path: ['required'] });
    }
  });
export type CustomSchema = z.infer<typeof customSchemaSchema>;

/** Values of a custom right: plain JSON scalars keyed by field name. */
export type CustomValues = Record<string, string | number | boolean>;

const ajv = new Ajv({ strict: true, allErrors: true });
// ajv-formats is CommonJS: its default export arrives as the function or as { default }.
const applyFormats = ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as typeof addFormats;
applyFormats(ajv, ['date', 'date-time', 'email', 'uri']);
const compiled = new Map<string, ValidateFunction>();

function firstIssue(error: z.ZodError): { path: string; reason: string } {
  const issue = error.issues[0];
  return { path: issue?.path.join('.') ?? '', reason: issue?.message ?? 'invalid' };
}

/** Checks a merchant's schema; throws RT_CUSTOM_SCHEMA_INVALID naming the bad part. */
export function parseCustomSchema(value: unknown): CustomSchema {
  const parsed = customSchemaSchema.safeParse(value);
  if (!parsed.success) throw new CampaignError('RT_CUSTOM_SCHEMA_INVALID', firstIssue(parsed.error));
  validatorFor(parsed.data);
  return parsed.data;
}

function validatorFor(schema: CustomSchema): ValidateFunction {
  // Unknown fields are always refused, whatever the merchant wrote.
  const effective = { ...schema, additionalProperties: false };
  delete effective.$schema;
  const key = JSON.stringify(effective);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(effective);
    } catch (error) {
      throw new CampaignError('RT_CUSTOM_SCHEMA_INVALID', { path: '', reason: (error as Error).message });
    }
    compiled.set(key, validate);
  }
  return validate;
}

function describeAjvError(e: ErrorObject): { path: string; reason: string } {
  const field = e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty ?? '') : e.instancePath.replace(/^\//, '');
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty ?? '')})` : '';
  return { path: field, reason: `${e.message ?? 'invalid'}${extra}` };
}

/** Validates a custom right's values against its schema; throws RT_INVALID_PARAMS. */
export function validateCustomValues(schema: CustomSchema, values: unknown): CustomValues {
  const validate = validatorFor(schema);
  if (!validate(values)) {
    const { path, reason } = describeAjvError(validate.errors?.[0] as ErrorObject);
    throw new CampaignError('RT_INVALID_PARAMS', { kind: 'custom', path: `values.${path}`.replace(/\.$/, ''), reason });
  }
  return values as CustomValues;
}
