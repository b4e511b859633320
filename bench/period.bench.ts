// `npm run bench -- period`: next-execution and next-window throughput of the period
// expression evaluator, beside raw cron-parser and croner on the same expressions, same run.
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import { compile, nextExecution, nextWindow } from '../main/core/period/index.ts';
import { printTable } from './table.ts';

// Best of three short samples: the build machines are shared, and a neighbour's burst should
// not decide a row. Every library is measured the same way.
const SAMPLES = 3;
const BUDGET_MS = 200;
const START = Date.UTC(2026, 0, 1);
// About an hour apart, never aligned: each call asks about a different instant.
const STEP = 3_600_123;

/** Calls `fn(i)` for about BUDGET_MS, SAMPLES times after a warm-up; returns the best operations per second. */
function measure(fn: (i: number) => unknown): number {
  for (let i = 0; i < 2_000; i++) fn(i);
  let sink = 0;
  let best = 0;
  let n = 0;
  for (let sample = 0; sample < SAMPLES; sample++) {
    const first = n;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < BUDGET_MS) {
      for (let k = 0; k < 500; k++, n++) if (fn(n) !== undefined) sink++;
      elapsed = performance.now() - t0;
    }
    best = Math.max(best, ((n - first) / elapsed) * 1000);
  }
  if (sink < 0) console.log(sink); // keep the results alive
  return best;
}

function cronParserNext(expression: string, tz: string | null): (i: number) => number {
  const cron = CronExpressionParser.parse(expression, tz ? { currentDate: START, tz } : { currentDate: START });
  return (i) => {
    cron.reset(new Date(START + i * STEP));
    return cron.next().getTime();
  };
}

function cronerNext(expression: string, tz: string | null): (i: number) => number {
  const cron = new Cron(expression, tz ? { paused: true, timezone: tz } : { paused: true });
  return (i) => cron.nextRun(new Date(START + i * STEP))?.getTime() ?? 0;
}

const ratio = (ours: number, other: number) => `${(ours / other).toFixed(1)}x`;

export default async function run(): Promise<void> {
  const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  console.log(`next execution (ops/s, higher is better); "no tz" = the libraries' default zone (${machineZone}), ours UTC\n`);
  const rows: (string | number)[][] = [];
  for (const expression of ['0 0 9 * * 1,3', '0 0 9 L * *']) {
    for (const tz of [null, 'Asia/Shanghai', 'America/New_York']) {
      const compiled = compile(expression);
      const zone = tz ?? 'UTC';
      const ours = measure((i) => nextExecution(compiled, START + i * STEP, zone));
      const oursText = measure((i) => nextExecution(expression, START + i * STEP, zone));
      const parser = measure(cronParserNext(expression, tz));
      const croner = measure(cronerNext(expression, tz));
      rows.push([expression, tz ?? 'no tz', ours, oursText, parser, croner, ratio(ours, Math.max(parser, croner))]);
    }
  }
  printTable(['expression', 'zone', 'ours', 'ours (text)', 'cron-parser', 'croner', 'ours / best'], rows);

  console.log('\nnext window (ops/s; target >= 100,000). cron-parser and croner cannot read window types:');
  console.log('beside them, their next run of the cron that opens the same windows (the start only).\n');
  const windowRows: (string | number)[][] = [];
  const cases: [string, string | null][] = [
    ['* 20-30 8-20 * * ? 31', '0 20 8 * * *'],
    ['* 0-30 9-17 * * 1-5 * 31', '0 0 9 * * 1-5'],
    ['* * * * * 1,3 * 32', '0 0 0 * * 1,3'],
    ['* * 18-22 * * 5-0 * 32', '0 0 18 * * 5'],
    ['* * * 1-3,L * * * 33', '0 0 0 1,L * *'],
    ['* * * 1-7 10 * * 34', '0 0 0 1 10 *'],
    ['0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', null],
    ['0 0 9 * * 1,3', '0 0 9 * * 1,3'],
  ];
  for (const [expression, opening] of cases) {
    for (const tz of ['Asia/Shanghai', 'America/New_York']) {
      const compiled = compile(expression);
      const ours = measure((i) => nextWindow(compiled, START + i * STEP, tz));
      const parser = opening ? measure(cronParserNext(opening, tz)) : Number.NaN;
      const croner = opening ? measure(cronerNext(opening, tz)) : Number.NaN;
      windowRows.push([expression, tz, ours, ours >= 100_000 ? 'yes' : 'NO', opening ?? '-', parser, croner]);
    }
  }
  printTable(['expression', 'zone', 'ours', '>= 100k', 'opening cron', 'cron-parser', 'croner'], windowRows);
}
