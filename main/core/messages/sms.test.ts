import { describe, expect, it } from 'vitest';
import { isGsm7, smsInfo } from './sms.ts';

describe('smsInfo', () => {
  it('counts plain ASCII as GSM-7: 160 in one message, 153 per part beyond', () => {
    expect(smsInfo('a'.repeat(160))).toMatchObject({ encoding: 'gsm7', length: 160, segments: 1, perSegment: 160, remaining: 0 });
    expect(smsInfo('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153, remaining: 153 * 2 - 161 });
    expect(smsInfo('a'.repeat(306)).segments).toBe(2);
    expect(smsInfo('a'.repeat(307)).segments).toBe(3);
  });

  it('counts Chinese as UCS-2: 70 in one message, 67 per part beyond', () => {
    expect(smsInfo('你'.repeat(70))).toMatchObject({ encoding: 'ucs2', length: 70, characters: 70, segments: 1 });
    expect(smsInfo('你'.repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    // One Chinese character turns a Latin text into UCS-2.
    expect(smsInfo(`${'a'.repeat(69)}你`)).toMatchObject({ encoding: 'ucs2', segments: 1 });
    expect(smsInfo(`${'a'.repeat(70)}你`).segments).toBe(2);
  });

  it('counts GSM-7 extension characters twice and never splits them', () => {
    expect(isGsm7('Price: 5€ [sale] ~ {x}')).toBe(true);
    expect(smsInfo('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', length: 160, characters: 80, segments: 1 });
    // 152 plain + one € (2 septets) does not fit in a 153-septet part: it starts the next.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(10);
    expect(smsInfo(text)).toMatchObject({ length: 164, segments: 2, remaining: 153 - 12 });
  });

  it('counts emoji as two UTF-16 units and handles the empty text', () => {
    expect(smsInfo('🎉')).toMatchObject({ encoding: 'ucs2', length: 2, characters: 1, segments: 1 });
    expect(smsInfo('')).toMatchObject({ length: 0, segments: 0 });
  });
});
