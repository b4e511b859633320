import { CampaignError } from '../errors/campaign-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { daysInMonth, formatTimeOfDay, maxDaysInMonth, pad2, pad4 } from './calendar.ts';
import { expandField, expandNumbers } from './cron-sets.ts';
import { FIELDS, MONTH_NAMES, WEEKDAY_NAMES, fieldInfo, type FieldInfo, type FieldKey } from './fields.ts';
import {
  PERIOD_TYPE_CODES,
  kindOfCode,
  type DateTimeParts,
  type DayFilter,
  type DayOfMonthSet,
  type DayOfWeekSet,
  type MonthDay,
  type NumberSet,
  type PeriodExpression,
  type PeriodKind,
  type TimeOfDay,
} from './types.ts';

/** One comma-separated item of a field, as written. */
type Item =
  | { kind: 'any'; text: string; column: number }
  | { kind: 'value'; text: string; column: number; value: number }
  | { kind: 'range'; text: string; column: number; from: number; to: number }
  | { kind: 'step'; text: string; column: number; from: number; to: number | null; step: number; star: boolean }
  | { kind: 'last'; text: string; column: number }
  | { kind: 'lastWeekday'; text: string; column: number }
  | { kind: 'nearestWeekday'; text: string; column: number; day: number }
  | { kind: 'lastOf'; text: string; column: number; weekday: number }
  | { kind: 'nth'; text: string; column: number; weekday: number; nth: number }
  | { kind: 'rangeToLast'; text: string; column: number; from: number };

interface RawField {
  info: FieldInfo;
  text: string;
  /** 1-based column of the field's first character in the expression. */
  column: number;
}

const TYPE_NAMES: Record<PeriodKind, { en: string; zh: string }> = {
  point: { en: 'point-in-time expression', zh: '时间点表达式' },
  fixed: { en: 'fixed period', zh: '固定期限' },
  daily: { en: 'daily window', zh: '每日时段' },
  weekly: { en: 'weekly window', zh: '每周时段' },
  monthly: { en: 'monthly window', zh: '每月时段' },
  yearly: { en: 'yearly window', zh: '每年时段' },
};

function fail(code: ErrorCode, field: FieldInfo, column: number, params: Record<string, string | number> = {}): never {
  throw new CampaignError(code, { field: field.number, fieldName: field.en, fieldNameZh: field.zh, column, ...params });
}

function typeParams(kind: PeriodKind): { typeName: string; typeNameZh: string } {
  return { typeName: TYPE_NAMES[kind].en, typeNameZh: TYPE_NAMES[kind].zh };
}

/**
 * Parses a period expression: `second minute hour day-of-month month day-of-week year type`.
 * Seven fields leave out the year (any year); six fields are a plain cron expression (type 1).
 * Throws a CampaignError (PE_*) naming the field, its column and the reason.
 */
export function parse(expression: string): PeriodExpression {
  const raw = splitFields(expression);
  const typeField = raw.type;
  const kind = readType(typeField);
  const code = PERIOD_TYPE_CODES[kind];
  const f = raw.fields;
  switch (kind) {
    case 'point':
      return {
        kind,
        code,
        source: expression,
        ...pointFields(f),
      };
    case 'fixed':
      return parseFixed(expression, f);
    case 'daily': {
      const { from, to } = timeWindow(f, kind, true);
      return { kind, code, source: expression, from, to, days: dayFilter(f, kind) };
    }
    case 'weekly': {
      const { from, to } = timeWindow(f, kind, true);
      unused(f.dayOfMonth, kind);
      return {
        kind,
        code,
        source: expression,
        from,
        to,
        spans: weekdaySpans(f.dayOfWeek),
        month: cronMonth(f.month, kind),
        year: yearSet(f.year, kind),
      };
    }
    case 'monthly': {
      const { from, to } = timeWindow(f, kind, true);
      unused(f.dayOfWeek, kind);
      const month = cronMonth(f.month, kind);
      const spans = monthDaySpans(f.dayOfMonth);
      checkMonthDaysOccur(f.dayOfMonth, spans, month);
      return { kind, code, source: expression, from, to, spans, month, year: yearSet(f.year, kind) };
    }
    case 'yearly': {
      const { from, to } = timeWindow(f, kind, true);
      unused(f.dayOfWeek, kind);
      const months = singleRange(f.month, kind, true);
      const days = singleRange(f.dayOfMonth, kind, true);
      // `*` days run to the end of the end month (February: the 29th, kept as the 28th in other years).
      if (isAnyText(f.dayOfMonth)) days.to = maxDaysInMonth(months.to);
      if (days.from > maxDaysInMonth(months.from)) {
        fail('PE_IMPOSSIBLE_DATE', f.dayOfMonth.info, f.dayOfMonth.column, { day: days.from, month: months.from });
      }
      if (days.to > maxDaysInMonth(months.to)) {
        fail('PE_IMPOSSIBLE_DATE', f.dayOfMonth.info, f.dayOfMonth.column, { day: days.to, month: months.to });
      }
      return {
        kind,
        code,
        source: expression,
        from,
        to,
        start: { month: months.from, day: days.from },
        end: { month: months.to, day: days.to },
        year: yearSet(f.year, kind),
      };
    }
  }
}

