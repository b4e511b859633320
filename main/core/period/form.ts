import { CampaignError } from '../errors/campaign-error.ts';
import { pad2, pad4 } from './calendar.ts';
import { formatExpression } from './format-expression.ts';
import { parse } from './parse.ts';
import type { DayFilter, MonthDay, PeriodExpression, TimeOfDay } from './types.ts';

/**
 * The structured form behind the UI's timing editor: plain JSON, one shape per mode.
 *
 * Times are 'HH:MM' or 'HH:MM:SS'. A `from` time is the first second of a window; a `to` time
 * is the last minute included ('20:30' = until 20:30:59, as the seed's `20-30` minutes read),
 * or an exact last second when written with seconds; '24:00' is the end of the day.
 * Lists of days keep the order they are given in.
 */
export type PeriodForm =
  /** A fixed period: dates ('YYYY-MM-DD', whole days) or date-times ('YYYY-MM-DDTHH:MM[:SS]'); `end` is included. */
  | { mode: 'fixed'; start: string; end: string }
  /** Every qualifying day from `from` to `to` (past midnight when `to` is earlier). */
  | { mode: 'daily'; from: string; to: string; days?: DaySelection }
  /**
   * Each entry is one window: a weekday (0 = Sunday) all by itself, or a [first, last] span
   * that runs from `from` on its first day to `to` on its last ([5, 0] = Friday to Sunday).
   */
  | { mode: 'weekly'; days: (number | [number, number])[]; from: string; to: string; months?: number[] }
  /** Like weekly, with days of the month: 1-31, 'L' (last), 'LW' (last weekday), '15W' (weekday nearest the 15th). */
  | { mode: 'monthly'; days: (MonthDayValue | [MonthDayValue, MonthDayValue])[]; from: string; to: string; months?: number[] }
  /** Every year from `start` to `end` ('MM-DD'). */
  | { mode: 'yearly'; start: string; end: string; from: string; to: string }
  /** An execution time: at `time` on every qualifying day. */
  | { mode: 'point'; time: string; days?: DaySelection }
  /** Anything the structured modes cannot say, as an expression. */
  | { mode: 'expression'; expression: string };

export type PeriodFormMode = PeriodForm['mode'];

/** A day of the month in a monthly form. */
export type MonthDayValue = number | 'L' | 'LW' | `${number}W`;

/**
 * Which days qualify. Leaving out a list means "any"; when both weekdays and monthDays are
 * given, a day matching either qualifies (cron's rule).
 */
export interface DaySelection {
  /** 0 = Sunday ... 6 = Saturday. */
  weekdays?: number[];
  /** 1-31 and 'L' for the last day of the month. */
  monthDays?: (number | 'L')[];
  /** 1-12. */
  months?: number[];
}

function invalid(path: string, value: unknown): never {
  throw new CampaignError('PE_FORM_INVALID', { path, value: JSON.stringify(value) ?? String(value) });
}

// ---- times ---------------------------------------------------------------------------

const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

function readFrom(text: unknown, path: string): TimeOfDay {
  const m = typeof text === 'string' ? TIME_RE.exec(text) : null;
  if (!m) return invalid(path, text);
  const t = { hour: Number(m[1]), minute: Number(m[2]), second: m[3] === undefined ? 0 : Number(m[3]) };
  if (t.hour > 23 || t.minute > 59 || t.second > 59) invalid(path, text);
  return t;
}

function readTo(text: unknown, path: string): TimeOfDay {
  if (text === '24:00') return { hour: 0, minute: 0, second: 0 };
  const m = typeof text === 'string' ? TIME_RE.exec(text) : null;
  if (!m) return invalid(path, text);
  const t = { hour: Number(m[1]), minute: Number(m[2]), second: m[3] === undefined ? 59 : Number(m[3]) };
  if (t.hour > 23 || t.minute > 59 || t.second > 59) invalid(path, text);
  return t;
}

function writeFrom(t: TimeOfDay): string {
  return t.second === 0 ? `${pad2(t.hour)}:${pad2(t.minute)}` : `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

function writeTo(t: TimeOfDay): string {
  if (t.hour === 0 && t.minute === 0 && t.second === 0) return '24:00';
  return t.second === 59 ? `${pad2(t.hour)}:${pad2(t.minute)}` : `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

function timeFields(from: TimeOfDay, to: TimeOfDay): string {
  const field = (a: number, b: number, max: number) => (a === 0 && b === max ? '*' : `${a}-${b}`);
  return `${field(from.second, to.second, 59)} ${field(from.minute, to.minute, 59)} ${field(from.hour, to.hour, 23)}`;
}

// ---- lists ---------------------------------------------------------------------------

function intList(value: unknown, path: string, min: number, max: number): number[] {
  if (!Array.isArray(value) || value.length === 0) return invalid(path, value);
  value.forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) invalid(`${path}[${i}]`, v);
  });
  return value as number[];
}

