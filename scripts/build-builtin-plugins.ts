// Part of `npm run build:electron`: what the packaged desktop app needs of the plugins that
// the repository runs from source. Each built-in plugin is bundled into
// dist/plugins/<name>/ (plugin.json + its entry), and the plugin worker is copied beside
// dist/electron/main.cjs (workers load a file, not a bundle chunk).
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePluginSource } from '../main/plugins/package/build.ts';
import { readManifestFromFolder } from '../main/plugins/package/read-package.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'plugins');
const out = join(root, 'dist', 'plugins');

let count = 0;
for (const name of readdirSync(source).sort()) {
  const dir = join(source, name);
  if (!existsSync(join(dir, 'plugin.json'))) continue;
  const manifest = readManifestFromFolder(dir);
  const target = join(out, name);
  mkdirSync(dirname(join(target, manifest.entry)), { recursive: true });
  copyFileSync(join(dir, 'plugin.json'), join(target, 'plugin.json'));
  writeFileSync(join(target, manifest.entry), await bundlePluginSource(dir));
  count++;
}
mkdirSync(join(root, 'dist', 'electron'), { recursive: true });
copyFileSync(join(root, 'main', 'plugins', 'host', 'plugin-worker.mjs'), join(root, 'dist', 'electron', 'plugin-worker.mjs'));
console.log(`Built ${count} built-in plugins into dist/plugins and copied the plugin worker.`);