/** Parses without throwing: the value, or the typed error. */
export function tryParse(expression: string): { ok: true; value: PeriodExpression } | { ok: false; error: CampaignError } {
  try {
    return { ok: true, value: parse(expression) };
  } catch (error) {
    if (error instanceof CampaignError) return { ok: false, error };
    throw error;
  }
}

type Fields = Record<Exclude<FieldKey, 'type'>, RawField>;

function splitFields(expression: string): { fields: Fields; type: RawField | null } {
  const tokens: { text: string; column: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(expression); m; m = re.exec(expression)) tokens.push({ text: m[0], column: m.index + 1 });
  if (tokens.length === 0) throw new CampaignError('PE_EMPTY');
  if (tokens.length < 6 || tokens.length > 8) throw new CampaignError('PE_FIELD_COUNT', { count: tokens.length });
  // 6 fields: plain cron (no year, type 1); 7: no year; 8: everything.
  const keys: FieldKey[] =
    tokens.length === 8
      ? ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek', 'year', 'type']
      : tokens.length === 7
        ? ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek', 'type']
        : ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];
  const byKey = new Map<FieldKey, RawField>();
  keys.forEach((key, i) => {
    const token = tokens[i];
    if (token) byKey.set(key, { info: fieldInfo(key), text: token.text, column: token.column });
  });
  const implicit = (key: FieldKey): RawField => byKey.get(key) ?? { info: fieldInfo(key), text: '*', column: expression.length + 1 };
  return {
    fields: {
      second: implicit('second'),
      minute: implicit('minute'),
      hour: implicit('hour'),
      dayOfMonth: implicit('dayOfMonth'),
      month: implicit('month'),
      dayOfWeek: implicit('dayOfWeek'),
      year: implicit('year'),
    },
    type: byKey.get('type') ?? null,
  };
}

function readType(field: RawField | null): PeriodKind {
  if (!field) return 'point';
  const codes = Object.values(PERIOD_TYPE_CODES).join(', ');
  const kind = /^\d+$/.test(field.text) ? kindOfCode(Number(field.text)) : undefined;
  if (!kind) fail('PE_UNKNOWN_TYPE', field.info, field.column, { value: field.text, codes });
  return kind;
}

// ---- items ---------------------------------------------------------------------------

function readNumber(text: string, field: FieldInfo, column: number, whole: string): number {
  let value: number;
  if (/^\d+$/.test(text)) value = Number(text);
  else {
    const upper = text.toUpperCase();
    const names = field.key === 'month' ? MONTH_NAMES : field.key === 'dayOfWeek' ? WEEKDAY_NAMES : null;
    const index = names ? names.indexOf(upper) : -1;
    if (index < 0) fail('PE_SYNTAX', field, column, { token: whole });
    value = field.key === 'month' ? index + 1 : index;
  }
  if (value < field.min || value > field.max) {
    fail('PE_OUT_OF_RANGE', field, column, { value, min: field.min, max: field.max });
  }
  return value;
}

const NAME = '(\\d+|[A-Za-z]{3})';
const RANGE_RE = new RegExp(`^${NAME}-${NAME}$`);
const STEP_RE = new RegExp(`^(\\*|${NAME}(?:-${NAME})?)/(\\d+)$`);

/** Where the special forms belong: L, LW, nW, n-L in day of month; nL, n#k in day of week. */
const SPECIAL_HOME: Partial<Record<Item['kind'], FieldKey>> = {
  last: 'dayOfMonth',
  lastWeekday: 'dayOfMonth',
  nearestWeekday: 'dayOfMonth',
  rangeToLast: 'dayOfMonth',
  lastOf: 'dayOfWeek',
  nth: 'dayOfWeek',
};