function isInt(v: unknown, min: number, max: number): v is number {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

function monthDayValue(v: unknown, path: string): string {
  if (isInt(v, 1, 31)) return String(v);
  if (v === 'L' || v === 'LW') return v;
  if (typeof v === 'string' && /^\d{1,2}W$/.test(v) && isInt(Number(v.slice(0, -1)), 1, 31)) return String(Number(v.slice(0, -1))) + 'W';
  return invalid(path, v);
}

function daySelectionFields(days: DaySelection | undefined, path: string): string {
  if (days === undefined) return '* * ?';
  if (typeof days !== 'object' || days === null) return invalid(path, days);
  const dom =
    days.monthDays === undefined
      ? '*'
      : (() => {
          if (!Array.isArray(days.monthDays) || days.monthDays.length === 0) invalid(`${path}.monthDays`, days.monthDays);
          return days.monthDays
            .map((d, i) => (d === 'L' ? 'L' : isInt(d, 1, 31) ? String(d) : invalid(`${path}.monthDays[${i}]`, d)))
            .join(',');
        })();
  const months = days.months === undefined ? '*' : intList(days.months, `${path}.months`, 1, 12).join(',');
  const dow = days.weekdays === undefined ? '?' : intList(days.weekdays, `${path}.weekdays`, 0, 6).join(',');
  return `${dom} ${months} ${dow}`;
}

// ---- form -> expression --------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?))?$/;

function readDateTime(text: unknown, path: string, end: boolean): { y: number; mo: number; d: number; time: TimeOfDay } {
  const m = typeof text === 'string' ? DATE_RE.exec(text) : null;
  if (!m) return invalid(path, text);
  const time = m[4] === undefined ? { hour: 0, minute: 0, second: 0 } : end ? readTo(m[4], path) : readFrom(m[4], path);
  if (m[4] === '24:00' && !end) invalid(path, text);
  return { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), time };
}

/**
 * The expression for a form, in canonical text. Throws PE_FORM_INVALID naming the bad path,
 * or a PE_* parse error when the values make an invalid period (e.g. February 30).
 */
export function formToExpression(form: PeriodForm): string {
  // Parsing checks what the form cannot (dates that do not exist, empty periods).
  return formatExpression(parse(formText(form)));
}

function formText(form: PeriodForm): string {
  if (typeof form !== 'object' || form === null) return invalid('', form);
  switch (form.mode) {
    case 'fixed': {
      const s = readDateTime(form.start, 'start', false);
      const e = readDateTime(form.end, 'end', true);
      const timeText = `${s.time.second}-${e.time.second} ${s.time.minute}-${e.time.minute} ${s.time.hour}-${e.time.hour}`;
      return `${timeText} ${s.d}-${e.d} ${s.mo}-${e.mo} * ${s.y}-${e.y} 2`;
    }
    case 'daily':
      return `${timeFields(readFrom(form.from, 'from'), readTo(form.to, 'to'))} ${daySelectionFields(form.days, 'days')} * 31`;
    case 'weekly': {
      if (!Array.isArray(form.days) || form.days.length === 0) return invalid('days', form.days);
      const days = form.days
        .map((d, i) => {
          if (isInt(d, 0, 6)) return String(d);
          if (Array.isArray(d) && d.length === 2 && isInt(d[0], 0, 6) && isInt(d[1], 0, 6)) return `${d[0]}-${d[1]}`;
          return invalid(`days[${i}]`, d);
        })
        .join(',');
      const months = form.months === undefined ? '*' : intList(form.months, 'months', 1, 12).join(',');
      return `${timeFields(readFrom(form.from, 'from'), readTo(form.to, 'to'))} * ${months} ${days} * 32`;
    }
    case 'monthly': {
      if (!Array.isArray(form.days) || form.days.length === 0) return invalid('days', form.days);
      const days = form.days
        .map((d, i) => {
          if (Array.isArray(d)) {
            if (d.length !== 2) return invalid(`days[${i}]`, d);
            const from = monthDayValue(d[0], `days[${i}][0]`);
            const to = monthDayValue(d[1], `days[${i}][1]`);
            if (!/^\d+$/.test(from) || !(/^\d+$/.test(to) || to === 'L')) return invalid(`days[${i}]`, d);
            return `${from}-${to}`;
          }
          return monthDayValue(d, `days[${i}]`);
        })
        .join(',');
      const months = form.months === undefined ? '*' : intList(form.months, 'months', 1, 12).join(',');
      return `${timeFields(readFrom(form.from, 'from'), readTo(form.to, 'to'))} ${days} ${months} * * 33`;
    }
    case 'yearly': {
      const md = (text: unknown, path: string) => {
        const m = typeof text === 'string' ? /^(\d{2})-(\d{2})$/.exec(text) : null;
        if (!m || !isInt(Number(m[1]), 1, 12) || !isInt(Number(m[2]), 1, 31)) return invalid(path, text);
        return { month: Number(m[1]), day: Number(m[2]) };
      };
      const s = md(form.start, 'start');
      const e = md(form.end, 'end');
      return `${timeFields(readFrom(form.from, 'from'), readTo(form.to, 'to'))} ${s.day}-${e.day} ${s.month}-${e.month} * * 34`;
    }
    case 'point': {
      const t = readFrom(form.time, 'time');
      return `${t.second} ${t.minute} ${t.hour} ${daySelectionFields(form.days, 'days')} * 1`;
    }
    case 'expression':
      if (typeof form.expression !== 'string') return invalid('expression', form.expression);
      return form.expression;
    default:
      return invalid('mode', (form as { mode?: unknown }).mode);
  }
}

