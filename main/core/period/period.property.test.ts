/**
 * `contains` and `nextWindow` against a brute-force oracle that reads the wall clock minute by
 * minute, over random expressions of every type, random instants (many near DST transitions)
 * and several zones. The oracle shares no code with the implementation: it reads the clock
 * with its own Intl formatter, does calendar arithmetic with Date.UTC, decides cron day
 * matches with cron-parser, and interprets each generated expression from the numbers it was
 * generated from, not from our parser's output.
 */
import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contains } from './contains.ts';
import { nextWindow } from './next-window.ts';
import { tryParse } from './parse.ts';

const MIN = 60_000;
const DAY_MIN = 1440;
const HORIZON = 3 * DAY_MIN; // minutes scanned each way
const FIRST = Date.UTC(2024, 0, 1);
const LAST = Date.UTC(2028, 0, 1);
const ZONES = ['UTC', 'Asia/Shanghai', 'Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'];

// ---- the oracle's wall clock -----------------------------------------------------------

interface Wall {
  /** Minutes since 1970-01-01T00:00 of the local reading, as if it were UTC. */
  minutes: number;
  y: number;
  mo: number;
  d: number;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const blockCache = new Map<string, number>();

/** Offset in minutes, read from Intl at the start of the instant's quarter hour (zones here change offset on quarter hours). */
function offsetMinutes(zone: string, instant: number): number {
  const block = Math.floor(instant / (15 * MIN)) * 15 * MIN;
  const key = `${zone}|${block}`;
  let offset = blockCache.get(key);
  if (offset === undefined) {
    let f = formatters.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
      formatters.set(zone, f);
    }
    const parts = Object.fromEntries(f.formatToParts(block).map((p) => [p.type, p.value]));
    const wallMs = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    offset = (wallMs - block) / MIN;
    blockCache.set(key, offset);
  }
  return offset;
}

function wallOf(zone: string, instant: number): Wall {
  const minutes = Math.floor(instant / MIN) + offsetMinutes(zone, instant);
  const date = new Date(minutes * MIN);
  return {
    minutes,
    y: date.getUTCFullYear(),
    mo: date.getUTCMonth() + 1,
    d: date.getUTCDate(),
    minuteOfDay: date.getUTCHours() * 60 + date.getUTCMinutes(),
  };
}

const dayStart = (y: number, mo: number, d: number) => Date.UTC(y, mo - 1, d) / MIN;
const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();
const civil = (minutes: number) => {
  const date = new Date(minutes * MIN);
  return { y: date.getUTCFullYear(), mo: date.getUTCMonth() + 1, d: date.getUTCDate(), wd: date.getUTCDay() };
};

/** Whether cron-parser's day fields admit a date (cached: a case touches few days). */
function cronDay(dom: string, month: string, dow: string): (y: number, mo: number, d: number) => boolean {
  const cron = CronExpressionParser.parse(`0 0 0 ${dom} ${month} ${dow}`, { currentDate: 0, tz: 'UTC' });
  const cache = new Map<number, boolean>();
  return (y, mo, d) => {
    const key = dayStart(y, mo, d);
    let ok = cache.get(key);
    if (ok === undefined) {
      ok = cron.includesDate(new Date(key * MIN));
      cache.set(key, ok);
    }
    return ok;
  };
}

// ---- generated cases -------------------------------------------------------------------

interface Case {
  expression: string;
  /** Is this wall reading inside the period? */
  inside: (w: Wall) => boolean;
  /** A wall time (minutes) worth starting near, for rare periods; null for frequent ones. */
  anchor: number | null;
}

// Hours 0-3 are favoured: that is where the clocks of these zones jump.
const hm = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 3 })), fc.integer({ min: 0, max: 59 }));
const window = fc.tuple(hm, hm).map(([[h1, m1], [h2, m2]]) => ({
  text: `* ${m1}-${m2} ${h1}-${h2}`,
  from: h1 * 60 + m1,
  // Seconds are `*`: the window ends after second 59 of its last minute.
  to: h2 * 60 + m2 + 1,
}));
const list = (min: number, max: number) => fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 });

