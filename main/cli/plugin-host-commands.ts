import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { formatMessage } from '../core/i18n/format.ts';
import type { PluginInfo } from '../plugins/plugin-manager.ts';
import { cliActor } from './cli-actor.ts';
import { cliLocale } from './locale.ts';
import { withServices } from './with-services.ts';

/**
 * The `plugin` subcommands that act on a data dir's installed plugins (the package tools —
 * init, pack, keygen, sign, verify — are in commands/plugin.ts).
 */

interface DataDirOptions {
  dataDir?: string;
  json?: boolean;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function line(p: PluginInfo): string {
  const locale = cliLocale();
  const state = formatMessage(locale, `plugins.state.${p.state === 'stopped' ? 'enabled' : p.state}`);
  const trust = formatMessage(locale, `plugins.trust.${p.trust}`);
  const failure = p.state === 'failed' && p.failure ? `  ${p.failure.code}: ${p.failure.message}` : '';
  return `${p.id}  ${p.version}  ${state}  ${trust}  ${p.name[locale]}${failure}`;
}

function show(p: PluginInfo, options: DataDirOptions): void {
  if (options.json) print(JSON.stringify(p, null, 2));
  else print(line(p));
}

function readFile(file: string): Buffer {
  try {
    return readFileSync(resolve(file));
  } catch (error) {
    throw new CampaignError('IM_FILE', { path: resolve(file), reason: (error as Error).message });
  }
}

export function registerHostCommands(plugin: Command): void {
  const dataDir = ['--data-dir <dir>', 'the data dir (default: the app’s)'] as const;
  plugin
    .command('list')
    .description('List installed plugins: id, version, state, trust, name (and why a failed one failed)')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action((options: DataDirOptions) =>
      withServices(options, async (services) => {
        const list = await services.plugins.list();
        if (options.json) print(JSON.stringify(list, null, 2));
        else for (const p of list) print(line(p));
      }),
    );
  plugin
    .command('install <file>')
    .description('Install a .cdplugin (or a plugin folder). Unsigned packages and keys not trusted need --anyway; --update replaces an installed version')
    .option(...dataDir)
    .option('--anyway', 'install even when unsigned or signed by a key that is not trusted')
    .option('--update', 'replace the installed version of this plugin')
    .option('--accept-breaks', 'update even though live plans use a marketing type the new version drops')
    .option('--json', 'print JSON')
    .action((file: string, options: DataDirOptions & { anyway?: boolean; update?: boolean; acceptBreaks?: boolean }) =>
      withServices(options, async (services) => {
        const source = file.endsWith('.cdplugin') ? { fileName: basename(file), data: readFile(file) } : resolve(file);
        const result = await services.plugins.install(source, { installAnyway: options.anyway === true, update: options.update === true, acceptBreaks: options.acceptBreaks === true, actor: cliActor() });
        if (options.json) print(JSON.stringify(result, null, 2));
        else {
          print(line(result.plugin));
          for (const b of result.breaks) print(`  ! ${b.planName} (${b.planId}): ${b.marketingType}`);
        }
      }),
    );
  for (const [name, description] of [
    ['enable', 'Enable a plugin (and start it)'],
    ['disable', 'Disable a plugin: plans of its marketing types do not run until it is enabled again'],
  ] as const) {
    plugin
      .command(`${name} <id>`)
      .description(description)
      .option(...dataDir)
      .option('--json', 'print JSON')
      .action((id: string, options: DataDirOptions) =>
        withServices(options, async (services) => show(name === 'enable' ? await services.plugins.enable(id, cliActor()) : await services.plugins.disable(id, cliActor()), options)),
      );
  }
  plugin
    .command('uninstall <id>')
    .description('Remove a plugin (refused for built-in ones and while a scheduled, active or paused plan uses it)')
    .option(...dataDir)
    .action((id: string, options: DataDirOptions) =>
      withServices(options, async (services) => {
        await services.plugins.uninstall(id, cliActor());
        print(`uninstalled ${id}`);
      }),
    );
  plugin
    .command('trust <pub.pem>')
    .description("Trust a publisher's public key for installing its signed plugins")
    .requiredOption('--publisher <name>', 'the publisher the key belongs to (as in plugin.json)')
    .option(...dataDir)
    .action((file: string, options: DataDirOptions & { publisher: string }) =>
      withServices(options, async (services) => {
        const actor = cliActor();
        const key = await services.plugins.trustedKeys.add(options.publisher, readFile(file).toString('utf8'), `${actor.type}:${actor.id}`, services.clock.now());
        print(`trusted ${key.publisher} ${key.keyId}`);
      }),
    );
  plugin
    .command('untrust <keyId>')
    .description('Stop trusting a publisher key')
    .option(...dataDir)
    .action((keyId: string, options: DataDirOptions) =>
      withServices(options, async (services) => {
        const actor = cliActor();
        const removed = await services.plugins.trustedKeys.remove(keyId, `${actor.type}:${actor.id}`, services.clock.now());
        print(removed ? `removed ${keyId}` : `no trusted key ${keyId}`);
      }),
    );
  plugin
    .command('keys')
    .description('List the trusted publisher keys')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action((options: DataDirOptions) =>
      withServices(options, async (services) => {
        const keys = await services.plugins.trustedKeys.list();
        if (options.json) print(JSON.stringify(keys, null, 2));
        else for (const k of keys) print(`${k.keyId}  ${k.publisher}  ${new Date(k.addedAt).toISOString()}  ${k.addedBy}`);
      }),
    );
}