function tokenize(field: RawField, kind: PeriodKind): Item[] {
  const items: Item[] = [];
  let offset = 0;
  const info = field.info;
  const special = (text: string, column: number, itemKind: Item['kind']): void => {
    if (SPECIAL_HOME[itemKind] !== info.key) fail('PE_NOT_ALLOWED', info, column, { token: text, ...typeParams(kind) });
  };
  for (const text of field.text.split(',')) {
    const column = field.column + offset;
    offset += text.length + 1;
    if (text === '') fail('PE_SYNTAX', info, column, { token: field.text });
    if (text === '*' || text === '?') {
      if (field.text !== text) fail('PE_SYNTAX', info, column, { token: field.text });
      items.push({ kind: 'any', text, column });
      continue;
    }
    const upper = text.toUpperCase();
    if (upper === 'L') {
      special(text, column, 'last');
      items.push({ kind: 'last', text, column });
      continue;
    }
    if (upper === 'LW') {
      special(text, column, 'lastWeekday');
      items.push({ kind: 'lastWeekday', text, column });
      continue;
    }
    let m = /^(\d+)W$/i.exec(text);
    if (m) {
      special(text, column, 'nearestWeekday');
      items.push({ kind: 'nearestWeekday', text, column, day: readNumber(m[1] ?? '', info, column, text) });
      continue;
    }
    m = /^(\d+|[A-Za-z]{3})L$/i.exec(text);
    if (m) {
      special(text, column, 'lastOf');
      items.push({ kind: 'lastOf', text, column, weekday: readNumber(m[1] ?? '', info, column, text) % 7 });
      continue;
    }
    m = /^(\d+|[A-Za-z]{3})#(\d+)$/.exec(text);
    if (m) {
      special(text, column, 'nth');
      const weekday = readNumber(m[1] ?? '', info, column, text) % 7;
      const nth = Number(m[2]);
      if (nth < 1 || nth > 5) fail('PE_OUT_OF_RANGE', info, column + (m[1] ?? '').length + 1, { value: nth, min: 1, max: 5 });
      items.push({ kind: 'nth', text, column, weekday, nth });
      continue;
    }
    m = /^(\d+)-L$/i.exec(text);
    if (m) {
      special(text, column, 'rangeToLast');
      items.push({ kind: 'rangeToLast', text, column, from: readNumber(m[1] ?? '', info, column, text) });
      continue;
    }
    m = STEP_RE.exec(text);
    if (m) {
      const star = m[1] === '*';
      const from = star ? info.min : readNumber(m[2] ?? '', info, column, text);
      const to = m[3] !== undefined ? readNumber(m[3], info, column + (m[2] ?? '').length + 1, text) : null;
      const step = Number(m[4]);
      const span = info.max - info.min + 1;
      if (step < 1 || step > span) fail('PE_BAD_STEP', info, column, { token: text, max: span });
      if (to !== null && to < from) fail('PE_REVERSED_RANGE', info, column, { token: text });
      items.push({ kind: 'step', text, column, from, to, step, star });
      continue;
    }
    m = RANGE_RE.exec(text);
    if (m) {
      const from = readNumber(m[1] ?? '', info, column, text);
      const to = readNumber(m[2] ?? '', info, column + (m[1] ?? '').length + 1, text);
      items.push({ kind: 'range', text, column, from, to });
      continue;
    }
    if (/^(\d+|[A-Za-z]{3})$/.test(text)) {
      items.push({ kind: 'value', text, column, value: readNumber(text, info, column, text) });
      continue;
    }
    fail('PE_SYNTAX', info, column, { token: text });
  }
  return items;
}

/** Rejects items a field does not take (L, W, # outside their fields; `a-L` outside monthly). */
function onlyKinds(field: RawField, items: Item[], allowed: Item['kind'][], kind: PeriodKind): void {
  for (const item of items) {
    if (!allowed.includes(item.kind)) fail('PE_NOT_ALLOWED', field.info, item.column, { token: item.text, ...typeParams(kind) });
  }
}

// ---- cron sets -----------------------------------------------------------------------

