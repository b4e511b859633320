import { getIndexableStringMonad, getIndexMeta, type RxDocumentData, type RxJsonSchema } from 'rxdb';
import { toSqliteKey } from './sqlite-key.ts';

/**
 * Turns one of RxDB's index strings (or query bounds) for an index into the key stored in
 * SQLite. RxDB pads every string field to its `maxLength` with spaces, so a `storeId` of
 * maxLength 64 holding 'S001' costs 64 characters in every key: most of a key is padding.
 * This encoding drops the padding while keeping RxDB's order exactly.
 *
 * RxDB compares a padded field like a string followed by endless spaces. Per string field:
 * trailing spaces are dropped and an end marker END is appended; END compares like "spaces
 * forever". Inside the content, characters above the space stay as they are; a space run of
 * length k followed by a character d becomes a three-unit token, because it must sort
 * against END and other runs by d relative to the space (see the tokens below). Numbers and
 * booleans are fixed-width digits and stay as they are. Finally `toSqliteKey` makes SQLite's
 * byte order equal to JavaScript's UTF-16 order.
 *
 * Order of the tokens at one position (what each stands for, in RxDB's terms):
 *   LOW k d   (k spaces, then d < ' ')          sorted by k, then d
 *   END       (spaces forever)
 *   HIGH k d  (k >= 1 spaces, then d > ' ')     sorted by k descending, then d
 *   d         (d > ' ', no space before it)     sorted by d
 * Every token starts with a unit that tells its kind, so the encoding is prefix-free and
 * comparing encodings gives the same order as comparing RxDB's strings. Invariant: fields
 * hold at most `maxLength` characters (the schema validator enforces it); longer values
 * shift RxDB's fixed-width layout for every storage alike.
 */
const LOW = '\u0002';
const END = '\u0003';
const HIGH = '\u0004';
/** Above RxDB's largest allowed maxLength (2048), so `MAX_RUN - k` stays positive. */
const MAX_RUN = 4096;
// eslint-disable-next-line no-control-regex -- spaces and control characters need tokens
const SPACE_OR_CONTROL = /[\u0000-\u0020]/;

export type IndexKeyEncoder = (indexString: string) => string;
/** A document's stored key of one index: `encoder(getIndexableString(doc))`, computed directly. */
export type DocumentKeyFunction = (doc: object) => string;

export function indexKeyEncoder<RxDocType>(schema: RxJsonSchema<RxDocumentData<RxDocType>>, fields: string[]): IndexKeyEncoder {
  const layout = getIndexMeta(schema, fields).map((meta) => {
    const type = meta.schemaPart.type;
    if (type === 'string') return { width: meta.schemaPart.maxLength ?? 0, isString: true };
    if (type === 'boolean') return { width: 1, isString: false };
    const lengths = meta.parsedLengths;
    return { width: lengths ? lengths.nonDecimals + lengths.decimals : 0, isString: false };
  });
  if (!layout.some((field) => field.isString)) return toSqliteKey;
  return (indexString) => {
    let key = '';
    let offset = 0;
    for (const field of layout) {
      const part = indexString.slice(offset, offset + field.width);
      offset += field.width;
      key += field.isString ? encodeStringField(part) : part;
    }
    if (offset < indexString.length) key += indexString.slice(offset);
    return toSqliteKey(key);
  };
}

/**
 * The stored key of a document for an index, equal to `indexKeyEncoder(...)(getIndexableString(doc))`
 * but built from the field values directly: string fields are encoded without being padded to
 * `maxLength` first and sliced again, which is most of the cost of a write's keys. A string
 * longer than its `maxLength` (the validator refuses it, a storage call without validation may
 * not) takes the padded path, so both always agree.
 */
export function documentKeyFunction<RxDocType>(schema: RxJsonSchema<RxDocumentData<RxDocType>>, fields: string[]): DocumentKeyFunction {
  const parts = getIndexMeta(schema, fields).map((meta) => {
    const stringWidth = meta.schemaPart.type === 'string' ? (meta.schemaPart.maxLength ?? 0) : -1;
    return { stringWidth, getValue: meta.getValue as (doc: object) => unknown, getPart: meta.getIndexStringPart as (doc: object) => string };
  });
  const encode = indexKeyEncoder(schema, fields);
  const getIndexableString = getIndexableStringMonad(schema, fields) as (doc: object) => string;
  const padded = (doc: object) => encode(getIndexableString(doc));
  return (doc) => {
    let key = '';
    for (const part of parts) {
      if (part.stringWidth < 0) {
        // Digits or '0'/'1': nothing to encode or map.
        key += part.getPart(doc);
        continue;
      }
      const value = (part.getValue(doc) || '') as string;
      if (value.length > part.stringWidth) return padded(doc);
      key += isPlain(value) ? value + END : encodedStringPart(value);
    }
    return key;
  };
}

// Every index ends with the primary key, so the indexes of one document encode the same id
// one after another: one remembered value saves the repeats.
let lastValue = '';
let lastPart = END;

function encodedStringPart(value: string): string {
  if (value !== lastValue) {
    lastPart = toSqliteKey(encodeStringField(value));
    lastValue = value;
  }
  return lastPart;
}

/**
 * True when a string field needs neither space/control tokens nor the SQLite key mapping:
 * the usual case, checked with one pass instead of two regular expressions. `toSqliteKey`
 * maps unit by unit, so mapping each part alone equals mapping the whole key.
 */
function isPlain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x20 || unit >= 0xd800) return false;
  }
  return true;
}

export function encodeStringField(part: string): string {
  let end = part.length;
  while (end > 0 && part.charCodeAt(end - 1) === 0x20) end--;
  const content = end === part.length ? part : part.slice(0, end);
  if (!SPACE_OR_CONTROL.test(content)) return content + END;
  let out = '';
  let spaces = 0;
  for (let i = 0; i < content.length; i++) {
    const unit = content.charCodeAt(i);
    if (unit === 0x20) {
      spaces++;
      continue;
    }
    if (unit < 0x20) out += LOW + String.fromCharCode(0x30 + spaces) + content[i];
    else if (spaces > 0) out += HIGH + String.fromCharCode(0x30 + MAX_RUN - spaces) + content[i];
    else out += content[i];
    spaces = 0;
  }
  // `content` does not end with a space, so no run is left open.
  return out + END;
}
