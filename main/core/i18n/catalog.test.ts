import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.ts';
import { ERROR_CODES } from '../errors/codes.ts';
import { formatMessage, type MessageTree } from './format.ts';

function keys(tree: MessageTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`),
  );
}

describe('message catalog', () => {
  it('has the same keys in zh-CN and en', () => {
    expect(keys(catalog['zh-CN']).sort()).toEqual(keys(catalog.en).sort());
  });

  it('has a message for every error code in every locale', () => {
    for (const code of ERROR_CODES) {
      expect(formatMessage('en', `errors.${code}`), code).not.toBe(`errors.${code}`);
      expect(formatMessage('zh-CN', `errors.${code}`), code).not.toBe(`errors.${code}`);
    }
  });

  it('uses only {name} placeholders that vue-i18n reads the same way', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const key of keys(catalog[locale])) {
        const text = formatMessage(locale, key, {});
        expect(text, key).not.toMatch(/[@|%]/);
      }
    }
  });

  it('interpolates parameters', () => {
    expect(formatMessage('en', 'errors.API_UNKNOWN_METHOD', { method: 'x/y' })).toBe('Unknown method "x/y".');
  });
});