const dailyCase: fc.Arbitrary<Case> = fc
  .tuple(
    window,
    fc.oneof(
      { arbitrary: fc.constant('*'), weight: 4 },
      fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 5, maxLength: 12 }).map((xs) => xs.join(',')),
      fc.constant('L'),
      fc.constant('1-10,L'),
    ),
    fc.oneof({ arbitrary: fc.constant('*'), weight: 4 }, fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 4, maxLength: 8 }).map((xs) => xs.join(','))),
    fc.oneof(
      { arbitrary: fc.constant('?'), weight: 3 },
      list(0, 6).map((xs) => xs.join(',')),
      fc.constant('1-5'),
      fc.constant('5L'),
      fc.constant('2#2'),
    ),
  )
  .map(([w, dom, month, dow]) => {
    const day = cronDay(dom, month, dow === '?' ? '*' : dow);
    const overnight = w.to <= w.from;
    return {
      expression: `${w.text} ${dom} ${month} ${dow} * 31`,
      inside: ({ y, mo, d, minuteOfDay, minutes }) => {
        if (day(y, mo, d) && minuteOfDay >= w.from && (overnight || minuteOfDay < w.to)) return true;
        if (!overnight) return false;
        const prev = civil(minutes - DAY_MIN);
        return day(prev.y, prev.mo, prev.d) && minuteOfDay < w.to;
      },
      anchor: null,
    };
  });

const weekdaySpan = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((a) => ({ a, b: a, text: String(a) })),
  fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })).map(([a, b]) => ({ a, b, text: `${a}-${b}` })),
);

const weeklyCase: fc.Arbitrary<Case> = fc
  .tuple(window, fc.uniqueArray(weekdaySpan, { minLength: 1, maxLength: 3, selector: (s) => s.text }), fc.oneof(fc.constant(null), list(1, 12)))
  .map(([w, spans, months]) => ({
    expression: `${w.text} * ${months ? months.join(',') : '*'} ${spans.map((s) => s.text).join(',')} * 32`,
    inside: ({ minutes, y, mo, d }) => {
      const today = dayStart(y, mo, d);
      for (const s of spans) {
        const length = (s.b - s.a + 7) % 7;
        for (let k = 0; k <= 8; k++) {
          const start = today - k * DAY_MIN;
          const c = civil(start);
          if (c.wd !== s.a || (months && !months.includes(c.mo))) continue;
          let end = start + length * DAY_MIN + w.to;
          if (length === 0 && w.to <= w.from) end += DAY_MIN;
          if (minutes >= start + w.from && minutes < end) return true;
        }
      }
      return false;
    },
    anchor: null,
  }));

type MonthSpan = { from: number | 'L'; to: number | 'L'; text: string };
const monthSpan: fc.Arbitrary<MonthSpan> = fc.oneof(
  fc.integer({ min: 1, max: 31 }).map((n) => ({ from: n, to: n, text: String(n) })),
  fc.constant({ from: 'L' as const, to: 'L' as const, text: 'L' }),
  fc.tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 31 })).map(([a, b]) => ({ from: a, to: b, text: `${a}-${b}` })),
  fc.integer({ min: 1, max: 31 }).map((a) => ({ from: a, to: 'L' as const, text: `${a}-L` })),
);

