import { describe, expect, it } from 'vitest';
import { plansUiMessages } from '../../i18n/plans-messages.ts';
import { pluginsUiMessages } from '../../i18n/plugins-messages.ts';

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}
function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}
/** The screens' source text (Vite reads it; the renderer has no file system). */
const sources: Record<string, string> = import.meta.glob(['./**/*.{vue,ts}', '../plugins/**/*.{vue,ts}', '!./**/*.test.ts', '!../plugins/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });

const modules = { plans: plansUiMessages, plugins: pluginsUiMessages };

describe('Plans and Plugins messages', () => {
  for (const [name, module] of Object.entries(modules)) {
    it(`${name}: the same keys in zh-CN and en, and no characters vue-i18n reads as syntax`, () => {
      const en = module.en as unknown as Tree;
      const zh = module['zh-CN'] as unknown as Tree;
      expect(keys(zh).sort()).toEqual(keys(en).sort());
      for (const tree of [en, zh]) {
        for (const key of keys(tree)) expect(lookup(tree, key), key).not.toMatch(/[@|%$]/);
      }
    });
  }

  it('has every fixed key the screens use, in both languages', () => {
    const used = new Set<string>();
    expect(Object.keys(sources).length).toBeGreaterThan(15);
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'((?:plansUi|pluginsUi)\.[A-Za-z0-9_.-]+)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(100);
    for (const key of used) {
      const module = key.startsWith('plansUi') ? plansUiMessages : pluginsUiMessages;
      expect(lookup(module.en as unknown as Tree, key), key).toBeTypeOf('string');
      expect(lookup(module['zh-CN'] as unknown as Tree, key), key).toBeTypeOf('string');
    }
  });
});
