import { formatMessage, type Locale } from '../i18n/format.ts';
import { pad2, pad4 } from './calendar.ts';
import { compactList } from './format-expression.ts';
import { endMs, timeMs } from './occurrence-source.ts';
import { parse } from './parse.ts';
import type { DateTimeParts, DayFilter, MonthDay, NumberSet, PeriodExpression, TimeOfDay } from './types.ts';

type Params = Record<string, string | number>;

function t(locale: Locale, key: string, params: Params = {}): string {
  return formatMessage(locale, `period.${key}`, params);
}

/** "a, b and c" / "a、b、c". */
function list(locale: Locale, items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  const head = items.slice(0, -1).join(t(locale, 'list.separator'));
  return `${head}${t(locale, 'list.lastSeparator')}${items[items.length - 1]}`;
}

/** Splits sorted numbers into runs; runs of three or more become ranges. */
function runs(values: number[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && (values[j + 1] as number) === (values[j] as number) + 1) j++;
    if (j - i >= 2) out.push({ from: values[i] as number, to: values[j] as number });
    else for (let k = i; k <= j; k++) out.push({ from: values[k] as number, to: values[k] as number });
    i = j + 1;
  }
  return out;
}

function named(locale: Locale, values: number[], name: (v: number) => string): string[] {
  return runs(values).map((r) => (r.from === r.to ? name(r.from) : t(locale, 'day.range', { from: name(r.from), to: name(r.to) })));
}

const weekday = (locale: Locale) => (d: number) => t(locale, `weekdays.${d}`);
const monthName = (locale: Locale) => (m: number) => t(locale, `months.${m}`);
const monthDay = (locale: Locale) => (d: number) => t(locale, 'day.monthDay', { day: d });

function clock(h: number, m: number, s: number, withSeconds: boolean): string {
  return withSeconds ? `${pad2(h)}:${pad2(m)}:${pad2(s)}` : `${pad2(h)}:${pad2(m)}`;
}

/** A window's opening time: HH:MM, with seconds only when they are not :00. */
function fromText(from: TimeOfDay): string {
  return clock(from.hour, from.minute, from.second, from.second !== 0);
}

/** A window's last included moment: HH:MM when the whole minute is in, 24:00 for the end of the day. */
function toText(to: TimeOfDay): string {
  if (to.hour === 0 && to.minute === 0 && to.second === 0) return '24:00';
  return clock(to.hour, to.minute, to.second, to.second !== 59);
}

function isWholeDay(from: TimeOfDay, to: TimeOfDay): boolean {
  return timeMs(from) === 0 && endMs(to) === 86_400_000;
}

/** "08:20–20:30", "22:00–06:00 the next day", or null for all day. */
function windowTime(locale: Locale, from: TimeOfDay, to: TimeOfDay): string | null {
  if (isWholeDay(from, to)) return null;
  const key = endMs(to) <= timeMs(from) ? 'time.overnight' : 'time.range';
  return t(locale, key, { from: fromText(from), to: toText(to) });
}

function withTime(locale: Locale, days: string, time: string | null): string {
  return time === null ? days : t(locale, 'describe.dayAndTime', { days, time });
}

function withMonthsAndYears(locale: Locale, what: string, month: NumberSet, year: NumberSet): string {
  let text = what;
  if (!month.wildcard && month.values.length < 12) {
    text = t(locale, 'describe.inMonths', { what: text, months: list(locale, named(locale, month.values, monthName(locale))) });
  }
  if (!year.wildcard) text = t(locale, 'describe.inYears', { what: text, years: list(locale, named(locale, year.values, String)) });
  return text;
}

