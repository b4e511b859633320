/**
 * How long a text is as SMS. Operators bill per segment, so the template editor shows the
 * count while typing and the executor can record it. Two encodings exist:
 * - GSM-7 (plain Latin text): 160 septets in one message, 153 per part once split (each part
 *   carries a 7-septet header); `^ { } [ ] ~ \ | €` and form feed take two septets.
 * - UCS-2 (anything else, e.g. Chinese): 70 UTF-16 units in one message, 67 per part once split;
 *   a character outside the Basic Multilingual Plane (most emoji) takes two units.
 * A two-unit character is never cut between parts, as phones do.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsInfo {
  encoding: SmsEncoding;
  /** Length in the encoding's units: septets for GSM-7, UTF-16 units for UCS-2. */
  length: number;
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Messages the text is sent as (0 for an empty text). */
  segments: number;
  /** Units per message at this length: 160/70 for one message, 153/67 per part beyond. */
  perSegment: number;
  /** Units still free in the last message before another one is needed. */
  remaining: number;
}

const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

/** True when every character has a GSM-7 form. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

/** Encoding, length and segment count of `text` as one SMS (see the module comment). */
export function smsInfo(text: string): SmsInfo {
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  const costs: number[] = [];
  for (const ch of text) costs.push(encoding === 'gsm7' ? (extension.has(ch) ? 2 : 1) : ch.length);
  const length = costs.reduce((a, b) => a + b, 0);
  const limit = LIMITS[encoding];
  if (length === 0) return { encoding, length, characters: 0, segments: 0, perSegment: limit.single, remaining: limit.single };
  if (length <= limit.single) {
    return { encoding, length, characters: costs.length, segments: 1, perSegment: limit.single, remaining: limit.single - length };
  }
  // Greedy packing: a character that does not fit whole starts the next part.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limit.part) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, length, characters: costs.length, segments, perSegment: limit.part, remaining: limit.part - used };
}
