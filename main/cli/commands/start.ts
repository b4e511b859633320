import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { ensureRendererBuilt } from '../../app/build-ui.ts';
import { findElectronBinary, hasDisplay } from '../../app/electron-runtime.ts';
import { appRoot, defaultDataDir, electronDistDir } from '../../app/paths.ts';
import { startBrowserMode } from '../../app/start-browser-mode.ts';
import { appVersion } from '../index.ts';
import { defineCommand } from '../command-module.ts';
import { untilSignal } from '../until-signal.ts';

interface StartOptions {
  web?: boolean;
  port: string;
  dataDir?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CampaignError('CLI_USAGE', { reason: `--port must be an integer from 0 to 65535, got "${text}"` });
  }
  return port;
}

async function startDesktop(binary: string, options: StartOptions): Promise<number> {
  const entry = join(electronDistDir, 'main.cjs');
  if (!existsSync(entry)) {
    const { build } = await import('vite');
    for (const mode of ['main', 'preload']) await build({ configFile: join(appRoot, 'vite.electron.config.ts'), mode, logLevel: 'warn' });
  }
  const args = [entry, ...(options.dataDir ? ['--data-dir', options.dataDir] : [])];
  const child = spawn(binary, args, { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

async function startWeb(options: StartOptions): Promise<number> {
  const port = parsePort(options.port);
  const app = await startBrowserMode({ dataDir: defaultDataDir(options.dataDir), port, version: appVersion() });
  console.log(`Campaign Desk is running at ${app.server.url}`);
  console.log(`Data directory: ${app.services.info.dataDir}`);
  console.log('Press Ctrl-C to stop.');
  return untilSignal(() => app.stop());
}

export default defineCommand({
  name: 'start',
  register(program: Command) {
    program
      .command('start')
      .description('Start Campaign Desk: the desktop app where Electron is installed, else browser mode')
      .option('--web', 'browser mode even where Electron is installed')
      .addOption(new Option('--port <port>', 'browser mode port (0 = any free port)').default('0'))
      .option('--data-dir <dir>', 'where data lives (default: ~/.campaign-desk in browser mode)')
      .action(async (options: StartOptions) => {
        parsePort(options.port);
        const binary = options.web ? undefined : findElectronBinary();
        if (binary && hasDisplay()) {
          process.exitCode = await startDesktop(binary, options);
          return;
        }
        if (!options.web) console.log('Electron runtime not installed or no display: starting browser mode.');
        await ensureRendererBuilt((line) => console.log(line));
        process.exitCode = await startWeb(options);
      });
  },
});
