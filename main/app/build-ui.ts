import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot, rendererDistDir } from './paths.ts';

/** Builds the renderer with Vite when dist/renderer is missing (first `npm start`). */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(join(rendererDistDir, 'index.html'))) return;
  log('Building the user interface (first start only)...');
  const { build } = await import('vite');
  await build({ configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn' });
}
