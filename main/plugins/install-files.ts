import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Puts a package's files into `<root>/<id>/` all at once: they are written to a staging
 * folder first and renamed into place, so a crash or a full disk never leaves a half
 * installed plugin (and an update keeps the old version until the new one is complete).
 */
export function installFiles(root: string, id: string, files: ReadonlyMap<string, Buffer>): string {
  mkdirSync(root, { recursive: true });
  const staging = join(root, `.staging-${randomUUID()}`);
  try {
    for (const [path, data] of files) {
      const target = join(staging, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    const final = join(root, id);
    const old = join(root, `.old-${randomUUID()}`);
    let moved = false;
    try {
      renameSync(final, old);
      moved = true;
    } catch {
      // Not installed before.
    }
    try {
      renameSync(staging, final);
    } catch (error) {
      if (moved) renameSync(old, final);
      throw error;
    }
    if (moved) rmSync(old, { recursive: true, force: true });
    return final;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

export function removeFiles(root: string, id: string): void {
  rmSync(join(root, id), { recursive: true, force: true });
}
