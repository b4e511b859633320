import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository/app root (where package.json is). */
export const appRoot = fileURLToPath(new URL('../../', import.meta.url));

export const rendererDistDir = join(appRoot, 'dist', 'renderer');
export const electronDistDir = join(appRoot, 'dist', 'electron');

/** Browser mode's data dir: --data-dir, else CAMPAIGN_DESK_DATA_DIR, else ~/.campaign-desk. */
export function defaultDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.CAMPAIGN_DESK_DATA_DIR) return resolve(process.env.CAMPAIGN_DESK_DATA_DIR);
  return join(homedir(), '.campaign-desk');
}
