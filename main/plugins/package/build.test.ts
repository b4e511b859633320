import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { buildPlugin, bundlePluginSource } from './build.ts';
import { sampleManifest } from './sample-package.ts';

function pluginFolder(files: Record<string, string>): string {
  const dir = makeTempDir();
  onTestFinished(() => dir.remove());
  for (const [path, text] of Object.entries({ 'plugin.json': JSON.stringify(sampleManifest()), ...files })) {
    mkdirSync(dirname(join(dir.path, path)), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  }
  return dir.path;
}

/** Runs a bundle as the plugin realm does: no require, only module and exports. */
function load(code: string): { default: { activate(ctx: { out: string[] }): void } } {
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports as { default: { activate(ctx: { out: string[] }): void } };
}

describe('building a plugin', () => {
  it('bundles src/index.ts with its imports and packages into one CommonJS file', async () => {
    const dir = pluginFolder({
      'src/index.ts': "import { greet } from './greet';\nimport { shout } from 'shout';\nexport default { activate(ctx: { out: string[] }) { ctx.out.push(shout(greet('李'))); } };\n",
      'src/greet.ts': 'export const greet = (name: string): string => `你好 ${name}`;\n',
      'node_modules/shout/package.json': JSON.stringify({ name: 'shout', main: 'main.cjs', module: 'module.js' }),
      'node_modules/shout/module.js': "export const shout = (s) => s + '!';\n",
      'node_modules/shout/main.cjs': "exports.shout = (s) => s + ' (main)';\n",
    });
    const code = await bundlePluginSource(dir);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).toContain('你好');
    const out: string[] = [];
    load(code).default.activate({ out });
    expect(out).toEqual(['你好 李!']);
  });

  it("writes the bundle to the manifest's entry", async () => {
    const dir = pluginFolder({ 'src/index.ts': 'export default { activate() {} };\n' });
    const { outFile, bytes } = await buildPlugin(dir);
    expect(outFile).toBe(join(dir, 'dist/plugin.js'));
    expect(readFileSync(outFile).length).toBe(bytes);
  });

  it.each([
    ['a syntax error', "const x = ;\nexport default x;\n", /^src\/index\.ts:1:11: Unexpected ";"/],
    ['a Node module', "import { readFileSync } from 'node:fs';\nexport default readFileSync;\n", /^src\/index\.ts:1:30: Could not resolve "node:fs"/],
    ['a missing import', "import x from './nope';\nexport default x;\n", /Could not resolve "\.\/nope"/],
  ])('refuses %s with PL_BUILD_FAILED at its line', async (_, source, reason) => {
    const dir = pluginFolder({ 'src/index.ts': source });
    await expect(buildPlugin(dir)).rejects.toMatchObject({ code: 'PL_BUILD_FAILED', params: { file: join(dir, 'src/index.ts'), reason: expect.stringMatching(reason) } });
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('refuses a folder without src/index.ts or without plugin.json', async () => {
    const dir = pluginFolder({});
    await expect(buildPlugin(dir)).rejects.toMatchObject({ code: 'PL_BUILD_FAILED', params: { reason: 'src/index.ts does not exist' } });
    const bare = makeTempDir();
    onTestFinished(() => bare.remove());
    await expect(buildPlugin(bare.path)).rejects.toMatchObject({ code: 'PL_MANIFEST_MISSING' });
  });
});