/** The standard items cron-parser expands (numbers, ranges, steps, `L`, `nL`), as text; null if none. */
function standardItems(items: Item[]): string[] | null {
  const parts: string[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'any':
        return ['*'];
      case 'value':
        parts.push(String(item.value));
        break;
      case 'range':
        parts.push(`${item.from}-${item.to}`);
        break;
      case 'step':
        parts.push(`${item.star ? '*' : item.to === null ? item.from : `${item.from}-${item.to}`}/${item.step}`);
        break;
      case 'last':
        parts.push('L');
        break;
      case 'lastOf':
        parts.push(`${item.weekday}L`);
        break;
      default:
        break;
    }
  }
  return parts.length > 0 ? parts : null;
}

function noReversedRanges(field: RawField, items: Item[]): void {
  for (const item of items) {
    if (item.kind === 'range' && item.to < item.from) fail('PE_REVERSED_RANGE', field.info, item.column, { token: item.text });
  }
}

function isWildcard(items: Item[]): boolean {
  return items.length === 1 && items[0]?.kind === 'any';
}

function pointFields(f: Fields): {
  second: NumberSet;
  minute: NumberSet;
  hour: NumberSet;
  days: DayFilter;
} {
  const time = (key: 'second' | 'minute' | 'hour'): NumberSet => {
    const items = tokenize(f[key], 'point');
    onlyKinds(f[key], items, ['any', 'value', 'range', 'step'], 'point');
    noReversedRanges(f[key], items);
    return { wildcard: isWildcard(items), values: expandNumbers(key, standardItems(items) ?? ['*']) };
  };
  return { second: time('second'), minute: time('minute'), hour: time('hour'), days: dayFilter(f, 'point') };
}

function dayFilter(f: Fields, kind: PeriodKind): DayFilter {
  const dom = tokenize(f.dayOfMonth, kind);
  onlyKinds(f.dayOfMonth, dom, ['any', 'value', 'range', 'step', 'last', 'lastWeekday', 'nearestWeekday'], kind);
  noReversedRanges(f.dayOfMonth, dom);
  const dow = tokenize(f.dayOfWeek, kind);
  onlyKinds(f.dayOfWeek, dow, ['any', 'value', 'range', 'step', 'lastOf', 'nth'], kind);
  noReversedRanges(f.dayOfWeek, dow);
  const domStandard = standardItems(dom);
  const dowStandard = standardItems(dow);
  const domValues = domStandard ? expandField('dayOfMonth', domStandard) : [];
  const dowValues = dowStandard ? expandField('dayOfWeek', dowStandard) : [];
  const dayOfMonth: DayOfMonthSet = {
    wildcard: isWildcard(dom),
    values: domValues.filter((v): v is number => typeof v === 'number'),
    last: dom.some((i) => i.kind === 'last'),
    lastWeekday: dom.some((i) => i.kind === 'lastWeekday'),
    nearestWeekdays: sortedUnique(dom.flatMap((i) => (i.kind === 'nearestWeekday' ? [i.day] : []))),
  };
  const dayOfWeek: DayOfWeekSet = {
    wildcard: isWildcard(dow),
    values: dowValues.filter((v): v is number => typeof v === 'number'),
    nth: dedupeSpans(
      dow.flatMap((i) => (i.kind === 'nth' ? [{ weekday: i.weekday, nth: i.nth }] : [])),
      (n) => `${n.weekday}#${n.nth}`,
    ),
    lastOf: sortedUnique(dow.flatMap((i) => (i.kind === 'lastOf' ? [i.weekday] : []))),
  };
  const month = cronMonth(f.month, kind);
  checkDayOfMonthOccurs(f.dayOfMonth, dayOfMonth, dayOfWeek, month);
  return { dayOfMonth, month, dayOfWeek, year: yearSet(f.year, kind) };
}

