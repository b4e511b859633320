// Test-only: a throwaway PostgreSQL cluster from Debian's `postgresql` package, in a temp
// directory, on a free 127.0.0.1 port, stopped and removed afterwards. When PostgreSQL is not
// installed it throws (the tests fail, never skip): `npm test` installs it (scripts/system-deps.mjs).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const DEBIAN_DIR = '/usr/lib/postgresql';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** Creates an empty database and answers its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest installed `bin` folder with initdb and pg_ctl, or null. */
export function findPostgresBin(): string | null {
  if (!existsSync(DEBIAN_DIR)) return null;
  const versions = readdirSync(DEBIAN_DIR)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(DEBIAN_DIR, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed (Debian package "postgresql", looked for /usr/lib/postgresql/*/bin/initdb). ' +
        '`npm test` installs it when run as root; otherwise run: sudo apt-get install -y --no-install-recommends postgresql',
    );
  }
  // initdb and postgres refuse to run as root: run them as the `postgres` user the package made.
  const asRoot = process.getuid?.() === 0;
  const wrap = (command: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  const dir = mkdtempSync(join(tmpdir(), 'campaign-desk-pg-'));
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  else chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const pgCtl = join(bin, 'pg_ctl');

  try {
    await run(...wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    // Throwaway data: no fsync, so the tests measure our code rather than the disk.
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    try {
      await run(...wrap(pgCtl, ['start', '-w', '-t', '30', '-D', data, '-l', join(dir, 'server.log'), '-o', settings]));
      break;
    } catch (error) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
      }
    }
  }

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(...wrap(pgCtl, ['stop', '-D', data, '-m', 'immediate']), { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A crashed test run must not leave a server behind.
  process.once('exit', stopSync);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      await run(...wrap(pgCtl, ['stop', '-D', data, '-m', 'immediate'])).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
