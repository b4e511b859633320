import type { DaySelection, MonthDayValue, PeriodForm, PeriodFormMode } from '../../../main/api/service-api.ts';

/**
 * What the timing editor's controls edit, one part per structured mode, kept while the user
 * switches modes. Times are 'HH:MM'; empty filter lists mean "any".
 * Month days are text items: '1', 'L', 'LW', '15W', and in monthly mode spans '1-3', '25-5', '20-L'.
 */
export interface TimingState {
  fixed: { startDate: string; startTime: string; endDate: string; endTime: string };
  daily: { from: string; to: string; weekdays: number[]; monthDays: string[]; months: number[] };
  weekly: { days: number[]; from: string; to: string; months: number[] };
  monthly: { days: string[]; from: string; to: string; months: number[] };
  yearly: { startMonth: number; startDay: number; endMonth: number; endDay: number; from: string; to: string };
  point: { time: string; weekdays: number[]; monthDays: string[]; months: number[] };
}

export type StructuredMode = Exclude<PeriodFormMode, 'expression'>;
export const MODES: PeriodFormMode[] = ['fixed', 'daily', 'weekly', 'monthly', 'yearly', 'point', 'expression'];
/** Monday first, as calendars here are read; 0 is Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];

function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function defaultState(today = new Date()): TimingState {
  const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  return {
    fixed: { startDate: isoDay(today), startTime: '', endDate: isoDay(tomorrow), endTime: '' },
    daily: { from: '09:00', to: '17:59', weekdays: [], monthDays: [], months: [] },
    weekly: { days: [], from: '00:00', to: '23:59', months: [] },
    monthly: { days: ['1'], from: '00:00', to: '23:59', months: [] },
    yearly: { startMonth: 10, startDay: 1, endMonth: 10, endDay: 7, from: '00:00', to: '23:59' },
    point: { time: '09:00', weekdays: [], monthDays: [], months: [] },
  };
}

// ---- state -> form -------------------------------------------------------------------

function daySelection(weekdays: number[], monthDays: string[], months: number[]): DaySelection | undefined {
  const days: DaySelection = {};
  if (weekdays.length > 0) days.weekdays = [...weekdays];
  if (monthDays.length > 0) days.monthDays = monthDays.map((d) => (d === 'L' ? 'L' : Number(d)));
  if (months.length > 0) days.months = [...months];
  return Object.keys(days).length > 0 ? days : undefined;
}

function withDays<T extends object>(form: T, days: DaySelection | undefined): T & { days?: DaySelection } {
  return days ? { ...form, days } : form;
}

/** A month-day item as the form wants it; the service names any item it refuses. */
function monthDayValue(text: string): MonthDayValue {
  const t = text.trim().toUpperCase();
  return (/^\d+$/.test(t) ? Number(t) : t) as MonthDayValue;
}

function monthDayItem(text: string): MonthDayValue | [MonthDayValue, MonthDayValue] {
  const span = /^\s*(\d+)\s*-\s*(\d+|L)\s*$/i.exec(text);
  return span ? [monthDayValue(span[1] ?? ''), monthDayValue(span[2] ?? '')] : monthDayValue(text);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The form for the editor's current mode. */
export function stateToForm(mode: StructuredMode, s: TimingState): PeriodForm {
  switch (mode) {
    case 'fixed': {
      const f = s.fixed;
      const at = (date: string, time: string) => (time ? `${date}T${time}` : date);
      return { mode, start: at(f.startDate, f.startTime), end: at(f.endDate, f.endTime) };
    }
    case 'daily':
      return withDays({ mode, from: s.daily.from, to: s.daily.to }, daySelection(s.daily.weekdays, s.daily.monthDays, s.daily.months));
    case 'weekly': {
      const form: PeriodForm = { mode, days: [...s.weekly.days], from: s.weekly.from, to: s.weekly.to };
      return s.weekly.months.length > 0 ? { ...form, months: [...s.weekly.months] } : form;
    }
    case 'monthly': {
      const form: PeriodForm = { mode, days: s.monthly.days.map(monthDayItem), from: s.monthly.from, to: s.monthly.to };
      return s.monthly.months.length > 0 ? { ...form, months: [...s.monthly.months] } : form;
    }
    case 'yearly': {
      const y = s.yearly;
      return { mode, start: `${pad2(y.startMonth)}-${pad2(y.startDay)}`, end: `${pad2(y.endMonth)}-${pad2(y.endDay)}`, from: y.from, to: y.to };
    }
    case 'point':
      return withDays({ mode, time: s.point.time }, daySelection(s.point.weekdays, s.point.monthDays, s.point.months));
  }
}

// ---- form -> state -------------------------------------------------------------------

const HHMM = /^\d{2}:\d{2}$/;

/**
 * Loads a form the service returned into the state. Returns false when the controls cannot
 * show it (seconds, '24:00', weekday spans): the editor then stays on the raw expression.
 */
export function loadForm(form: PeriodForm, s: TimingState): boolean {
  const times = (...ts: string[]) => ts.every((t) => HHMM.test(t) && t !== '24:00');
  const dayLists = (days: DaySelection | undefined) => ({
    weekdays: [...(days?.weekdays ?? [])],
    monthDays: (days?.monthDays ?? []).map(String),
    months: [...(days?.months ?? [])],
  });
  switch (form.mode) {
    case 'fixed': {
      const split = (v: string) => {
        const [date = '', time = ''] = v.split('T');
        return { date, time };
      };
      const a = split(form.start);
      const b = split(form.end);
      if ((a.time && !times(a.time)) || (b.time && !times(b.time))) return false;
      s.fixed = { startDate: a.date, startTime: a.time, endDate: b.date, endTime: b.time };
      return true;
    }
    case 'daily':
      if (!times(form.from, form.to)) return false;
      s.daily = { from: form.from, to: form.to, ...dayLists(form.days) };
      return true;
    case 'weekly':
      if (!times(form.from, form.to) || form.days.some((d) => Array.isArray(d))) return false;
      s.weekly = { days: form.days.filter((d): d is number => typeof d === 'number'), from: form.from, to: form.to, months: [...(form.months ?? [])] };
      return true;
    case 'monthly':
      if (!times(form.from, form.to)) return false;
      s.monthly = { days: form.days.map((d) => (Array.isArray(d) ? `${d[0]}-${d[1]}` : String(d))), from: form.from, to: form.to, months: [...(form.months ?? [])] };
      return true;
    case 'yearly': {
      if (!times(form.from, form.to)) return false;
      const [sm = 1, sd = 1] = form.start.split('-').map(Number);
      const [em = 1, ed = 1] = form.end.split('-').map(Number);
      s.yearly = { startMonth: sm, startDay: sd, endMonth: em, endDay: ed, from: form.from, to: form.to };
      return true;
    }
    case 'point':
      if (!times(form.time)) return false;
      s.point = { time: form.time, ...dayLists(form.days) };
      return true;
    case 'expression':
      return false;
  }
}
