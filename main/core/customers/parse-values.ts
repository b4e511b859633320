import { getZone } from '../period/zone.ts';

/** A value that could not be read; `reason` is English, shown with row and column. */
export class CellError {
  constructor(readonly reason: string) {}
}

const TRUE = new Set(['1', 'true', 'yes', 'y', '是', '已关注', '同意', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'n', '否', '未关注', '不同意', 'off']);

export function parseBool(text: string): boolean | CellError {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return new CellError(`"${text}" is not yes/no (use 1/0, true/false, 是/否)`);
}

export function parseInteger(text: string, min = Number.MIN_SAFE_INTEGER): number | CellError {
  const t = text.trim().replace(/,/g, '');
  if (!/^-?\d+$/.test(t)) return new CellError(`"${text}" is not a whole number`);
  const n = Number(t);
  if (n < min) return new CellError(`${n} is below ${min}`);
  return n;
}

/** Money in yuan with up to 2 decimals, returned in cents (fen). */
export function parseMoney(text: string): number | CellError {
  const t = text.trim().replace(/[,¥￥]/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(t)) return new CellError(`"${text}" is not an amount such as 12.50`);
  return Math.round(Number(t) * 100);
}

/** Dates as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD; checked against the calendar. */
export function parseDate(text: string): string | CellError {
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(text.trim());
  if (!m) return new CellError(`"${text}" is not a date such as 1990-05-17`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    return new CellError(`${text} is not a real date`);
  }
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Instants as ISO 8601 with an offset, or as local time `YYYY-MM-DD[ HH:mm[:ss]]` read in the
 * store's zone (POS exports carry no offset). Returned as ISO 8601 UTC.
 */
export function parseInstant(text: string, zone: string): string | CellError {
  const t = text.trim();
  if (/[zZ]$|[+-]\d\d:?\d\d$/.test(t) && t.includes('T')) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? new CellError(`"${text}" is not a valid time`) : new Date(ms).toISOString();
  }
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d\d)(?::(\d\d))?)?$/.exec(t);
  if (!m) return new CellError(`"${text}" is not a time such as 2026-05-17 14:30 or 2026-05-17T14:30:00+08:00`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const probe = new Date(wall);
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return new CellError(`${text} is not a real time`);
  return new Date(getZone(zone).resolve(wall)).toISOString();
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[;|,，；、]/).map((t) => t.trim()).filter(Boolean))];
}
