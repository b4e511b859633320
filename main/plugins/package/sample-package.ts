import type { PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';

/**
 * A small valid package, for tests of the package tools and of what installs packages. The
 * entry is built JavaScript as `plugin pack` writes it (CommonJS, default export).
 */

export function sampleManifest(overrides: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id: 'com.example.sample',
    name: { en: 'Sample', 'zh-CN': '示例' },
    version: '1.2.3',
    publisher: 'Example Co',
    apiVersion: '^1.0.0',
    entry: 'dist/plugin.js',
    contributes: { marketingTypes: ['sample'] },
    ...overrides,
  };
}

export const SAMPLE_ENTRY = `"use strict";
module.exports = { default: { activate(ctx) { ctx.registerMarketingType({ id: 'sample', name: { en: 'Sample', 'zh-CN': '示例' }, description: { en: 'A sample', 'zh-CN': '示例' }, icon: 'Present', template: () => ({}) }); } } };
`;

/** The files of the sample package (no signature), optionally with another manifest. */
export function samplePackageFiles(manifest: unknown = sampleManifest()): Map<string, Buffer> {
  return new Map([
    ['plugin.json', Buffer.from(JSON.stringify(manifest, null, 2))],
    ['dist/plugin.js', Buffer.from(SAMPLE_ENTRY)],
    ['README.md', Buffer.from('# Sample\n')],
  ]);
}
