import { z } from 'zod';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { KeyValueStore } from '../db/key-value-store.ts';
import type { SettingEntry } from '../db/schemas/settings.ts';
import { keyIdOf, publicKeyFromPem } from './package/signature.ts';

/** Settings key of the publisher keys this data dir trusts (HQ syncs it later). */
export const TRUSTED_KEYS_KEY = 'plugins.trustedKeys';

export const trustedKeySchema = z
  .object({
    publisher: z.string().min(1).max(100),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    /** The raw 32-byte ed25519 public key, base64. */
    publicKey: z.string().min(1).max(100),
    addedAt: z.number(),
    addedBy: z.string().max(100),
  })
  .strict();
export type TrustedKey = z.infer<typeof trustedKeySchema>;

/** Reads a public key given as PEM or as base64 of the raw 32 bytes (as signature.json has it). */
export function readPublicKey(text: string, file = 'the public key'): { publicKey: string; keyId: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return publicKeyFromPem(trimmed, file);
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== trimmed) throw new CampaignError('PL_KEY_INVALID', { file, reason: 'expected a PEM public key or the base64 of a raw 32-byte ed25519 key' });
  return { publicKey: trimmed, keyId: keyIdOf(raw) };
}

/** The trusted publisher keys, kept in the database's settings. */
export class TrustedKeys {
  constructor(private readonly settings: KeyValueStore<SettingEntry>) {}

  async list(): Promise<TrustedKey[]> {
    const parsed = z.array(trustedKeySchema).safeParse((await this.settings.get(TRUSTED_KEYS_KEY))?.value ?? []);
    return parsed.success ? parsed.data : [];
  }

  /** Trusts a publisher's key (PEM or raw base64); returns it with its keyId. */
  async add(publisher: string, publicKeyText: string, actor: string, now: number): Promise<TrustedKey> {
    const { publicKey, keyId } = readPublicKey(publicKeyText);
    const key: TrustedKey = trustedKeySchema.parse({ publisher: publisher.trim(), keyId, publicKey, addedAt: now, addedBy: actor });
    const others = (await this.list()).filter((k) => k.keyId !== key.keyId);
    await this.settings.set(TRUSTED_KEYS_KEY, { value: [...others, key], updatedAt: now, updatedBy: actor });
    return key;
  }

  async remove(keyId: string, actor: string, now: number): Promise<boolean> {
    const all = await this.list();
    const rest = all.filter((k) => k.keyId !== keyId);
    if (rest.length === all.length) return false;
    await this.settings.set(TRUSTED_KEYS_KEY, { value: rest, updatedAt: now, updatedBy: actor });
    return true;
  }
}