/** Which days a cron day filter admits, in words. */
function describeDays(locale: Locale, days: DayFilter): string {
  const { dayOfMonth: dom, dayOfWeek: dow } = days;
  let domText: string | null = null;
  if (!dom.wildcard) {
    const items = named(locale, dom.values, monthDay(locale));
    for (const n of dom.nearestWeekdays) items.push(t(locale, 'day.nearestWeekday', { day: n }));
    if (dom.last) items.push(t(locale, 'day.last'));
    if (dom.lastWeekday) items.push(t(locale, 'day.lastWeekday'));
    domText = t(locale, 'describe.monthDays', { days: list(locale, items) });
  }
  let dowText: string | null = null;
  if (!dow.wildcard) {
    const plain = named(locale, dow.values, weekday(locale));
    const special = [
      ...dow.nth.map(({ weekday: w, nth }) =>
        t(locale, 'day.nthWeekday', { ordinal: t(locale, `ordinals.${nth}`), weekday: weekday(locale)(w) }),
      ),
      ...dow.lastOf.map((w) => t(locale, 'day.lastOfWeekday', { weekday: weekday(locale)(w) })),
    ];
    const all = list(locale, [...plain, ...special]);
    dowText = plain.length > 0 ? t(locale, 'describe.everyWeekdays', { days: all }) : all;
  }
  const what =
    domText !== null && dowText !== null
      ? t(locale, 'describe.daysOr', { a: domText, b: dowText })
      : (domText ?? dowText ?? t(locale, 'describe.everyDay'));
  return withMonthsAndYears(locale, what, days.month, days.year);
}

function describePointTimes(locale: Locale, p: PeriodExpression & { kind: 'point' }): { text: string; list: boolean } {
  const s = p.second.values;
  const m = p.minute.values;
  const h = p.hour.values;
  if (s.length * m.length * h.length <= 6) {
    const withSeconds = s.some((x) => x !== 0);
    const times: string[] = [];
    for (const hh of h) for (const mm of m) for (const ss of s) times.push(clock(hh, mm, ss, withSeconds));
    return { text: list(locale, times), list: true };
  }
  const all = (values: number[], n: number) => values.length === n;
  if (all(s, 60) && all(m, 60) && all(h, 24)) return { text: t(locale, 'describe.everySecond'), list: false };
  if (s.length === 1 && s[0] === 0 && all(m, 60) && all(h, 24)) return { text: t(locale, 'describe.everyMinute'), list: false };
  if (s.length === 1 && s[0] === 0 && m.length === 1 && m[0] === 0 && all(h, 24)) {
    return { text: t(locale, 'describe.everyHour'), list: false };
  }
  const field = (values: number[], n: number) => (all(values, n) ? '*' : compactList(values));
  return {
    text: t(locale, 'describe.timeFields', { seconds: field(s, 60), minutes: field(m, 60), hours: field(h, 24) }),
    list: false,
  };
}

function monthDayText(locale: Locale, md: MonthDay): string {
  switch (md.kind) {
    case 'day':
      return monthDay(locale)(md.day);
    case 'last':
      return t(locale, 'day.last');
    case 'lastWeekday':
      return t(locale, 'day.lastWeekday');
    case 'nearestWeekday':
      return t(locale, 'day.nearestWeekday', { day: md.day });
  }
}

/** The end day of a month-day span; an end before the start is in the next month. */
function spanEndText(locale: Locale, from: MonthDay, to: MonthDay): string {
  if (from.kind === 'day' && to.kind === 'day' && to.day < from.day) return t(locale, 'day.nextMonthDay', { day: to.day });
  return monthDayText(locale, to);
}