// ---- expression -> form --------------------------------------------------------------

function daySelection(days: DayFilter): DaySelection | null {
  const { dayOfMonth: dom, dayOfWeek: dow, month, year } = days;
  if (!year.wildcard || dom.lastWeekday || dom.nearestWeekdays.length > 0 || dow.nth.length > 0 || dow.lastOf.length > 0) return null;
  const out: DaySelection = {};
  if (!dom.wildcard) out.monthDays = [...dom.values, ...(dom.last ? (['L'] as const) : [])];
  if (!month.wildcard) out.months = [...month.values];
  if (!dow.wildcard) out.weekdays = [...dow.values];
  return out;
}

function withDays<T extends object>(form: T, days: DaySelection): T & { days?: DaySelection } {
  return Object.keys(days).length > 0 ? { ...form, days } : form;
}

function monthDayForm(md: MonthDay): MonthDayValue {
  switch (md.kind) {
    case 'day':
      return md.day;
    case 'last':
      return 'L';
    case 'lastWeekday':
      return 'LW';
    case 'nearestWeekday':
      return `${md.day}W`;
  }
}

function dateText(y: number, m: number, d: number): string {
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

/**
 * The form for an expression: the structured mode when one can say it exactly, else
 * `{ mode: 'expression' }`. For every form `f` this returns, `expressionToForm(formToExpression(f))`
 * equals `f`.
 */
export function expressionToForm(period: string | PeriodExpression): PeriodForm {
  const p = typeof period === 'string' ? parse(period) : period;
  const fallback: PeriodForm = { mode: 'expression', expression: formatExpression(p) };
  switch (p.kind) {
    case 'fixed': {
      const { start: s, end: e } = p;
      const startMidnight = s.hour === 0 && s.minute === 0 && s.second === 0;
      const endWhole = (e.hour === 0 && e.minute === 0 && e.second === 0) || (e.hour === 23 && e.minute === 59 && e.second === 59);
      if (startMidnight && endWhole) return { mode: 'fixed', start: dateText(s.year, s.month, s.day), end: dateText(e.year, e.month, e.day) };
      return {
        mode: 'fixed',
        start: `${dateText(s.year, s.month, s.day)}T${writeFrom(s)}`,
        end: `${dateText(e.year, e.month, e.day)}T${writeTo(e)}`,
      };
    }
    case 'daily': {
      const days = daySelection(p.days);
      if (!days) return fallback;
      return withDays({ mode: 'daily' as const, from: writeFrom(p.from), to: writeTo(p.to) }, days);
    }
    case 'weekly': {
      if (!p.year.wildcard) return fallback;
      const form: PeriodForm = {
        mode: 'weekly',
        days: p.spans.map((s) => (s.from === s.to ? s.from : ([s.from, s.to] as [number, number]))),
        from: writeFrom(p.from),
        to: writeTo(p.to),
      };
      return p.month.wildcard ? form : { ...form, months: [...p.month.values] };
    }
    case 'monthly': {
      if (!p.year.wildcard) return fallback;
      const form: PeriodForm = {
        mode: 'monthly',
        days: p.spans.map((s) =>
          JSON.stringify(s.from) === JSON.stringify(s.to)
            ? monthDayForm(s.from)
            : ([monthDayForm(s.from), monthDayForm(s.to)] as [MonthDayValue, MonthDayValue]),
        ),
        from: writeFrom(p.from),
        to: writeTo(p.to),
      };
      return p.month.wildcard ? form : { ...form, months: [...p.month.values] };
    }
    case 'yearly':
      if (!p.year.wildcard) return fallback;
      return {
        mode: 'yearly',
        start: `${pad2(p.start.month)}-${pad2(p.start.day)}`,
        end: `${pad2(p.end.month)}-${pad2(p.end.day)}`,
        from: writeFrom(p.from),
        to: writeTo(p.to),
      };
    case 'point': {
      const days = daySelection(p.days);
      const single = p.second.values.length === 1 && p.minute.values.length === 1 && p.hour.values.length === 1;
      if (!days || !single) return fallback;
      const time = writeFrom({ hour: p.hour.values[0] ?? 0, minute: p.minute.values[0] ?? 0, second: p.second.values[0] ?? 0 });
      return withDays({ mode: 'point' as const, time }, days);
    }
  }
}

/** The canonical form of a form (what the editor shows after a round trip). */
export function normalizeForm(form: PeriodForm): PeriodForm {
  return expressionToForm(formToExpression(form));
}
