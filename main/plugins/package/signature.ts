import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { SIGNATURE_FILE, type PackageSignature, type PluginPackage } from './plugin-package.ts';

/**
 * Package signatures: ed25519 over the package's digest text, one line `sha256hex  path` per
 * file sorted by path. The text covers every file but signature.json, so changing, adding or
 * removing any file breaks the signature; the manifest (and so its `publisher`) is one of them.
 */

/** A publisher key the user trusts. `publicKey` is the raw 32-byte key, base64 (as in signature.json). */
export interface TrustedKey {
  publisher: string;
  keyId: string;
  publicKey: string;
}

export type PackageTrust = 'trusted' | 'unsigned' | 'untrusted';

export interface VerifyResult {
  trust: PackageTrust;
  /** The signing key (signed packages only). */
  keyId?: string;
  publisher?: string;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const packageSignatureSchema = z.strictObject({
  algorithm: z.literal('ed25519'),
  publisher: z.string().trim().min(1).max(100),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits'),
  publicKey: base64,
  signature: base64,
}) satisfies z.ZodType<PackageSignature>;

/** The first 16 hex digits of the SHA-256 of a raw public key. */
export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);
}

/** The text a signature signs: `sha256hex  path` per file, sorted by path (code unit order), each line ending in \n. */
export function digestText(files: ReadonlyMap<string, Buffer>): string {
  return [...files.keys()]
    .sort()
    .map((path) => `${createHash('sha256').update(files.get(path) as Buffer).digest('hex')}  ${path}\n`)
    .join('');
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** A new ed25519 key pair as PEM (PKCS#8 private, SPKI public) and its key id. */
export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(rawPublicKey(publicKey)),
  };
}

/** The private ed25519 key in `pem`, or PL_KEY_INVALID (`file` names it in the message). */
export function loadPrivateKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new CampaignError('PL_KEY_INVALID', { file, reason: 'not a private key in PEM format' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CampaignError('PL_KEY_INVALID', { file, reason: `an ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519` });
  return key;
}

/**
 * The public key in `pem` (SPKI, or a private key's public half) as signature.json writes it,
 * with its key id; PL_KEY_INVALID when it is not an ed25519 key.
 */
export function publicKeyFromPem(pem: string, file: string): { publicKey: string; keyId: string } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new CampaignError('PL_KEY_INVALID', { file, reason: 'not a public key in PEM format' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CampaignError('PL_KEY_INVALID', { file, reason: `an ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519` });
  const raw = rawPublicKey(key);
  return { publicKey: raw.toString('base64'), keyId: keyIdOf(raw) };
}

/**
 * Signs the package's files with `privateKeyPem` as `publisher`, which must be the manifest's
 * publisher (PL_MANIFEST_INVALID otherwise). Returns the content of signature.json.
 */
export function signPackage(pkg: PluginPackage, privateKeyPem: string, publisher: string, keyFile = 'the private key'): PackageSignature {
  if (publisher !== pkg.manifest.publisher) {
    throw new CampaignError('PL_MANIFEST_INVALID', { path: 'publisher', reason: `is "${pkg.manifest.publisher}", but the package is being signed as "${publisher}"` });
  }
  const privateKey = loadPrivateKey(privateKeyPem, keyFile);
  const raw = rawPublicKey(createPublicKey(privateKey));
  return {
    algorithm: 'ed25519',
    publisher,
    keyId: keyIdOf(raw),
    publicKey: raw.toString('base64'),
    signature: sign(null, Buffer.from(digestText(pkg.files)), privateKey).toString('base64'),
  };
}

/** The package's files with its signature.json, as an archive of the signed package holds them. */
export function signedFiles(pkg: PluginPackage, signature: PackageSignature): Map<string, Buffer> {
  return new Map([...pkg.files, [SIGNATURE_FILE, Buffer.from(`${JSON.stringify(signature, null, 2)}\n`)]]);
}

/**
 * Checks the package's signature against its files and the trusted keys: 'unsigned' without a
 * signature, 'untrusted' when it verifies with a key not in `trustedKeys`, 'trusted' when the
 * key is trusted for this publisher. PL_SIGNATURE_INVALID when a signature exists and does not
 * hold: the files changed (content, an extra or a missing file), the key id or the publisher does
 * not match, or a trusted key belongs to another publisher.
 */
export function verifyPackage(pkg: PluginPackage, trustedKeys: readonly TrustedKey[]): VerifyResult {
  const sig = pkg.signature;
  if (!sig) return { trust: 'unsigned' };
  const id = pkg.manifest.id;
  const fail = (reason: string) => new CampaignError('PL_SIGNATURE_INVALID', { id, reason });
  const raw = Buffer.from(sig.publicKey, 'base64');
  if (raw.length !== 32) throw fail('the public key is not 32 bytes');
  if (keyIdOf(raw) !== sig.keyId) throw fail(`key id ${sig.keyId} is not the id of the public key`);
  if (sig.publisher !== pkg.manifest.publisher) throw fail(`signed as "${sig.publisher}" but plugin.json names "${pkg.manifest.publisher}"`);
  let valid: boolean;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    valid = verify(null, Buffer.from(digestText(pkg.files)), key, Buffer.from(sig.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw fail('a file was changed, added or removed');
  const matching = trustedKeys.filter((k) => k.keyId === sig.keyId && Buffer.from(k.publicKey, 'base64').equals(raw));
  if (matching.length === 0) return { trust: 'untrusted', keyId: sig.keyId, publisher: sig.publisher };
  if (!matching.some((k) => k.publisher === sig.publisher)) {
    throw fail(`key ${sig.keyId} is trusted for ${matching.map((k) => `"${k.publisher}"`).join(', ')}, not "${sig.publisher}"`);
  }
  return { trust: 'trusted', keyId: sig.keyId, publisher: sig.publisher };
}

/** Refuses to install an unsigned (PL_SIGNATURE_MISSING) or untrusted (PL_UNTRUSTED_PUBLISHER) package unless `installAnyway`. */
export function requireInstallable(result: VerifyResult, pkg: PluginPackage, installAnyway: boolean): void {
  if (installAnyway || result.trust === 'trusted') return;
  const id = pkg.manifest.id;
  if (result.trust === 'unsigned') throw new CampaignError('PL_SIGNATURE_MISSING', { id });
  throw new CampaignError('PL_UNTRUSTED_PUBLISHER', { id, publisher: result.publisher ?? pkg.manifest.publisher, keyId: result.keyId ?? '' });
}
