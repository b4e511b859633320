/**
 * RxDB compares index strings as JavaScript does: by UTF-16 code units, with '\uffff' as
 * the open upper bound. SQLite's BINARY collation compares UTF-8 bytes, i.e. code points,
 * which disagrees for text above U+D7FF: in JS '😀' (a surrogate pair, 0xD83D...) sorts
 * before '\uffff', in UTF-8 after it. SQLite text must also not contain NUL (its behaviour
 * is undefined there), but RxDB pads lower bounds with '\x00'.
 *
 * `toSqliteKey` maps each code unit to a prefix-free, order-preserving replacement, so
 * that the UTF-8 bytes of the result compare exactly like the code units of the input:
 *   0x0000          -> U+0001 U+0001
 *   0x0001          -> U+0001 U+0002
 *   0x0002..0xD7FF  -> itself
 *   0xD800..0xDFFF  -> +0x800 (U+E000..U+E7FF; lone surrogates become valid text)
 *   0xE000..0xFFFF  -> +0x800 (U+E800..U+107FF)
 * Keys without such code units (ASCII, CJK, most text) are returned unchanged, so the
 * common case costs one regex test. Keys are only compared, never decoded.
 */
// eslint-disable-next-line no-control-regex -- NUL and U+0001 are exactly what must be mapped
const NEEDS_MAPPING = /[\u0000\u0001\ud800-\uffff]/;
// eslint-disable-next-line no-control-regex -- the same units, each on its own
const MAPPED_UNIT = /[\u0000\u0001\ud800-\uffff]/g;

function mapUnit(unit: string): string {
  const code = unit.charCodeAt(0);
  if (code === 0) return '\u0001\u0001';
  if (code === 1) return '\u0001\u0002';
  return String.fromCodePoint(code + 0x800);
}

export function toSqliteKey(key: string): string {
  // Without the `u` flag the class matches single code units, surrogate halves included.
  return NEEDS_MAPPING.test(key) ? key.replace(MAPPED_UNIT, mapUnit) : key;
}