const monthlyCase: fc.Arbitrary<Case> = fc
  .tuple(
    window,
    fc.uniqueArray(monthSpan, { minLength: 1, maxLength: 3, selector: (s) => s.text }),
    fc.integer({ min: 2024, max: 2027 }),
    fc.integer({ min: 1, max: 12 }),
  )
  .map(([w, spans, anchorYear, anchorMonth]) => ({
    expression: `${w.text} ${spans.map((s) => s.text).join(',')} * * * 33`,
    inside: ({ minutes, y, mo, d }) => {
      const today = dayStart(y, mo, d);
      for (let k = 0; k <= 63; k++) {
        const start = today - k * DAY_MIN;
        const c = civil(start);
        const dim = daysIn(c.y, c.mo);
        for (const s of spans) {
          const from = s.from === 'L' ? dim : s.from;
          if (from !== c.d) continue;
          let endDay: number;
          if (s.to === 'L') endDay = dayStart(c.y, c.mo, dim);
          else if (s.from !== 'L' && s.to < s.from) {
            const next = civil(dayStart(c.y, c.mo, dim) + DAY_MIN);
            endDay = dayStart(next.y, next.mo, Math.min(s.to, daysIn(next.y, next.mo)));
          } else endDay = dayStart(c.y, c.mo, Math.min(s.to, dim));
          let end = endDay + w.to;
          if (end <= start + w.from) end += DAY_MIN;
          if (minutes >= start + w.from && minutes < end) return true;
        }
      }
      return false;
    },
    anchor: (() => {
      const first = spans[0]?.from ?? 1;
      const day = first === 'L' ? daysIn(anchorYear, anchorMonth) : Math.min(first, 28);
      return dayStart(anchorYear, anchorMonth, day) + w.from;
    })(),
  }));

const monthDayPair = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .map(([m, d]) => ({ m, d: Math.min(d, m === 2 ? 29 : daysIn(2023, m)) }));

const yearlyCase: fc.Arbitrary<Case> = fc.tuple(window, monthDayPair, monthDayPair, fc.integer({ min: 2024, max: 2027 })).map(([w, s, e, anchorYear]) => {
  const startKey = (s.m * 32 + s.d) * DAY_MIN + w.from;
  const endKey = (e.m * 32 + e.d) * DAY_MIN + w.to;
  const wraps = endKey <= startKey;
  return {
    expression: `${w.text} ${s.d}-${e.d} ${s.m}-${e.m} * * 34`,
    inside: ({ minutes, y }) => {
      for (const year of [y - 1, y]) {
        if (s.d > daysIn(year, s.m)) continue;
        const start = dayStart(year, s.m, s.d) + w.from;
        const endYear = wraps ? year + 1 : year;
        let end = dayStart(endYear, e.m, Math.min(e.d, daysIn(endYear, e.m))) + w.to;
        if (end <= start) end += DAY_MIN;
        if (minutes >= start && minutes < end) return true;
      }
      return false;
    },
    anchor: dayStart(anchorYear, s.m, Math.min(s.d, 28)) + w.from,
  };
});

const dateTime = fc
  .tuple(fc.integer({ min: 2024, max: 2027 }), monthDayPair, hm)
  .map(([y, { m, d }, [h, mi]]) => ({ y, m, d: Math.min(d, daysIn(y, m)), h, mi }));

const fixedCase: fc.Arbitrary<Case> = fc.tuple(dateTime, fc.integer({ min: 0, max: 6 * DAY_MIN })).map(([s, length]) => {
  const start = dayStart(s.y, s.m, s.d) + s.h * 60 + s.mi;
  const e = new Date((start + length) * MIN);
  const end = { y: e.getUTCFullYear(), m: e.getUTCMonth() + 1, d: e.getUTCDate(), h: e.getUTCHours(), mi: e.getUTCMinutes() };
  return {
    expression: `* ${s.mi}-${end.mi} ${s.h}-${end.h} ${s.d}-${end.d} ${s.m}-${end.m} * ${s.y}-${end.y} 2`,
    inside: ({ minutes }) => minutes >= start && minutes <= start + length,
    anchor: start,
  };
});

const cronList = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    list(min, max).map((xs) => xs.join(',')),
  );

