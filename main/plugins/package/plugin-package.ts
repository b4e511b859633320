import type { PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';

/** The manifest's file name, at the package root. */
export const MANIFEST_FILE = 'plugin.json';
/** The signature's file name, at the package root; it is the one file the signature does not cover. */
export const SIGNATURE_FILE = 'signature.json';

/**
 * `signature.json`: an ed25519 signature of the package's digest text (see `digestText`).
 * `publisher` must equal the manifest's; `keyId` is the first 16 hex digits of the SHA-256 of
 * the raw public key.
 */
export interface PackageSignature {
  algorithm: 'ed25519';
  publisher: string;
  keyId: string;
  /** The raw 32-byte ed25519 public key, base64. */
  publicKey: string;
  /** The 64-byte signature, base64. */
  signature: string;
}

/** A plugin package read from a folder or a `.cdplugin` archive, checked but not yet trusted. */
export interface PluginPackage {
  manifest: PluginManifest;
  /** Every file of the package except signature.json, keyed by POSIX path relative to the root. */
  files: Map<string, Buffer>;
  signature: PackageSignature | null;
  /** The entry file's text (the manifest's `entry`). */
  entrySource: string;
}
