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
