import { join } from 'node:path';
import type { Command } from 'commander';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { defaultDataDir } from '../../app/paths.ts';
import { defineCommand } from '../command-module.ts';
import { untilSignal } from '../until-signal.ts';

interface ServerOptions {
  port?: string;
  host?: string;
  database?: string;
  dataDir?: string;
  trustProxy?: boolean;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CampaignError('CLI_USAGE', { reason: `--port must be an integer from 0 to 65535, got "${text}"` });
  }
  return port;
}

/** --database, else DATABASE_URL, else sync-server.sqlite in the data directory. */
function databaseUrl(options: ServerOptions): string {
  return options.database ?? process.env.DATABASE_URL ?? `sqlite:${join(defaultDataDir(options.dataDir), 'sync-server.sqlite')}`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

// Loaded when the command runs: the other commands need none of the server's modules.
const loadServer = () => import('../../../sync-server/src/index.ts');

async function serve(options: ServerOptions): Promise<number> {
  const { createSyncServer } = await loadServer();
  const port = parsePort(options.port ?? process.env.PORT ?? '8787');
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const database = databaseUrl(options);
  const server = await createSyncServer({
    database,
    adminToken: process.env.CAMPAIGN_DESK_ADMIN_TOKEN || undefined,
    trustProxy: options.trustProxy ?? false,
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  });
  const url = await server.listen({ port, host });
  console.log(`Campaign Desk sync server is running at ${url}`);
  console.log(`Database: ${redact(database)}`);
  if (!(await server.identity.hasAdmin())) {
    console.log('No HQ admin yet: run `campaign-desk server init` (prints the first admin token once), or start with CAMPAIGN_DESK_ADMIN_TOKEN set.');
  }
  console.log('Press Ctrl-C to stop.');
  return untilSignal(() => server.close());
}

async function init(options: ServerOptions): Promise<void> {
  const database = databaseUrl(options);
  const { createSyncServer } = await loadServer();
  const server = await createSyncServer({ database });
  try {
    const { credential, token } = await server.identity.initAdmin();
    console.log(`HQ admin created in ${redact(database)} (user "${credential.userId}", credential ${credential.id}).`);
    console.log('Its token is shown only now; keep it safe (e.g. in a password manager):');
    console.log(token);
  } finally {
    await server.close();
  }
}

export default defineCommand({
  name: 'server',
  register(program: Command) {
    const server = program
      .command('server')
      .description('Run the sync server that stores and HQ replicate with (see README, "Sync server")')
      .option('--port <port>', 'port to listen on (default: PORT or 8787; 0 = any free port)')
      .option('--host <host>', 'address to listen on (default: HOST or 127.0.0.1; put TLS in front)')
      .option('--database <url>', 'sqlite:FILE or postgres://USER:PASSWORD@HOST:PORT/DB (default: DATABASE_URL, else sync-server.sqlite in the data directory)')
      .option('--data-dir <dir>', 'data directory for the default SQLite file (default: ~/.campaign-desk)')
      .option('--trust-proxy', 'trust X-Forwarded-* headers from the reverse proxy in front')
      .action(async (options: ServerOptions) => {
        process.exitCode = await serve(options);
      });
    server
      .command('init')
      .description('Create the first HQ admin and print its token once (takes --database / --data-dir of `server`)')
      .action(async (_options: unknown, command: Command) => {
        await init(command.optsWithGlobals<ServerOptions>());
      });
  },
});
