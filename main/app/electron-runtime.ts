import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './paths.ts';

/**
 * The Electron binary, when it is installed and usable here. `require('electron')` would try
 * to download it, so this reads the package's path file instead.
 */
export function findElectronBinary(): string | undefined {
  const pkgDir = join(appRoot, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return undefined;
  return binary;
}

/** A desktop window needs a display on Linux. */
export function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