const pointCase: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(fc.constant('*'), cronList(0, 59)),
    fc.oneof(fc.constant('*'), cronList(0, 23)),
    fc.oneof({ arbitrary: fc.constant('*'), weight: 3 }, cronList(1, 31), fc.constant('L')),
    fc.oneof({ arbitrary: fc.constant('*'), weight: 2 }, cronList(0, 6)),
  )
  .map(([minute, hour, dom, dow]) => {
    const cron = CronExpressionParser.parse(`0 ${minute} ${hour} * * *`, { currentDate: 0 }).fields;
    const minutes = new Set<number>(cron.minute.values as number[]);
    const hours = new Set<number>(cron.hour.values as number[]);
    const day = cronDay(dom, '*', dow);
    return {
      expression: `* ${minute} ${hour} ${dom} * ${dow}`,
      inside: ({ y, mo, d, minuteOfDay }) => hours.has(Math.floor(minuteOfDay / 60)) && minutes.has(minuteOfDay % 60) && day(y, mo, d),
      anchor: null,
    };
  });

// Windows and cron sets packed into the hours where clocks jump, for the DST-focused runs.
const earlyHm = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 59 }));
const dstDailyCase: fc.Arbitrary<Case> = fc.tuple(earlyHm, earlyHm).map(([[h1, m1], [h2, m2]]) => {
  const from = h1 * 60 + m1;
  const to = h2 * 60 + m2 + 1;
  const overnight = to <= from;
  return {
    expression: `* ${m1}-${m2} ${h1}-${h2} * * ? * 31`,
    inside: ({ minuteOfDay }) => (overnight ? minuteOfDay >= from || minuteOfDay < to : minuteOfDay >= from && minuteOfDay < to),
    anchor: null,
  };
});
const dstPointCase: fc.Arbitrary<Case> = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant('*'), fc.constant('0-29'), fc.constant('10-19,40-49')))
  .map(([hours, minute]) => {
    const minutes = new Set<number>(CronExpressionParser.parse(`0 ${minute} 0 * * *`, { currentDate: 0 }).fields.minute.values as number[]);
    return {
      expression: `* ${minute} ${hours.join(',')} * * *`,
      inside: ({ minuteOfDay }) => hours.includes(Math.floor(minuteOfDay / 60)) && minutes.has(minuteOfDay % 60),
      anchor: null,
    };
  });

// ---- instants --------------------------------------------------------------------------

