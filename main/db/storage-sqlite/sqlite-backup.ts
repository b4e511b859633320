import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { acquireSqliteFile, releaseSqliteFile } from './sqlite-file.ts';

/**
 * Copies a database file to `target` with SQLite's online backup, while the app may keep
 * reading and writing (it opens the file first if this process does not have it open).
 * The copy is written beside the target and renamed into place, so `target` is either the
 * old file or a complete new one; an existing target is replaced.
 */
export async function backupSqliteFile(path: string, target: string): Promise<void> {
  const destination = resolve(target);
  const partial = `${destination}.partial-${randomBytes(4).toString('hex')}`;
  const file = acquireSqliteFile(path);
  try {
    mkdirSync(dirname(destination), { recursive: true });
    await file.db.backup(partial);
    renameSync(partial, destination);
  } catch (error) {
    removeQuietly(partial);
    throw new CampaignError('DB_BACKUP_FAILED', { target: destination, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  } finally {
    releaseSqliteFile(file);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there (e.g. the folder could not be made): nothing to clean up.
  }
}
