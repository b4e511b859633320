import type { FormField, FormSchema, Json } from '../sdk/campaign-desk-plugin.ts';

/**
 * Reading a marketing type's config through its own form schema, so the schema is the one
 * place that says each field's type, bounds and default. A missing (or null) value takes the
 * default; a value the schema refuses throws, naming the field: the app checks config against
 * the schema, so that only happens when a caller skipped the check, and a plan built from a
 * silently replaced value would be worse than an error.
 */

export type ConfigValue = string | number | boolean;

function field(schema: FormSchema, key: string): FormField {
  const f = schema.properties[key];
  if (!f) throw new Error(`config: the form has no field "${key}"`);
  return f;
}

function refuse(key: string, value: Json, why: string): never {
  throw new Error(`config.${key}: ${JSON.stringify(value)} ${why}`);
}

/** The value of `key` checked against its field, or its default; undefined when neither. */
export function configValue(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): ConfigValue | undefined {
  const f = field(schema, key);
  const raw = Object.prototype.hasOwnProperty.call(config, key) ? config[key] : undefined;
  if (raw === undefined || raw === null) return f.default;
  switch (f.type) {
    case 'boolean':
      if (typeof raw !== 'boolean') refuse(key, raw, 'is not true or false');
      break;
    case 'integer':
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) refuse(key, raw, 'is not a number');
      if (f.type === 'integer' && !Number.isInteger(raw)) refuse(key, raw, 'is not a whole number');
      if (f.minimum !== undefined && raw < f.minimum) refuse(key, raw, `is below ${f.minimum}`);
      if (f.maximum !== undefined && raw > f.maximum) refuse(key, raw, `is above ${f.maximum}`);
      break;
    case 'string':
      if (typeof raw !== 'string') refuse(key, raw, 'is not text');
      if (f.minLength !== undefined && raw.length < f.minLength) refuse(key, raw, `is shorter than ${f.minLength}`);
      if (f.maxLength !== undefined && raw.length > f.maxLength) refuse(key, raw, `is longer than ${f.maxLength}`);
      if (f.pattern !== undefined && !new RegExp(f.pattern).test(raw)) refuse(key, raw, `does not match ${f.pattern}`);
      break;
  }
  if (f.enum && !f.enum.includes(raw as string | number)) refuse(key, raw, `is not one of ${f.enum.join(', ')}`);
  return raw as ConfigValue;
}

function required(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): ConfigValue {
  const v = configValue(schema, config, key);
  if (v === undefined) throw new Error(`config.${key} is required`);
  return v;
}

export function configNumber(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): number {
  return required(schema, config, key) as number;
}

export function configBoolean(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): boolean {
  return required(schema, config, key) as boolean;
}

export function configString(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): string {
  return required(schema, config, key) as string;
}

/** An enum field, typed by its choices (which must equal the field's `enum`). */
export function configChoice<T extends string>(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string, choices: readonly T[]): T {
  const v = required(schema, config, key);
  if (!(choices as readonly ConfigValue[]).includes(v)) refuse(key, v, `is not one of ${choices.join(', ')}`);
  return v as T;
}

/** An optional text field: undefined when missing or blank. */
export function configOptionalString(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): string | undefined {
  const v = configValue(schema, config, key);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** An optional number field: undefined when missing and without a default. */
export function configOptionalNumber(schema: FormSchema, config: Readonly<Record<string, Json>>, key: string): number | undefined {
  const v = configValue(schema, config, key);
  return typeof v === 'number' ? v : undefined;
}
