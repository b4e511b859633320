import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiVersion } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { appRoot } from '../../app/paths.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { buildPlugin } from './build.ts';
import { checkApiRange } from './manifest.ts';
import { readPackage } from './read-package.ts';
import { scaffoldPlugin, SDK_FILE } from './scaffold.ts';

function tempDir(): string {
  const dir = makeTempDir();
  onTestFinished(() => dir.remove());
  return dir.path;
}

describe('scaffoldPlugin', () => {
  it('creates a plugin that type-checks against the copied SDK, builds, and passes its own test', async () => {
    const parent = tempDir();
    // Inside an ES-module project (like this app's folder) the plugin's own package.json keeps dist/plugin.js CommonJS.
    writeFileSync(join(parent, 'package.json'), JSON.stringify({ type: 'module' }));
    const dir = scaffoldPlugin(parent, 'win-back');
    expect(readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()).toEqual(
      ['README.md', 'package.json', 'plugin.json', 'src', 'src/campaign-desk-plugin.ts', 'src/index.ts', 'test', 'test/plugin.test.mjs', 'tsconfig.json'],
    );
    expect(readFileSync(join(dir, 'src/campaign-desk-plugin.ts'))).toEqual(readFileSync(SDK_FILE));

    const tsc = spawnSync(process.execPath, [join(appRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    await buildPlugin(dir);
    const pkg = await readPackage(dir);
    expect(pkg.manifest).toMatchObject({ id: 'com.example.win-back', apiVersion: '^1.0.0', entry: 'dist/plugin.js', contributes: { marketingTypes: ['win-back'] } });
    checkApiRange(pkg.manifest, apiVersion);

    const test = spawnSync(process.execPath, ['--test', 'test/'], { cwd: dir, encoding: 'utf8' });
    expect(test.stdout).toMatch(/# pass 2\n# fail 0/);
    expect(test.status).toBe(0);
  }, 60_000);

  it('fills an existing empty folder', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'hello'));
    expect(scaffoldPlugin(parent, 'hello')).toBe(join(parent, 'hello'));
  });

  it('refuses a folder that is not empty, and writes nothing', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'hello'));
    writeFileSync(join(parent, 'hello/notes.txt'), 'mine');
    expect(() => scaffoldPlugin(parent, 'hello')).toThrow(expect.objectContaining({ code: 'PL_SCAFFOLD_EXISTS', params: { dir: join(parent, 'hello') } }));
    writeFileSync(join(parent, 'file'), 'x');
    expect(() => scaffoldPlugin(parent, 'file')).toThrow(expect.objectContaining({ code: 'PL_SCAFFOLD_EXISTS' }));
    expect(readdirSync(parent, { recursive: true }).sort()).toEqual(['file', 'hello', 'hello/notes.txt']);
  });

  it.each(['Hello', '1st', 'my_plugin', '../up', ''])('refuses the name %j', (name) => {
    expect(() => scaffoldPlugin(tempDir(), name)).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
  });
});
