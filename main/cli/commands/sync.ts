import type { Command } from 'commander';
import { defaultDataDir } from '../../app/paths.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotConfiguredReason } from '../../core/i18n/locales/sync.ts';
import { SyncConfigFile, type SyncConfig } from '../../sync/sync-config.ts';
import { checkCredential } from '../../sync/sync-service.ts';
import { defineCommand } from '../command-module.ts';
import { cliLocale } from '../locale.ts';

/** The command's output in both languages (CAMPAIGN_DESK_LANG or LANG decides). */
const TEXT = {
  en: {
    notSetUp: 'Sync is not set up.',
    server: 'server:    ',
    syncsAs: 'syncs as:  ',
    credential: 'credential:',
    sync: 'sync:      ',
    store: (id: string) => `store ${id}`,
    hq: (id: string, role: string) => `HQ user ${id} (${role})`,
    on: 'on',
    paused: 'paused',
    saved: (file: string) => `Saved to ${file}; the app syncs from its next start.`,
    removed: (file: string) => `Removed ${file}; local data stays.`,
  },
  'zh-CN': {
    notSetUp: '尚未设置同步。',
    server: '服务器：  ',
    syncsAs: '同步身份：',
    credential: '凭据：    ',
    sync: '同步：    ',
    store: (id: string) => `门店 ${id}`,
    hq: (id: string, role: string) => `总部用户 ${id}（${role}）`,
    on: '开启',
    paused: '已暂停',
    saved: (file: string) => `已保存到 ${file}；应用下次启动时开始同步。`,
    removed: (file: string) => `已删除 ${file}；本地数据保留。`,
  },
} as const;

const text = () => TEXT[cliLocale()];

interface DirOption {
  dataDir?: string;
}

function describe(config: SyncConfig | null): string {
  const l = text();
  if (!config) return l.notSetUp;
  const who = config.identity.kind === 'store' ? l.store(config.identity.storeId) : l.hq(config.identity.userId, config.identity.role);
  return [`${l.server} ${config.serverUrl}`, `${l.syncsAs} ${who}`, `${l.credential} ${config.identity.credentialId}`, `${l.sync} ${config.enabled ? l.on : l.paused}`].join('\n');
}

function fileOf(options: DirOption): SyncConfigFile {
  return new SyncConfigFile(defaultDataDir(options.dataDir));
}

function setEnabled(options: DirOption, enabled: boolean): void {
  const file = fileOf(options);
  const config = file.read();
  if (!config) throw new CampaignError('SY_NOT_CONFIGURED', { reason: `no ${file.file}` });
  file.write({ ...config, enabled });
  console.log(describe({ ...config, enabled }));
}

/**
 * `campaign-desk sync`: the data dir's sync setup, for rolling stores out by script. It edits
 * `<data dir>/sync.json`, which the app reads when it starts (a running app keeps its setup
 * until restarted; the Sync screen changes it at once).
 */
export default defineCommand({
  name: 'sync',
  register(program: Command) {
    const sync = program.command('sync').description('Set up, show, pause or forget the sync server connection of a data dir');
    sync
      .command('setup')
      .description('Check a credential with the sync server and save it (token from --token or CAMPAIGN_DESK_SYNC_TOKEN)')
      .requiredOption('--server <url>', 'the sync server, e.g. https://sync.example.com')
      .option('--token <token>', 'the store or HQ credential (prefer the environment variable: it stays out of shell history)')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action(async (options: DirOption & { server: string; token?: string }) => {
        const token = options.token ?? process.env.CAMPAIGN_DESK_SYNC_TOKEN;
        if (!token) throw new CampaignError('SY_NOT_CONFIGURED', { reason: 'no-token' satisfies NotConfiguredReason });
        const config = await checkCredential({ serverUrl: options.server, token });
        const file = fileOf(options);
        file.write(config);
        console.log(`${describe(config)}\n${text().saved(file.file)}`);
      });
    sync
      .command('show')
      .description('Print the sync setup (never the token)')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action((options: DirOption) => console.log(describe(fileOf(options).read())));
    sync
      .command('pause')
      .description('Keep the setup but do not sync')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action((options: DirOption) => setEnabled(options, false));
    sync
      .command('resume')
      .description('Sync again')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action((options: DirOption) => setEnabled(options, true));
    sync
      .command('forget')
      .description('Remove the server and credential (local data stays)')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action((options: DirOption) => {
        const file = fileOf(options);
        file.remove();
        console.log(text().removed(file.file));
      });
  },
});