/** Offset changes 2024-2027, found with Intl (bisection to the minute). */
function transitions(zone: string): number[] {
  const out: number[] = [];
  const offset = (t: number) => offsetMinutes(zone, Math.floor(t / (15 * MIN)) * 15 * MIN);
  for (let t = FIRST; t < LAST; t += 6 * 3_600_000) {
    if (offset(t) === offset(t + 6 * 3_600_000)) continue;
    let lo = t;
    let hi = t + 6 * 3_600_000;
    while (hi - lo > 15 * MIN) {
      const mid = lo + Math.floor((hi - lo) / (30 * MIN)) * 15 * MIN;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

const transitionsByZone = new Map(ZONES.map((z) => [z, transitions(z)]));

function pickInstant(zone: string, c: Case, choice: number, jitter: number): number {
  const list = transitionsByZone.get(zone) ?? [];
  let t: number;
  if (c.anchor !== null && choice % 3 !== 0) t = c.anchor * MIN - offsetMinutes(zone, c.anchor * MIN) * MIN + jitter;
  else if (list.length > 0 && choice % 2 === 0) t = (list[choice % list.length] as number) + (choice % 4 === 0 ? jitter % (3 * 3_600_000) : jitter);
  else t = FIRST + (choice * 7919 * MIN) % (LAST - FIRST);
  return Math.floor(t / MIN) * MIN;
}

// ---- the comparison --------------------------------------------------------------------

function check(c: Case, zone: string, from: number): void {
  const parsed = tryParse(c.expression);
  if (!parsed.ok) return; // e.g. day 31 in a month list without 31 days: rejected by design
  const memo = new Map<number, boolean>();
  const inside = (m: number): boolean => {
    let v = memo.get(m);
    if (v === undefined) {
      v = c.inside(wallOf(zone, from + m * MIN));
      memo.set(m, v);
    }
    return v;
  };
  // Oracle: the run of inside minutes containing `from`, else the next one, within the horizon.
  let start: number | null = null;
  let end: number | null = null;
  let startBeyond = false;
  let endBeyond = false;
  let none = false;
  if (inside(0)) {
    let j = 1;
    while (j <= HORIZON && inside(-j)) j++;
    if (j > HORIZON) startBeyond = true;
    else start = from - (j - 1) * MIN;
  } else {
    let j = 1;
    while (j <= HORIZON && !inside(j)) j++;
    if (j > HORIZON) none = true;
    else start = from + j * MIN;
  }
  if (!none) {
    const s = start === null ? 0 : (start - from) / MIN;
    let j = s + 1;
    while (j <= s + HORIZON && inside(j)) j++;
    if (j > s + HORIZON) endBeyond = true;
    else end = from + j * MIN;
  }

  const label = `${c.expression} in ${zone} from ${new Date(from).toISOString()}`;
  const ours = nextWindow(parsed.value, from, zone);
  if (none) {
    if (ours) expect(ours.start, label).toBeGreaterThanOrEqual(from + HORIZON * MIN);
    return;
  }
  expect(ours, label).not.toBeNull();
  if (!ours) return;
  if (startBeyond) expect(ours.start, label).toBeLessThanOrEqual(from - HORIZON * MIN);
  else expect(new Date(ours.start).toISOString(), label).toBe(new Date(start ?? 0).toISOString());
  if (endBeyond) expect(ours.end, label).toBeGreaterThanOrEqual((start ?? from) + HORIZON * MIN);
  else expect(new Date(ours.end).toISOString(), label).toBe(new Date(end ?? 0).toISOString());

  // contains, at every minute the oracle looked at that is a boundary, and a sample of the rest.
  for (const [m, expected] of memo) {
    if (m % 37 === 0 || !memo.has(m - 1) || memo.get(m - 1) !== expected) {
      expect(contains(parsed.value, from + m * MIN, zone), `${label} contains at +${m} min`).toBe(expected);
    }
  }
}

describe('contains and nextWindow against a minute-by-minute oracle', () => {
  const cases: [string, fc.Arbitrary<Case>, number][] = [
    ['daily', dailyCase, 80],
    ['weekly', weeklyCase, 60],
    ['monthly', monthlyCase, 50],
    ['yearly', yearlyCase, 40],
    ['fixed', fixedCase, 40],
    ['point in time', pointCase, 80],
  ];
  const dstZones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe'];
  for (const [name, arbitrary] of [
    ['DST-hour daily', dstDailyCase],
    ['DST-hour point in time', dstPointCase],
  ] as const) {
    it(`${name} periods around transitions`, () => {
      fc.assert(
        fc.property(
          arbitrary,
          fc.constantFrom(...dstZones),
          fc.nat(),
          fc.oneof(fc.integer({ min: -26 * 60, max: 3 * 60 }), fc.integer({ min: -3 * 60, max: 2 * 60 })).map((m) => m * MIN),
          (c, zone, choice, shift) => {
            const list = transitionsByZone.get(zone) ?? [];
            check(c, zone, (list[choice % list.length] as number) + shift);
          },
        ),
        { numRuns: 120 },
      );
    });
  }
  for (const [name, arbitrary, runs] of cases) {
    it(`${name} periods`, () => {
      fc.assert(
        fc.property(
          arbitrary,
          fc.constantFrom(...ZONES),
          fc.nat(),
          fc.integer({ min: -2 * DAY_MIN, max: 2 * DAY_MIN }).map((m) => m * MIN),
          (c, zone, choice, jitter) => check(c, zone, pickInstant(zone, c, choice, jitter)),
        ),
        { numRuns: runs },
      );
    });
  }
});