function dateText(p: DateTimeParts): string {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

/**
 * A human description of a period in zh-CN or en, e.g. "每周一、周三" / "every Monday and
 * Wednesday", "每天 08:20–20:30" / "every day, 08:20–20:30". Window ends name the last
 * minute included, as the expressions do (`20-30` minutes end with 20:30).
 */
export function describe(period: string | PeriodExpression, locale: Locale): string {
  const p = typeof period === 'string' ? parse(period) : period;
  switch (p.kind) {
    case 'point': {
      const times = describePointTimes(locale, p);
      const days = describeDays(locale, p.days);
      return times.list ? t(locale, 'describe.point', { days, times: times.text }) : withTime(locale, days, times.text);
    }
    case 'daily':
      return withTime(locale, describeDays(locale, p.days), windowTime(locale, p.from, p.to));
    case 'weekly': {
      const single = p.spans.every((s) => s.from === s.to);
      let text: string;
      if (single || isWholeDay(p.from, p.to)) {
        const items = p.spans.map((s) =>
          s.from === s.to ? weekday(locale)(s.from) : t(locale, 'day.range', { from: weekday(locale)(s.from), to: weekday(locale)(s.to) }),
        );
        text = withTime(locale, t(locale, 'describe.weekly', { spans: list(locale, items) }), single ? windowTime(locale, p.from, p.to) : null);
      } else {
        const items = p.spans.map((s) =>
          t(locale, 'describe.weeklySpan', {
            fromDay: weekday(locale)(s.from),
            fromTime: fromText(p.from),
            toDay: weekday(locale)(s.to),
            toTime: toText(p.to),
          }),
        );
        text = t(locale, 'describe.weekly', { spans: list(locale, items) });
      }
      return withMonthsAndYears(locale, text, p.month, p.year);
    }
    case 'monthly': {
      const single = p.spans.every((s) => JSON.stringify(s.from) === JSON.stringify(s.to));
      let text: string;
      if (single || isWholeDay(p.from, p.to)) {
        const items = p.spans.map((s) =>
          single || JSON.stringify(s.from) === JSON.stringify(s.to)
            ? monthDayText(locale, s.from)
            : t(locale, 'day.range', { from: monthDayText(locale, s.from), to: spanEndText(locale, s.from, s.to) }),
        );
        text = withTime(locale, t(locale, 'describe.monthDays', { days: list(locale, items) }), single ? windowTime(locale, p.from, p.to) : null);
      } else {
        const items = p.spans.map((s) =>
          t(locale, 'describe.monthlySpan', {
            fromDay: monthDayText(locale, s.from),
            fromTime: fromText(p.from),
            toDay: spanEndText(locale, s.from, s.to),
            toTime: toText(p.to),
          }),
        );
        text = t(locale, 'describe.monthly', { spans: list(locale, items) });
      }
      return withMonthsAndYears(locale, text, p.month, p.year);
    }
    case 'yearly': {
      const date = (md: { month: number; day: number }) =>
        t(locale, 'describe.yearlyDate', { month: monthName(locale)(md.month), day: md.day });
      const sameDay = p.start.month === p.end.month && p.start.day === p.end.day;
      const whole = isWholeDay(p.from, p.to);
      let text: string;
      if (sameDay) text = withTime(locale, t(locale, 'describe.yearlyDay', { date: date(p.start) }), windowTime(locale, p.from, p.to));
      else if (whole) text = t(locale, 'describe.yearlyRange', { from: date(p.start), to: date(p.end) });
      else {
        text = t(locale, 'describe.yearlyRange', {
          from: `${date(p.start)} ${fromText(p.from)}`,
          to: `${date(p.end)} ${toText(p.to)}`,
        });
      }
      return withMonthsAndYears(locale, text, { wildcard: true, values: [] }, p.year);
    }
    case 'fixed': {
      const { start, end } = p;
      const whole = timeMs(start) === 0 && endMs(end) === 86_400_000;
      if (whole) {
        return dateText(start) === dateText(end)
          ? t(locale, 'describe.fixedDay', { date: dateText(start) })
          : t(locale, 'describe.fixedRange', { from: dateText(start), to: dateText(end) });
      }
      return t(locale, 'describe.fixedRange', {
        from: `${dateText(start)} ${fromText(start)}`,
        to: `${dateText(end)} ${toText(end)}`,
      });
    }
  }
}
