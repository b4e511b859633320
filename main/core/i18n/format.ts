import { catalog } from './catalog.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A nested table of message templates, e.g. `{ errors: { API_VALIDATION: '...' } }`. */
export interface MessageTree {
  [key: string]: string | MessageTree;
}

function lookup(tree: MessageTree, key: string): string | undefined {
  let node: string | MessageTree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Fill `{name}` placeholders. The same templates are used by vue-i18n in the renderer, so
 * they use only `{name}` interpolation (no `@`, `|` or `%` syntax).
 */
export function interpolate(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message for `key` in `locale`, falling back to English, then to the key itself. */
export function formatMessage(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const template = lookup(catalog[locale], key) ?? lookup(catalog.en, key) ?? key;
  return interpolate(template, params);
}

/** Looks up and fills one message; `undefined` when the key has none. */
export type Translate = (key: string, params?: Record<string, unknown>) => string | undefined;

/**
 * An error's params with keys turned into words of the locale. A string param whose value is a
 * key (e.g. SY_FORBIDDEN's `action: 'hold-leases'`) shows as `errorParams.<code>.<param>.<value>`;
 * a value with no phrase there shows as `errorParams.<code>.<param>._other` with `{value}`, or as
 * it is. The main process passes its catalog lookup, the renderer vue-i18n's `t`, so both render
 * the same words from the same tables.
 */
export function localizeErrorParams(code: string, params: Record<string, unknown>, translate: Translate): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const table = `errorParams.${code}.${name}`;
    const phrase = /^[\w-]+$/.test(value) && value !== '_other' ? translate(`${table}.${value}`) : undefined;
    out[name] = phrase ?? translate(`${table}._other`, { value }) ?? value;
  }
  return out;
}

/** The message of error `code` in `locale`, its key-valued params in words of the locale. */
export function formatError(locale: Locale, code: string, params: Record<string, unknown> = {}): string {
  const translate: Translate = (key, p = {}) => {
    const template = lookup(catalog[locale], key) ?? lookup(catalog.en, key);
    return template === undefined ? undefined : interpolate(template, p);
  };
  const tables = catalog.en.errorParams;
  const keyed = typeof tables === 'object' && typeof tables[code] === 'object';
  return formatMessage(locale, `errors.${code}`, keyed ? localizeErrorParams(code, params, translate) : params);
}
