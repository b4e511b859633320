import { CODE_ALPHABET, formatCode, generateCode, normalizeCode, randomPrefix } from './coupon-code.ts';

/** A deterministic byte source for tests (a real one is crypto.randomBytes). */
function bytesFrom(seed: number) {
  let x = seed;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  };
}

describe('coupon codes', () => {
  it('makes 16-symbol codes that pass their own check', () => {
    const random = bytesFrom(7);
    for (let i = 0; i < 1000; i++) {
      const code = generateCode(random);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(normalizeCode(code)).toBe(code);
    }
  });

  it('reads what people type: lower case, dashes, spaces, I/L/O look-alikes', () => {
    const code = generateCode(bytesFrom(1));
    const typed = ` ${formatCode(code).toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o')} `;
    expect(normalizeCode(typed)).toBe(code);
    expect(formatCode(code)).toMatch(/^.{4}-.{4}-.{4}-.{4}$/);
  });

  it('rejects every single-symbol typo and every adjacent swap but 0Z/Z0', () => {
    const code = generateCode(bytesFrom(3));
    for (let i = 0; i < code.length; i++) {
      for (const c of CODE_ALPHABET) {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        expect(() => normalizeCode(typo)).toThrowError(expect.objectContaining({ code: 'RT_CODE_MALFORMED' }));
      }
    }
    // Luhn mod 32 misses only the swap of the first and last symbols (0 and Z), like 09/90 in base 10.
    const missed: string[] = [];
    for (const a of CODE_ALPHABET) {
      for (const b of CODE_ALPHABET) {
        if (a === b) continue;
        const body = `${code.slice(0, 6)}${a}${b}${code.slice(8, 15)}`;
        const valid = generateCode(() => new TextEncoder().encode(body).map((byte) => CODE_ALPHABET.indexOf(String.fromCharCode(byte))));
        const swapped = `${valid.slice(0, 6)}${b}${a}${valid.slice(8)}`;
        try {
          normalizeCode(swapped);
          missed.push(a + b);
        } catch {
          // refused: the typo was caught
        }
      }
    }
    expect(missed.sort()).toEqual(['0Z', 'Z0']);
  });

  it('can share a random prefix across a batch, keeping the rest random', () => {
    const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
    const prefix = randomPrefix(random, 2);
    const codes = Array.from({ length: 200 }, () => generateCode(random, prefix));
    expect(codes.every((c) => c.startsWith(prefix) && normalizeCode(c) === c)).toBe(true);
    expect(new Set(codes.map((c) => c.slice(2, 15))).size).toBe(200);
  });

  it('rejects wrong lengths and foreign symbols', () => {
    for (const bad of ['', 'ABC', 'ABCD-EFGH-JKMN-PQRS-T', '!!!!-????-####-$$$$', 'UUUU-UUUU-UUUU-UUUU']) {
      expect(() => normalizeCode(bad)).toThrowError(expect.objectContaining({ code: 'RT_CODE_MALFORMED' }));
    }
  });

  it('spreads symbols evenly (no bias from the byte mapping)', () => {
    const counts = new Map<string, number>();
    const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
    for (let i = 0; i < 2000; i++) for (const c of generateCode(random).slice(0, 15)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    const mean = (2000 * 15) / 32;
    for (const n of counts.values()) expect(Math.abs(n - mean) / mean).toBeLessThan(0.15);
  });
});