function checkDayOfMonthOccurs(field: RawField, dom: DayOfMonthSet, dow: DayOfWeekSet, month: NumberSet): void {
  if (dom.wildcard || !dow.wildcard || dom.last || dom.lastWeekday) return;
  const days = [...dom.values, ...dom.nearestWeekdays];
  const longest = Math.max(...month.values.map(maxDaysInMonth));
  if (days.length > 0 && days.every((d) => d > longest)) {
    fail('PE_IMPOSSIBLE_DATE', field.info, field.column, { day: Math.min(...days), month: month.values.join(',') });
  }
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function cronMonth(field: RawField, kind: PeriodKind): NumberSet {
  const items = tokenize(field, kind);
  onlyKinds(field, items, ['any', 'value', 'range', 'step'], kind);
  noReversedRanges(field, items);
  return { wildcard: isWildcard(items), values: expandNumbers('month', standardItems(items) ?? ['*']) };
}

/** Years are ours: cron-parser has no year field. */
function yearSet(field: RawField, kind: PeriodKind): NumberSet {
  const items = tokenize(field, kind);
  onlyKinds(field, items, ['any', 'value', 'range', 'step'], kind);
  noReversedRanges(field, items);
  const { min, max } = field.info;
  if (isWildcard(items)) return { wildcard: true, values: [] };
  const values = new Set<number>();
  for (const item of items) {
    if (item.kind === 'value') values.add(item.value);
    else if (item.kind === 'range') for (let y = item.from; y <= item.to; y++) values.add(y);
    else if (item.kind === 'step') for (let y = item.from; y <= (item.to ?? max); y += item.step) values.add(y);
  }
  return { wildcard: false, values: [...values].filter((y) => y >= min && y <= max).sort((a, b) => a - b) };
}

// ---- window fields -------------------------------------------------------------------

/** A field read as one range `from-to` (`*` = the whole field, `n` = `n-n`). */
function singleRange(field: RawField, kind: PeriodKind, allowReversed: boolean): { from: number; to: number } {
  const items = tokenize(field, kind);
  if (items.length > 1 || items[0]?.kind === 'step') {
    const item = items.length > 1 ? items[1] : items[0];
    fail('PE_SINGLE_RANGE_ONLY', field.info, item?.column ?? field.column, { token: field.text, ...typeParams(kind) });
  }
  const item = items[0];
  if (!item) fail('PE_SYNTAX', field.info, field.column, { token: field.text });
  switch (item.kind) {
    case 'any':
      return { from: field.info.min, to: field.info.max };
    case 'value':
      return { from: item.value, to: item.value };
    case 'range':
      if (!allowReversed && item.to < item.from) fail('PE_REVERSED_RANGE', field.info, item.column, { token: item.text });
      return { from: item.from, to: item.to };
    default:
      return fail('PE_NOT_ALLOWED', field.info, item.column, { token: item.text, ...typeParams(kind) });
  }
}

function timeWindow(f: Fields, kind: PeriodKind, allowReversed: boolean): { from: TimeOfDay; to: TimeOfDay } {
  const second = singleRange(f.second, kind, allowReversed);
  const minute = singleRange(f.minute, kind, allowReversed);
  const hour = singleRange(f.hour, kind, allowReversed);
  return {
    from: { hour: hour.from, minute: minute.from, second: second.from },
    to: { hour: hour.to, minute: minute.to, second: second.to },
  };
}

function isAnyText(field: RawField): boolean {
  return field.text === '*' || field.text === '?';
}

function unused(field: RawField, kind: PeriodKind): void {
  if (field.text !== '*' && field.text !== '?') fail('PE_FIELD_UNUSED', field.info, field.column, { token: field.text, ...typeParams(kind) });
}

function weekdaySpans(field: RawField): { from: number; to: number }[] {
  const items = tokenize(field, 'weekly');
  onlyKinds(field, items, ['any', 'value', 'range', 'step'], 'weekly');
  const spans: { from: number; to: number }[] = [];
  for (const item of items) {
    if (item.kind === 'any') for (let d = 0; d < 7; d++) spans.push({ from: d, to: d });
    else if (item.kind === 'value') spans.push({ from: item.value % 7, to: item.value % 7 });
    else if (item.kind === 'range') spans.push({ from: item.from % 7, to: item.to % 7 });
    else if (item.kind === 'step') {
      // A stepped list is a list of single days.
      for (let d = item.from; d <= (item.to ?? 6); d += item.step) spans.push({ from: d % 7, to: d % 7 });
    }
  }
  return dedupeSpans(spans, (s) => `${s.from}-${s.to}`);
}

function monthDaySpans(field: RawField): { from: MonthDay; to: MonthDay }[] {
  const items = tokenize(field, 'monthly');
  onlyKinds(field, items, ['any', 'value', 'range', 'step', 'last', 'lastWeekday', 'nearestWeekday', 'rangeToLast'], 'monthly');
  const spans: { from: MonthDay; to: MonthDay }[] = [];
  const day = (d: number): MonthDay => ({ kind: 'day', day: d });
  for (const item of items) {
    switch (item.kind) {
      case 'any':
        for (let d = 1; d <= 31; d++) spans.push({ from: day(d), to: day(d) });
        break;
      case 'value':
        spans.push({ from: day(item.value), to: day(item.value) });
        break;
      case 'range':
        spans.push({ from: day(item.from), to: day(item.to) });
        break;
      case 'rangeToLast':
        spans.push({ from: day(item.from), to: { kind: 'last' } });
        break;
      case 'step':
        for (let d = item.from; d <= (item.to ?? 31); d += item.step) spans.push({ from: day(d), to: day(d) });
        break;
      case 'last':
        spans.push({ from: { kind: 'last' }, to: { kind: 'last' } });
        break;
      case 'lastWeekday':
        spans.push({ from: { kind: 'lastWeekday' }, to: { kind: 'lastWeekday' } });
        break;
      case 'nearestWeekday':
        spans.push({ from: { kind: 'nearestWeekday', day: item.day }, to: { kind: 'nearestWeekday', day: item.day } });
        break;
      default:
        break;
    }
  }
  return dedupeSpans(spans, (s) => JSON.stringify(s));
}

function checkMonthDaysOccur(field: RawField, spans: { from: MonthDay }[], month: NumberSet): void {
  const longest = Math.max(...month.values.map(maxDaysInMonth));
  const possible = spans.some((s) => (s.from.kind === 'day' || s.from.kind === 'nearestWeekday' ? s.from.day <= longest : true));
  if (!possible) {
    const first = spans[0]?.from;
    const day = first && (first.kind === 'day' || first.kind === 'nearestWeekday') ? first.day : 31;
    fail('PE_IMPOSSIBLE_DATE', field.info, field.column, { day, month: month.values.join(',') });
  }
}

function dedupeSpans<T>(spans: T[], key: (s: T) => string): T[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const k = key(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---- fixed period --------------------------------------------------------------------

function parseFixed(source: string, f: Fields): PeriodExpression {
  const kind: PeriodKind = 'fixed';
  unused(f.dayOfWeek, kind);
  if (f.year.text === '*' || f.year.text === '?') fail('PE_YEAR_REQUIRED', f.year.info, f.year.column);
  const year = singleRange(f.year, kind, false);
  const month = singleRange(f.month, kind, true);
  const day = singleRange(f.dayOfMonth, kind, true);
  // `*` days run to the end of the end month.
  if (isAnyText(f.dayOfMonth)) day.to = daysInMonth(year.to, month.to);
  const { from, to } = timeWindow(f, kind, true);
  const start: DateTimeParts = { year: year.from, month: month.from, day: day.from, ...from };
  const end: DateTimeParts = { year: year.to, month: month.to, day: day.to, ...to };
  for (const [parts, which] of [
    [start, 'from'],
    [end, 'to'],
  ] as const) {
    if (parts.day > daysInMonth(parts.year, parts.month)) {
      const dayItem = tokenize(f.dayOfMonth, kind)[0];
      const column = dayItem?.kind === 'range' && which === 'to' ? dayItem.column + String(dayItem.from).length + 1 : f.dayOfMonth.column;
      fail('PE_IMPOSSIBLE_DATE', f.dayOfMonth.info, column, { day: parts.day, month: parts.month });
    }
  }
  if (fixedEndKey(end) <= fixedKey(start)) {
    throw new CampaignError('PE_EMPTY_PERIOD', { start: formatParts(start), end: formatParts(end) });
  }
  return { kind, code: PERIOD_TYPE_CODES.fixed, source, start, end };
}

function fixedKey(p: DateTimeParts): number {
  return ((((p.year * 13 + p.month) * 32 + p.day) * 24 + p.hour) * 60 + p.minute) * 60 + p.second;
}

/** The exclusive end as a comparable key: the next second, or the next day for 00:00:00. */
function fixedEndKey(p: DateTimeParts): number {
  if (p.hour === 0 && p.minute === 0 && p.second === 0) return fixedKey({ ...p, hour: 23, minute: 59, second: 59 }) + 1;
  return fixedKey(p) + 1;
}

export function formatParts(p: DateTimeParts): string {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)} ${formatTimeOfDay(((p.hour * 60 + p.minute) * 60 + p.second) * 1000, true)}`;
}

/** All the fields' metadata, for UIs that label an expression's fields. */
export const PERIOD_FIELDS = FIELDS;

