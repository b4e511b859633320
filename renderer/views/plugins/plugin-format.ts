/**
 * Display helpers of the Plugins screen: tag colours, what a manifest contributes, and a
 * picked file as base64 for the service. Pure functions, tested without a browser.
 */
import type { Contributes, PluginState, PluginTrust } from './types.ts';

export function stateTagType(state: PluginState): 'success' | 'info' | 'danger' | 'warning' | 'primary' {
  switch (state) {
    case 'enabled':
      return 'success';
    case 'failed':
      return 'danger';
    case 'starting':
      return 'primary';
    case 'stopped':
      return 'warning';
    default:
      return 'info';
  }
}

export function trustTagType(trust: PluginTrust): 'success' | 'info' | 'warning' | 'danger' {
  switch (trust) {
    case 'builtin':
      return 'info';
    case 'trusted':
      return 'success';
    case 'unsigned':
      return 'warning';
    default:
      return 'danger';
  }
}

/** Needs the explicit "install anyway": not signed, or signed by a key nobody trusted. */
export function needsInstallAnyway(trust: 'trusted' | 'unsigned' | 'untrusted'): boolean {
  return trust !== 'trusted';
}

export type ContributionKind = 'marketingType' | 'audienceCondition' | 'timeMode' | 'rightType' | 'messageChannel';

const KINDS: [keyof Contributes, ContributionKind][] = [
  ['marketingTypes', 'marketingType'],
  ['audienceConditions', 'audienceCondition'],
  ['timeModes', 'timeMode'],
  ['rightTypes', 'rightType'],
  ['messageChannels', 'messageChannel'],
];

/** What a manifest declares, one entry per contribution: kind and id, in the manifest's order. */
export function contributionList(contributes: Contributes | undefined): { kind: ContributionKind; id: string }[] {
  const out: { kind: ContributionKind; id: string }[] = [];
  for (const [field, kind] of KINDS) for (const id of contributes?.[field] ?? []) out.push({ kind, id });
  return out;
}

/** Bytes in base64, in slices (spreading a large array into one call overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

/** A size for people: bytes, KB or MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
