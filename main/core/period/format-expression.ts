import type {
  DayFilter,
  DayOfMonthSet,
  DayOfWeekSet,
  MonthDay,
  NumberSet,
  PeriodExpression,
  TimeOfDay,
} from './types.ts';

/** Runs of consecutive numbers as `a-b` (three or more) or single values: [1,2,3,5] -> "1-3,5". */
export function compactList(values: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && (values[j + 1] as number) === (values[j] as number) + 1) j++;
    if (j - i >= 2) parts.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(',');
}

function setText(set: NumberSet, full: number): string {
  return set.wildcard || set.values.length === full ? '*' : compactList(set.values);
}

function yearText(set: NumberSet): string {
  return set.wildcard ? '*' : compactList(set.values);
}

function domText(set: DayOfMonthSet): string {
  if (set.wildcard) return '*';
  const parts = set.values.length > 0 ? [compactList(set.values)] : [];
  for (const n of set.nearestWeekdays) parts.push(`${n}W`);
  if (set.last) parts.push('L');
  if (set.lastWeekday) parts.push('LW');
  return parts.join(',');
}

function dowText(set: DayOfWeekSet): string {
  if (set.wildcard) return '?';
  const parts = set.values.length > 0 ? [compactList(set.values)] : [];
  for (const { weekday, nth } of set.nth) parts.push(`${weekday}#${nth}`);
  for (const weekday of set.lastOf) parts.push(`${weekday}L`);
  return parts.join(',');
}

/** A window's time fields: `from-to` per field, `*` for a field's full range. */
function timeFields(from: TimeOfDay, to: TimeOfDay): string {
  const field = (a: number, b: number, max: number): string => (a === 0 && b === max ? '*' : `${a}-${b}`);
  return `${field(from.second, to.second, 59)} ${field(from.minute, to.minute, 59)} ${field(from.hour, to.hour, 23)}`;
}

function dayFilterFields(days: DayFilter): string {
  return `${domText(days.dayOfMonth)} ${setText(days.month, 12)} ${dowText(days.dayOfWeek)} ${yearText(days.year)}`;
}

function monthDayText(md: MonthDay): string {
  switch (md.kind) {
    case 'day':
      return String(md.day);
    case 'last':
      return 'L';
    case 'lastWeekday':
      return 'LW';
    case 'nearestWeekday':
      return `${md.day}W`;
  }
}

function sameMonthDay(a: MonthDay, b: MonthDay): boolean {
  return monthDayText(a) === monthDayText(b);
}

/**
 * The canonical 8-field text of a parsed expression (the form the UI and `formToExpression`
 * write): ranges as `from-to` like the seed's examples, `*` for whole fields, `?` for an
 * unrestricted day of week beside a day of month.
 */
export function formatExpression(p: PeriodExpression): string {
  switch (p.kind) {
    case 'point':
      return `${setText(p.second, 60)} ${setText(p.minute, 60)} ${setText(p.hour, 24)} ${dayFilterFields(p.days)} 1`;
    case 'fixed': {
      const { start: s, end: e } = p;
      return `${s.second}-${e.second} ${s.minute}-${e.minute} ${s.hour}-${e.hour} ${s.day}-${e.day} ${s.month}-${e.month} * ${s.year}-${e.year} 2`;
    }
    case 'daily':
      return `${timeFields(p.from, p.to)} ${dayFilterFields(p.days)} 31`;
    case 'weekly': {
      const days = p.spans.map((s) => (s.from === s.to ? String(s.from) : `${s.from}-${s.to}`)).join(',');
      return `${timeFields(p.from, p.to)} * ${setText(p.month, 12)} ${days} ${yearText(p.year)} 32`;
    }
    case 'monthly': {
      const days = p.spans
        .map((s) => (sameMonthDay(s.from, s.to) ? monthDayText(s.from) : `${monthDayText(s.from)}-${monthDayText(s.to)}`))
        .join(',');
      return `${timeFields(p.from, p.to)} ${days} ${setText(p.month, 12)} * ${yearText(p.year)} 33`;
    }
    case 'yearly':
      return `${timeFields(p.from, p.to)} ${p.start.day}-${p.end.day} ${p.start.month}-${p.end.month} * ${yearText(p.year)} 34`;
  }
}
