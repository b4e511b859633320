import { build, type BuildFailure, type Message } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { readManifestFromFolder } from './read-package.ts';

/**
 * Building a plugin: its `src/index.ts` bundled by esbuild into one CommonJS file with no
 * imports left (the plugin's realm has no `require` and no Node modules; `platform: 'neutral'`
 * makes an import of a Node built-in a build error rather than a crash at activation).
 */

/** The source file a plugin is built from, relative to its folder. */
export const PLUGIN_SOURCE = 'src/index.ts';

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}

function describe(message: Message): string {
  const at = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${at}${message.text}`;
}

/** The bundled entry of the plugin in `dir`, in memory (the app bundles its built-in plugins this way). PL_BUILD_FAILED on any error. */
export async function bundlePluginSource(dir: string): Promise<string> {
  const root = resolve(dir);
  const source = join(root, PLUGIN_SOURCE);
  if (!existsSync(source)) throw new CampaignError('PL_BUILD_FAILED', { file: source, reason: `${PLUGIN_SOURCE} does not exist` });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [source],
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new CampaignError('PL_BUILD_FAILED', { file: source, reason: 'esbuild produced no output' });
    return output.text;
  } catch (error) {
    if (isBuildFailure(error)) {
      const first = error.errors[0];
      throw new CampaignError('PL_BUILD_FAILED', { file: source, reason: first ? describe(first) : error.message });
    }
    throw error;
  }
}

/** Builds the plugin in `dir` into its manifest's `entry` (e.g. dist/plugin.js); returns that file's path and size. */
export async function buildPlugin(dir: string): Promise<{ outFile: string; bytes: number }> {
  const manifest = readManifestFromFolder(dir);
  const code = await bundlePluginSource(dir);
  const outFile = join(resolve(dir), manifest.entry);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return { outFile, bytes: Buffer.byteLength(code) };
}
