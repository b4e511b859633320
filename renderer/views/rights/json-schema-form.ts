/**
 * Reading a JSON Schema to build a form: the parameters of each kind of right (generated
 * from their zod schemas by the service) and the fields of merchant-defined custom rights.
 * The supported subset: objects, discriminated unions (oneOf with a `const` property),
 * nullable values, strings (dates, choices), numbers (money in cents), booleans, string lists.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  items?: JsonSchema;
  'x-unit'?: 'cents';
  'x-widget'?: 'json-schema' | 'custom-values';
}

export type FieldKind =
  | 'union'
  | 'object'
  | 'nullable'
  | 'choice'
  | 'date'
  | 'text'
  | 'money'
  | 'number'
  | 'boolean'
  | 'tags'
  | 'json-schema'
  | 'custom-values'
  | 'unsupported';

/** The union's branches, when the schema is one (oneOf, or anyOf without null). */
export function branchesOf(schema: JsonSchema): JsonSchema[] | null {
  const list = schema.oneOf ?? (schema.anyOf && !nullableInner(schema) ? schema.anyOf : undefined);
  return list && list.length > 0 ? list : null;
}

/** `anyOf: [X, {type: 'null'}]` → X. */
export function nullableInner(schema: JsonSchema): JsonSchema | null {
  const list = schema.anyOf;
  if (!list || list.length !== 2) return null;
  const nullIndex = list.findIndex((s) => s.type === 'null');
  return nullIndex === -1 ? null : (list[1 - nullIndex] ?? null);
}

/** The property every branch fixes with `const` (e.g. `type`, `scope`), or null. */
export function discriminatorOf(branches: JsonSchema[]): string | null {
  const first = branches[0]?.properties ?? {};
  for (const name of Object.keys(first)) {
    if (branches.every((b) => b.properties?.[name]?.const !== undefined)) return name;
  }
  return null;
}

/** The branch whose discriminator matches `value`'s (the first one otherwise). */
export function branchFor(branches: JsonSchema[], discriminator: string, value: unknown): JsonSchema {
  const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[discriminator] : undefined;
  return branches.find((b) => b.properties?.[discriminator]?.const === tag) ?? (branches[0] as JsonSchema);
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

export function fieldKind(schema: JsonSchema): FieldKind {
  if (schema['x-widget']) return schema['x-widget'];
  if (nullableInner(schema)) return 'nullable';
  if (branchesOf(schema)) return 'union';
  if (schema.enum) return 'choice';
  switch (typeOf(schema)) {
    case 'object':
      return 'object';
    case 'string':
      return schema.format === 'date' ? 'date' : 'text';
    case 'integer':
    case 'number':
      return schema['x-unit'] === 'cents' ? 'money' : 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return schema.items && typeOf(schema.items) === 'string' ? 'tags' : 'unsupported';
    default:
      return 'unsupported';
  }
}

/** A starting value for a new form: defaults where given, the first branch of unions. */
export function defaultValue(schema: JsonSchema): unknown {
  // JSON round trip, not structuredClone: schemas arrive as Vue proxies, which cannot be cloned.
  if (schema.default !== undefined) return JSON.parse(JSON.stringify(schema.default)) as unknown;
  switch (fieldKind(schema)) {
    case 'nullable':
      return null;
    case 'union': {
      const branches = branchesOf(schema) ?? [];
      return defaultValue(branches[0] ?? {});
    }
    case 'object':
    case 'custom-values': {
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        if (prop.const !== undefined) out[name] = prop.const;
        else if ((schema.required ?? []).includes(name) || prop.default !== undefined) out[name] = defaultValue(prop);
      }
      return out;
    }
    case 'json-schema':
      return { type: 'object', properties: { note: { type: 'string', title: 'Note' } }, required: [] };
    case 'choice':
      return schema.enum?.[0] ?? '';
    case 'money':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (schema.multipleOf ?? 1) : 0);
    case 'boolean':
      return false;
    case 'tags':
      return [];
    default:
      return '';
  }
}

/** Switching a union to another branch keeps nothing but the new tag and its defaults. */
export function switchBranch(branches: JsonSchema[], discriminator: string, tag: unknown): Record<string, unknown> {
  const branch = branches.find((b) => b.properties?.[discriminator]?.const === tag) ?? (branches[0] as JsonSchema);
  return defaultValue(branch) as Record<string, unknown>;
}

/** Cents as yuan for display, and back (rounded to the cent). */
export function centsToYuan(cents: number): number {
  return cents / 100;
}
export function yuanToCents(yuan: number): number {
  return Math.round(yuan * 100);
}
