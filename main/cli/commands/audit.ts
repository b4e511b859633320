import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { formatMessage } from '../../core/i18n/format.ts';
import { addDays, isLocalDate, startOfLocalDate } from '../../core/rights/local-date.ts';
import { formatInstant, parseInstant } from '../../core/time/instant.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';
import { auditEntriesToCsv } from '../../engine/audit/audit-csv.ts';
import { firstAuditEntries, type AuditSearch } from '../../engine/audit/audit-query.ts';
import { verifyAuditLog } from '../../engine/audit/verify-audit-log.ts';
import { defineCommand } from '../command-module.ts';
import { cliLocale } from '../locale.ts';
import { withDatabase } from '../with-database.ts';

interface AuditCliOptions {
  dataDir?: string;
  zone: string;
  json?: boolean;
  lang?: string;
  method?: string;
  actor?: string;
  text?: string;
  store?: string;
  device?: string;
  since?: string;
  until?: string;
  limit: string;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** `--since` / `--until` as epoch ms: a date alone is the start of that day (`--until`: of the next day, so the day is included). */
function instant(text: string, zone: string, end: boolean): number {
  if (isLocalDate(text)) return startOfLocalDate(end ? addDays(text, 1) : text, zone);
  return parseInstant(text, zone);
}

function filterOf(options: AuditCliOptions): AuditSearch {
  const filter: AuditSearch = {};
  if (options.method) filter.method = options.method;
  if (options.actor) filter.actor = options.actor;
  if (options.text) filter.text = options.text;
  if (options.store !== undefined) filter.storeId = options.store === 'hq' ? '' : options.store;
  if (options.device) filter.device = options.device;
  if (options.since) filter.since = instant(options.since, options.zone, false);
  if (options.until) filter.until = instant(options.until, options.zone, true);
  return filter;
}

function show(value: unknown): string {
  return value === undefined ? '∅' : typeof value === 'string' ? value : JSON.stringify(value);
}

function printEntry(e: AuditLogDoc, zone: string): void {
  const target = e.targetId ? `${e.targetCollection}/${e.targetId}` : e.targetCollection || '-';
  const outcome = e.outcome === 'ok' ? 'ok' : `error ${e.errorCode}`;
  print(`${e.seq}  ${formatInstant(e.at, zone)}  ${e.actor.type}:${e.actor.id}  ${e.method}  ${target}  ${outcome}  ${e.summary}`);
  for (const c of e.changes ?? []) print(`    ${c.path}: ${show(c.before)} → ${show(c.after)}`);
}

function common(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
    .option('--zone <zone>', "the stores' time zone (times shown and dates read)", 'Asia/Shanghai');
}

function filters(command: Command): Command {
  return common(command)
    .option('--method <method>', 'a method (plans/update-plan) or an area (plans)')
    .option('--actor <actor>', 'part of type:id, e.g. user:desk, cli, scheduler')
    .option('--text <text>', 'part of the summary, target, error code or a changed field')
    .option('--store <id>', "one store's entries (hq: HQ's), as synced to HQ")
    .option('--device <id>', "one device's entries")
    .option('--since <time>', 'from this date (YYYY-MM-DD) or time (ISO 8601)')
    .option('--until <time>', 'before this time, or to the end of this date');
}

export default defineCommand({
  name: 'audit',
  register(program: Command) {
    const audit = program.command('audit').description('The audit log: check its hash chain, list and export entries (the app must not be running on the data dir)');
    common(audit.command('verify').description("Walk each device's hash chain; print OK with the counts, or the first broken link (exit code 2)"))
      .option('--json', 'print JSON')
      .option('--lang <lang>', 'zh-CN or en')
      .action(async (options: AuditCliOptions) => {
        const result = await withDatabase(options.dataDir, (database) => verifyAuditLog(database.collections.auditLog));
        if (options.json) print(JSON.stringify(result, null, 2));
        const locale = cliLocale(options.lang);
        if (result.ok) {
          if (options.json) return;
          if (result.count === 0) return print(formatMessage(locale, 'audit.verifyEmpty'));
          print(formatMessage(locale, 'audit.verifyOk', { count: result.count, chains: result.chains.length }));
          for (const chain of result.chains) {
            const store = chain.storeId === undefined ? '' : ` (${chain.storeId === '' ? formatMessage(locale, 'audit.hqStore') : chain.storeId})`;
            print(formatMessage(locale, 'audit.verifyChain', { device: chain.device, store, count: chain.count, seq: chain.lastSeq }));
          }
          return;
        }
        const { device, seq, id, problem, expectedSeq } = result.broken;
        throw new CampaignError('AD_CHAIN_BROKEN', { device, seq, id, problem: formatMessage(locale, `audit.problem.${problem}`, { expected: expectedSeq }) });
      });
    filters(audit.command('list').description('Entries, newest first'))
      .option('--limit <n>', 'at most this many', '100')
      .option('--json', 'print JSON')
      .action(async (options: AuditCliOptions) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new CampaignError('CLI_USAGE', { reason: '--limit must be a whole number from 1 to 100000' });
        const page = await withDatabase(options.dataDir, (database) => firstAuditEntries(database.collections.auditLog, filterOf(options), limit));
        if (options.json) print(JSON.stringify(page.entries, null, 2));
        else for (const e of page.entries) printEntry(e, options.zone);
      });
    filters(audit.command('export <file>').description('Write the matching entries (up to 100,000) to a CSV file'))
      .option('--lang <lang>', 'zh-CN or en (column names and labels)')
      .action(async (file: string, options: AuditCliOptions) => {
        const locale = cliLocale(options.lang);
        const page = await withDatabase(options.dataDir, (database) => firstAuditEntries(database.collections.auditLog, filterOf(options), 100_000));
        const target = resolve(file);
        writeFileSync(target, auditEntriesToCsv(page.entries, locale, options.zone));
        print(formatMessage(locale, 'audit.exported', { count: page.entries.length, file: target }));
      });
  },
});
