/**
 * What all six built-in marketing types owe the app: manifests that match the brief and the
 * SDK, contributions the manifest declares, config forms the app can render, sources that
 * import nothing outside plugins/ (so they bundle), and bundles that run in a realm without
 * Node, as the plugin worker runs them.
 */
import * as icons from '@element-plus/icons-vue';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import semver from 'semver';
import { apiVersion, definePlugin, type FormField, type Json, type MarketingType, type PluginContext, type PluginDefinition } from './sdk/campaign-desk-plugin.ts';
import { bundlePluginSource } from '../main/plugins/package/build.ts';
import { activateInProcess, readManifest } from './testing/activate-in-process.ts';
import { activateBuiltin, BUILTIN_TYPES, PLUGINS_DIR, templateOf, type BuiltinType } from './testing/builtin.ts';

const context = { now: '2026-06-10T12:00:00+08:00', timeZone: 'Asia/Shanghai' };

function localized(value: unknown): boolean {
  const v = value as Record<string, unknown> | undefined;
  return typeof v?.en === 'string' && v.en.trim() !== '' && typeof v['zh-CN'] === 'string' && v['zh-CN'].trim() !== '';
}

describe.each(BUILTIN_TYPES)('built-in plugin %s', (name) => {
  const dir = path.join(PLUGINS_DIR, name);

  it('has the manifest the app expects', () => {
    const manifest = readManifest(dir);
    expect(Object.keys(manifest).sort()).toEqual(['apiVersion', 'contributes', 'description', 'entry', 'id', 'name', 'publisher', 'version']);
    expect(manifest).toMatchObject({
      id: `campaign-desk.${name}`,
      version: '1.0.0',
      publisher: 'campaign-desk',
      apiVersion: '^1.0.0',
      entry: 'dist/plugin.js',
      contributes: { marketingTypes: [name] },
    });
    expect(Object.keys(manifest.contributes)).toEqual(['marketingTypes']);
    expect(localized(manifest.name) && localized(manifest.description)).toBe(true);
    expect(semver.satisfies(apiVersion, manifest.apiVersion)).toBe(true);
  });

  it('registers exactly its marketing type, with both languages and a known icon', async () => {
    const { plugin, type } = await activateBuiltin(name);
    expect([...plugin.marketingTypes.keys()]).toEqual([name]);
    for (const other of [plugin.audienceConditions, plugin.timeModes, plugin.rightTypes, plugin.messageChannels]) expect(other.size).toBe(0);
    expect(localized(type.name) && localized(type.description)).toBe(true);
    expect(type.icon in icons).toBe(true);
    expect(typeof type.describe).toBe('function');
    await plugin.deactivate();
    expect(plugin.marketingTypes.size).toBe(0);
  });

  it('has a config form the app can render, whose defaults make a template', async () => {
    const { type } = await activateBuiltin(name);
    const schema = type.configSchema;
    expect(schema?.type).toBe('object');
    const fields = Object.entries(schema?.properties ?? {});
    expect(fields.length).toBeGreaterThan(0);
    const defaults: Record<string, Json> = {};
    for (const [key, field] of fields) {
      expect(key).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);
      expect(Object.keys(field).every((k) => ['type', 'title', 'description', 'enum', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'default'].includes(k)), key).toBe(true);
      // Titles are English; the app localizes forms by field key.
      expect(field.title, key).toMatch(/^[\x20-\x7e]+$/);
      if (field.default !== undefined) {
        expect(fits(field, field.default), key).toBe(true);
        defaults[key] = field.default;
      }
    }
    expect(templateOf(type, defaults, context)).toEqual(templateOf(type, {}, context));
  });

  it('imports nothing outside plugins/ but the SDK, shared helpers, its own folder and pure packages', () => {
    const sources = [...sourceFiles(path.join(dir, 'src')), ...sourceFiles(path.join(PLUGINS_DIR, 'shared'))];
    for (const file of sources) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          expect(PURE_PACKAGES, `${file} imports ${spec}`).toContain(spec);
          continue;
        }
        const target = path.relative(PLUGINS_DIR, path.resolve(path.dirname(file), spec)).split(path.sep);
        const allowed = (target[0] === 'sdk' && target[1] === 'campaign-desk-plugin.ts') || target[0] === 'shared' || target[0] === name;
        expect(allowed, `${path.relative(PLUGINS_DIR, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it('bundles into one file that runs in a realm without Node, as the plugin worker runs it', async () => {
    const code = await bundlePluginSource(dir);
    expect(code).not.toMatch(/\brequire\(/);
    const isolated = await activateIsolated(code, name);
    // What crosses is JSON: the isolated template equals the in-process one.
    const { type } = await activateBuiltin(name);
    expect(JSON.parse(isolated.template({}, context))).toEqual(templateOf(type, {}, context));
  });
});

describe('activateInProcess', () => {
  const definition = (id: string): PluginDefinition =>
    definePlugin({
      activate(ctx) {
        ctx.registerMarketingType({ id, name: { en: 'x', 'zh-CN': 'x' }, description: { en: 'x', 'zh-CN': 'x' }, icon: 'Star', template: () => ({}) as never });
      },
    });
  const manifest = { ...readManifest(path.join(PLUGINS_DIR, 'birthday')), id: 'test.plugin' };

  it('refuses a contribution the manifest does not declare, and a duplicate', async () => {
    await expect(activateInProcess(definition('other'), manifest)).rejects.toMatchObject({ code: 'PL_UNDECLARED_CONTRIBUTION' });
    const twice = definePlugin({
      activate(ctx) {
        definition('birthday').activate(ctx);
        return definition('birthday').activate(ctx);
      },
    });
    await expect(activateInProcess(twice, manifest)).rejects.toThrow(/twice/);
  });

  it('refuses an app API version outside the manifest’s range, and network access', async () => {
    await expect(activateInProcess(definition('birthday'), manifest, { apiVersion: '2.0.0' })).rejects.toMatchObject({ code: 'PL_API_MISMATCH' });
    const plugin = await activateInProcess(definition('birthday'), manifest);
    await expect(plugin.context.fetch('https://example.com/')).rejects.toMatchObject({ code: 'PL_NETWORK_DENIED' });
  });
});

/** Packages plugin code may bundle: pure JavaScript, no Node built-ins. */
const PURE_PACKAGES = ['tyme4ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.ts$/.test(entry) && !/\.test\.ts$/.test(entry) ? [file] : [];
  });
}

/** Every module specifier of static imports/exports, dynamic imports and require calls. */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/gm)) {
    specs.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return specs;
}

function fits(field: FormField, value: string | number | boolean): boolean {
  if (field.enum && !field.enum.includes(value as string | number)) return false;
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (field.pattern === undefined || new RegExp(field.pattern).test(value)) && value.length <= (field.maxLength ?? Infinity);
    default:
      return typeof value === 'number' && (field.type === 'number' || Number.isInteger(value)) && value >= (field.minimum ?? -Infinity) && value <= (field.maximum ?? Infinity);
  }
}

/**
 * Runs a bundle in a fresh realm with no globals beyond JavaScript's own and no code
 * generation from strings (the worker's settings), activates it, and hands back its
 * marketing type's template as JSON text made inside that realm.
 */
async function activateIsolated(code: string, name: BuiltinType): Promise<{ template(config: Record<string, Json>, ctx: typeof context): string }> {
  const realm = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  const entry = vm.compileFunction(code, ['module', 'exports'], { parsingContext: realm }) as (module: { exports: unknown }, exports: unknown) => void;
  const module: { exports: { default?: PluginDefinition } } = { exports: {} };
  entry(module, module.exports);
  const definition = module.exports.default;
  if (!definition) throw new Error(`${name}: no default export`);
  let registered: MarketingType | undefined;
  const ctx = { registerMarketingType: (type: MarketingType) => ((registered = type), { dispose: () => undefined }) } as unknown as PluginContext;
  await definition.activate(ctx);
  const type = registered;
  if (!type) throw new Error(`${name}: registered nothing`);
  const stringify = vm.runInContext('(value) => JSON.stringify(value)', realm) as (value: unknown) => string;
  return { template: (config, c) => stringify(type.template(config, c)) };
}
