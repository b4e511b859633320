import type { Command } from 'commander';
import { validateRule } from '../../core/audience/validate.ts';
import type { AudienceRule } from '../../core/audience/rule.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { countMembers, explainAudience, streamMemberIds } from '../../engine/audience/evaluate-audience.ts';
import type { AudienceOptions } from '../../engine/audience/audience-data.ts';
import { defineCommand } from '../command-module.ts';
import { cliLocale } from '../locale.ts';
import { readJsonFile } from '../read-json-file.ts';
import { withDatabase } from '../with-database.ts';

/** `explain`'s labels in both languages (CAMPAIGN_DESK_LANG or LANG decides). */
const LABELS = {
  en: { customers: 'customers', alone: 'alone', remaining: 'remaining' },
  'zh-CN': { customers: '顾客', alone: '单独满足', remaining: '累计剩余' },
} as const;

interface AudienceCliOptions {
  dataDir?: string;
  json?: boolean;
  zone: string;
  at?: string;
}

/** Reads and validates RULE.json before the database is touched. */
function readRule(file: string): AudienceRule {
  return validateRule(readJsonFile(file, 'AU_INVALID_RULE'));
}

function evalOptions(options: AudienceCliOptions): AudienceOptions {
  const now = options.at ? Date.parse(options.at) : Date.now();
  if (Number.isNaN(now)) throw new CampaignError('CLI_USAGE', { reason: `--at must be an ISO 8601 instant, got "${options.at}"` });
  return { now, defaultZone: options.zone };
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
    .option('--zone <zone>', "the stores' time zone", 'Asia/Shanghai')
    .option('--at <iso>', 'evaluate as of this instant instead of now')
    .option('--json', 'print JSON');
}

export default defineCommand({
  name: 'audience',
  register(program: Command) {
    const audience = program.command('audience').description('Evaluate an audience rule (RULE.json) against the customers');
    withCommonOptions(audience.command('count <rule>').description('Number of customers the rule selects')).action(async (file: string, options: AudienceCliOptions) => {
      const rule = readRule(file);
      const count = await withDatabase(options.dataDir, (db) => countMembers(rule, db.collections, evalOptions(options)));
      console.log(options.json ? JSON.stringify({ count }) : String(count));
    });
    withCommonOptions(audience.command('explain <rule>').description('How many customers each top-level condition keeps')).action(async (file: string, options: AudienceCliOptions) => {
      const rule = readRule(file);
      const result = await withDatabase(options.dataDir, (db) => explainAudience(rule, db.collections, evalOptions(options)));
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else {
        const l = LABELS[cliLocale()];
        console.log(`${l.customers}: ${result.total}`);
        for (const step of result.steps) console.log(`${step.path}  ${'op' in step.node ? step.node.op : step.node.kind}  ${l.alone} ${step.alone}  ${l.remaining} ${step.remaining}`);
      }
    });
    withCommonOptions(audience.command('export <rule>').description('Member ids, one per line (or a JSON array)')).action(async (file: string, options: AudienceCliOptions) => {
      const rule = readRule(file);
      await withDatabase(options.dataDir, async (db) => {
        const all: string[] = [];
        for await (const page of streamMemberIds(rule, db.collections, evalOptions(options))) {
          if (options.json) all.push(...page);
          else process.stdout.write(`${page.join('\n')}\n`);
        }
        if (options.json) console.log(JSON.stringify(all));
      });
    });
  },
});
