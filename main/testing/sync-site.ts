// Test-only: the parent side of `sync-site-child.ts` — an app site in its own process.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CampaignError, isSerializedError } from '../core/errors/campaign-error.ts';
import type { SiteCommand } from './sync-site-child.ts';
import { makeTempDir } from './temp-dir.ts';

const childScript = fileURLToPath(new URL('./sync-site-child.ts', import.meta.url));
const appRoot = fileURLToPath(new URL('../../', import.meta.url));

type Answer = { id: number; result?: unknown; error?: unknown; text?: string };

export interface SyncSite {
  readonly dataDir: string;
  call<T>(command: SiteCommand): Promise<T>;
  /** Closes the site and removes its data dir. */
  close(): Promise<void>;
}

/** Starts a site process on a fresh data dir (or the given one). */
export async function startSyncSite(dataDir?: string): Promise<SyncSite> {
  const dir = dataDir ? { path: dataDir, remove: () => undefined } : makeTempDir('campaign-desk-site-');
  const child: ChildProcess = fork(childScript, [dir.path], { cwd: appRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let next = 1;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`site process exited (${code}) before it was ready`)));
    child.on('message', (message: Answer | { ready: true }) => {
      if ('ready' in message) return resolve();
      const pending = waiting.get(message.id);
      if (!pending) return;
      waiting.delete(message.id);
      if (message.error === undefined) pending.resolve(message.result);
      else if (isSerializedError(message.error) && message.error.code !== 'SYS_INTERNAL') pending.reject(new CampaignError(message.error.code, message.error.params));
      else pending.reject(new Error(message.text ?? 'site failed'));
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const pending of waiting.values()) pending.reject(new Error('site process exited'));
    waiting.clear();
  });
  const call = <T>(command: SiteCommand): Promise<T> => {
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command });
    });
  };
  return {
    dataDir: dir.path,
    call,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await call({ op: 'close' }).catch(() => undefined);
        await exited;
      }
      dir.remove();
    },
  };
}
