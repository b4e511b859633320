import { CampaignError } from '../errors/campaign-error.ts';

/**
 * Redemption codes: 15 random symbols (75 bits) and a check symbol, in Crockford's base 32
 * (no I, L, O, U, so codes read aloud or typed from paper survive). Unguessable: the random
 * source is a cryptographic one passed in; the check symbol (Luhn mod 32) rejects almost
 * every typo before the database is asked. Shown as `XXXX-XXXX-XXXX-XXXX`.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 16;
const N = CODE_ALPHABET.length;

/** `n` bytes from a cryptographically secure source (e.g. node:crypto randomBytes). */
export type RandomBytes = (n: number) => Uint8Array;

function checkSymbol(body: string): string {
  // Luhn mod N: detects every single-symbol error and most adjacent swaps.
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * CODE_ALPHABET.indexOf(body[i] ?? '0');
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return CODE_ALPHABET[(N - (sum % N)) % N] ?? '0';
}

/**
 * A new code (canonical form, no dashes). `prefix` (random itself, e.g. from `randomPrefix`)
 * replaces the first random symbols: codes made together can share one, so the ledger
 * checks a whole batch for clashes with one index range instead of one lookup per code.
 * The symbols after it stay random per code (13 symbols, 65 bits, with a 2-symbol prefix).
 */
export function generateCode(randomBytes: RandomBytes, prefix = ''): string {
  const n = CODE_LENGTH - 1 - prefix.length;
  const bytes = randomBytes(n);
  if (bytes.length < n) throw new Error('random source returned too few bytes');
  let body = prefix;
  // 256 is a multiple of 32, so the low 5 bits of a uniform byte are uniform.
  for (let i = 0; i < n; i++) body += CODE_ALPHABET[(bytes[i] ?? 0) & 31];
  return body + checkSymbol(body);
}

/** `length` random symbols, to share as the prefix of a batch of codes. */
export function randomPrefix(randomBytes: RandomBytes, length: number): string {
  let prefix = '';
  for (const byte of randomBytes(length)) prefix += CODE_ALPHABET[byte & 31];
  return prefix;
}

/**
 * The canonical form of what someone typed: upper case, without spaces and dashes, with the
 * look-alikes I/L read as 1 and O as 0. Throws RT_CODE_MALFORMED for a wrong length,
 * foreign symbols or a failed check symbol.
 */
export function normalizeCode(input: string): string {
  const code = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  const ok = code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c)) && checkSymbol(code.slice(0, -1)) === code.slice(-1);
  if (!ok) throw new CampaignError('RT_CODE_MALFORMED', { code: input.trim().slice(0, 40) });
  return code;
}

/** `XXXX-XXXX-XXXX-XXXX`. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}
