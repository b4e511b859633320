import type { Command } from 'commander';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { isLocale, type Locale } from '../../core/i18n/format.ts';
import {
  assertTimeZone,
  compile,
  contains,
  describe,
  formatExpression,
  nextExecutions,
  windowsBetween,
  type CompiledPeriod,
} from '../../core/period/index.ts';
import { formatInstant, parseInstant } from '../../core/time/index.ts';
import { defineCommand } from '../command-module.ts';
import { cliLocale } from '../locale.ts';

interface PeriodCliOptions {
  tz?: string;
  from?: string;
  to?: string;
  count?: string;
  lang?: string;
  json?: boolean;
}

interface Context {
  compiled: CompiledPeriod;
  expression: string;
  timeZone: string;
  from: number;
  locale: Locale;
  options: PeriodCliOptions;
}

const DAY_MS = 86_400_000;

/** The machine's zone: the CLI, unlike core, may look at its environment. */
function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function readCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new CampaignError('CLI_USAGE', { reason: `--count must be an integer from 1 to 10000, got "${text}"` });
  }
  return n;
}

/** Validates the shared options and parses the expression; a bad one throws and the CLI exits 2. */
function context(words: string[], options: PeriodCliOptions): Context {
  if (options.lang !== undefined && !isLocale(options.lang)) {
    throw new CampaignError('CLI_USAGE', { reason: `--lang must be zh-CN or en, got "${options.lang}"` });
  }
  // --lang also picks the language the CLI prints errors in.
  if (options.lang !== undefined) process.env.CAMPAIGN_DESK_LANG = options.lang;
  const locale = cliLocale(options.lang);
  const timeZone = options.tz ?? systemZone();
  assertTimeZone(timeZone);
  const expression = words.join(' ');
  const compiled = compile(expression);
  const from = options.from === undefined ? Date.now() : parseInstant(options.from, timeZone);
  return { compiled, expression, timeZone, from, locale, options };
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function check(c: Context): void {
  const value = c.compiled.expression;
  const canonical = formatExpression(value);
  if (c.options.json) {
    printJson({ valid: true, type: value.code, kind: value.kind, canonical, value });
    return;
  }
  print(`valid: type ${value.code} (${value.kind})`);
  print(`canonical: ${canonical}`);
  print(describe(value, c.locale));
}

function describeCommand(c: Context): void {
  const text = describe(c.compiled.expression, c.locale);
  if (c.options.json) printJson({ locale: c.locale, description: text });
  else print(text);
}

function next(c: Context): void {
  const instants = nextExecutions(c.compiled, c.from, c.timeZone, readCount(c.options.count, 5));
  if (c.options.json) {
    printJson(instants.map((t) => ({ instant: t, local: formatInstant(t, c.timeZone), utc: new Date(t).toISOString() })));
    return;
  }
  for (const t of instants) print(formatInstant(t, c.timeZone));
}

function windows(c: Context): void {
  const to = c.options.to === undefined ? c.from + 7 * DAY_MS : parseInstant(c.options.to, c.timeZone);
  if (to <= c.from) throw new CampaignError('CLI_USAGE', { reason: '--to must be after --from' });
  const list = windowsBetween(c.compiled, c.from, to, c.timeZone, readCount(c.options.count, 100));
  if (c.options.json) {
    printJson(
      list.map((w) => ({
        start: w.start,
        end: w.end,
        localStart: formatInstant(w.start, c.timeZone),
        localEnd: formatInstant(w.end, c.timeZone),
      })),
    );
    return;
  }
  for (const w of list) print(`${formatInstant(w.start, c.timeZone)} → ${formatInstant(w.end, c.timeZone)}`);
}

function containsCommand(c: Context): void {
  const inside = contains(c.compiled, c.from, c.timeZone);
  if (c.options.json) printJson({ instant: c.from, local: formatInstant(c.from, c.timeZone), contains: inside });
  else print(inside ? 'true' : 'false');
}

const SUBCOMMANDS: [string, string, (c: Context) => void][] = [
  ['check', 'Check an expression: exit 0 when valid, 2 with the error on stderr when not', check],
  ['describe', 'Describe an expression in words (--lang zh-CN|en)', describeCommand],
  ['next', 'The next --count execution instants after --from (default now)', next],
  ['windows', 'The windows between --from (default now) and --to (default a week later)', windows],
  ['contains', 'Whether the period contains the instant --from (default now)', containsCommand],
];

export default defineCommand({
  name: 'period',
  register(program: Command) {
    const period = program
      .command('period')
      .description('Check, describe and evaluate period expressions (second minute hour day month weekday year type)');
    for (const [name, description, run] of SUBCOMMANDS) {
      period
        .command(name)
        .description(description)
        .argument('<expression...>', 'the expression; quote it, e.g. "* 20-30 8-20 * * ? 31"')
        .option('--tz <zone>', 'IANA time zone of the store (default: this machine\'s)')
        .option('--from <iso>', 'ISO 8601 instant; without an offset it is read in --tz')
        .option('--to <iso>', 'end of the range for windows')
        .option('--count <n>', 'how many instants or windows at most')
        .option('--lang <locale>', 'zh-CN or en (default: from CAMPAIGN_DESK_LANG or LANG)')
        .option('--json', 'print JSON')
        .action((words: string[], options: PeriodCliOptions) => run(context(words, options)));
    }
  },
});
