import { join } from 'node:path';
import type { Command } from 'commander';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { formatMessage } from '../../core/i18n/format.ts';
import { formatCode } from '../../core/rights/coupon-code.ts';
import type { Grant } from '../../core/rights/grant.ts';
import { localDateOf, localDateTimeOf } from '../../core/rights/local-date.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { Validity } from '../../core/rights/validity.ts';
import { defaultDataDir } from '../../app/paths.ts';
import { RightsService } from '../../engine/rights/rights-service.ts';
import { cliActor } from '../cli-actor.ts';
import { defineCommand } from '../command-module.ts';
import { cliLocale } from '../locale.ts';
import { withDatabase } from '../with-database.ts';

interface RightsCliOptions {
  dataDir?: string;
  zone: string;
  json?: boolean;
  lang?: string;
  terminal?: string;
  note?: string;
  reason?: string;
  days?: string;
  until?: string;
}

/** Opens the data dir's rights ledger for one command (the app must not be running on it). */
async function withRights<T>(options: RightsCliOptions, fn: (rights: RightsService) => Promise<T>): Promise<T> {
  return withDatabase(options.dataDir, async (database) => {
    const { service } = await RightsService.open({
      collections: database.collections,
      clock: { now: () => Date.now() },
      zone: () => options.zone,
      journalFile: join(defaultDataDir(options.dataDir), 'db', 'rights-step.flag'),
    });
    try {
      return await fn(service);
    } finally {
      await service.close();
    }
  });
}


function print(grant: Grant, options: RightsCliOptions): void {
  if (options.json) {
    console.log(JSON.stringify(grant, null, 2));
    return;
  }
  const locale = cliLocale(options.lang);
  const at = (t: number | null) => (t === null ? '-' : localDateTimeOf(t, grant.zone));
  const lines = [
    `${formatMessage(locale, `rights.states.${grant.state}`)}: ${grant.rightName} (${formatMessage(locale, `rights.kinds.${grant.kind}`)})`,
    `code      ${grant.code ? formatCode(grant.code) : '-'}`,
    `grant     ${grant.id}`,
    `customer  ${grant.customerId}`,
    `plan      ${grant.planId ?? '-'}`,
    `valid     ${at(grant.validFrom)} .. ${at(grant.expiresAt)}`,
  ];
  console.log(lines.join('\n'));
}

function requireReason(options: RightsCliOptions): string {
  const reason = options.reason?.trim();
  if (!reason) throw new CampaignError('CLI_USAGE', { reason: '--reason is required: say why (it is kept in the operation record)' });
  return reason;
}

/** `--days N` or `--until YYYY-MM-DD` as the new validity of a restored right. */
function restoreValidity(options: RightsCliOptions): Validity | undefined {
  if (options.days && options.until) throw new CampaignError('CLI_USAGE', { reason: 'give --days or --until, not both' });
  if (options.days) {
    const days = Number(options.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CampaignError('CLI_USAGE', { reason: `--days must be a whole number from 1 to 3650, got "${options.days}"` });
    return { type: 'days-from-grant', days };
  }
  if (options.until) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.until)) throw new CampaignError('CLI_USAGE', { reason: `--until must be a date YYYY-MM-DD, got "${options.until}"` });
    return { type: 'fixed', from: localDateOf(Date.now(), options.zone), to: options.until };
  }
  return undefined;
}

function common(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
    .option('--zone <zone>', "the store's time zone", 'Asia/Shanghai')
    .option('--lang <lang>', 'zh-CN or en')
    .option('--json', 'print the grant as JSON');
}

export default defineCommand({
  name: 'rights',
  register(program: Command) {
    const rights = program.command('rights').description('Redeem, restore and recover rights (coupons, gifts, ...) by code');
    common(rights.command('show <code>').description('Show the right with this code without using it')).action(async (code: string, options: RightsCliOptions) => {
      print(await withRights(options, (r) => r.ledger.findByCode(code)), options);
    });
    common(rights.command('use <code>').description('Redeem a code (fails for unknown, expired, used or recovered codes)'))
      .option('--terminal <name>', 'the till or device redeeming it (kept in the record)')
      .option('--note <text>', 'a note for the record, e.g. the order number')
      .action(async (code: string, options: RightsCliOptions) => {
        const actor: Actor = options.terminal ? { type: 'pos', id: options.terminal } : cliActor();
        print(await withRights(options, (r) => r.ledger.use(code, actor, options.note ?? null)), options);
      });
    common(rights.command('restore <code>').description('Give a used right back (回补), e.g. after its order was refunded'))
      .option('--reason <text>', 'why (required)')
      .option('--days <n>', 'new validity: N days from today')
      .option('--until <date>', 'new validity: until this date (YYYY-MM-DD)')
      .action(async (code: string, options: RightsCliOptions) => {
        const reason = requireReason(options);
        const validity = restoreValidity(options);
        print(await withRights(options, (r) => r.ledger.restore(code, reason, cliActor(), validity)), options);
      });
    common(rights.command('recover <grantId>').description('Take back an unused right (回收)'))
      .option('--reason <text>', 'why (required)')
      .action(async (grantId: string, options: RightsCliOptions) => {
        const reason = requireReason(options);
        print(await withRights(options, (r) => r.ledger.recover(grantId, reason, cliActor())), options);
      });
  },
});
