import { Command, CommanderError } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { CommandModule } from './command-module.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { cliLocale } from './locale.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function loadCommands(): Promise<CommandModule[]> {
  const files = readdirSync(commandsDir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.test.ts'))
    .sort();
  const modules: CommandModule[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as { default: CommandModule };
    modules.push(mod.default);
  }
  return modules;
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('campaign-desk')
    .description('Campaign Desk: customer operations for chain stores')
    .version(appVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const command of await loadCommands()) command.register(program);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 invalid input). */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CampaignError) {
      process.stderr.write(`${error.code}: ${error.localized(cliLocale())}\n`);
      return 2;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
