import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CampaignError } from '../core/errors/campaign-error.ts';

/** Who the credential speaks for, as the server's `/whoami` answers it. */
export const syncIdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('store'), storeId: z.string().min(1), credentialId: z.string().min(1) }),
  z.object({ kind: z.literal('hq'), userId: z.string().min(1), role: z.enum(['admin', 'operator', 'read-only']), credentialId: z.string().min(1) }),
]);
export type SyncIdentity = z.infer<typeof syncIdentitySchema>;

export const syncConfigSchema = z.object({
  /** The server's base URL, e.g. https://sync.example.com. */
  serverUrl: z.url({ protocol: /^https?$/ }),
  /** The store's (or HQ user's) bearer token: a secret, kept only in this file. */
  token: z.string().min(8).max(500),
  /** Learned from the server when the credential was checked. */
  identity: syncIdentitySchema,
  /** Replication runs while the app runs; off = configured but paused. */
  enabled: z.boolean(),
});
export type SyncConfig = z.infer<typeof syncConfigSchema>;

/** `sync.json` in the data dir: readable by its owner only, because it holds the token. */
export const SYNC_CONFIG_FILE = 'sync.json';

/**
 * The sync setup of one data dir. Writes go to a temp file renamed into place, so a crash
 * never leaves half a file; a file that cannot be read is reported, never overwritten silently.
 */
export class SyncConfigFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, SYNC_CONFIG_FILE);
  }

  /** The saved setup, or null when sync was never set up. Throws SY_BAD_CONFIG. */
  read(): SyncConfig | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CampaignError('SY_BAD_CONFIG', { path: this.file, reason: (error as Error).message });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CampaignError('SY_BAD_CONFIG', { path: this.file, reason: `not valid JSON (${(error as Error).message})` });
    }
    const parsed = syncConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CampaignError('SY_BAD_CONFIG', { path: this.file, reason: `${issue?.path.join('.') || '/'}: ${issue?.message ?? 'invalid'}` });
    }
    return parsed.data;
  }

  write(config: SyncConfig): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(syncConfigSchema.parse(config), null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
