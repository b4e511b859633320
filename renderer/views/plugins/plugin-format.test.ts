import { describe, expect, it } from 'vitest';
import { bytesToBase64, contributionList, fileToBase64, formatBytes, needsInstallAnyway, stateTagType, trustTagType } from './plugin-format.ts';

describe('plugin display helpers', () => {
  it('colours states and trust', () => {
    expect(stateTagType('enabled')).toBe('success');
    expect(stateTagType('failed')).toBe('danger');
    expect(stateTagType('disabled')).toBe('info');
    expect(trustTagType('trusted')).toBe('success');
    expect(trustTagType('unsigned')).toBe('warning');
    expect(trustTagType('untrusted')).toBe('danger');
  });

  it('asks for "install anyway" unless a trusted publisher signed it', () => {
    expect(needsInstallAnyway('trusted')).toBe(false);
    expect(needsInstallAnyway('unsigned')).toBe(true);
    expect(needsInstallAnyway('untrusted')).toBe(true);
  });

  it('lists what a manifest contributes', () => {
    expect(contributionList({ marketingTypes: ['win-back'], messageChannels: ['dingtalk'], audienceConditions: [] })).toEqual([
      { kind: 'marketingType', id: 'win-back' },
      { kind: 'messageChannel', id: 'dingtalk' },
    ]);
    expect(contributionList(undefined)).toEqual([]);
  });

  it('encodes a picked file as base64, large ones too', async () => {
    expect(await fileToBase64(new Blob(['hello']))).toBe('aGVsbG8=');
    const big = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(Buffer.from(bytesToBase64(big), 'base64').equals(Buffer.from(big))).toBe(true);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
