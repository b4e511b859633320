import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { appRoot } from '../../app/paths.ts';
import { SyncHttpClient } from '../../sync/sync-http-client.ts';
import { runCli } from '../../testing/run-cli.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { createSyncServer } from '../../../sync-server/src/index.ts';
import { planDoc } from '../../../sync-server/test/fixtures.ts';

const bin = join(appRoot, 'bin/campaign-desk.mjs');
const env = { ...process.env, LANG: 'en_US.UTF-8', CAMPAIGN_DESK_LANG: '', DATABASE_URL: '', CAMPAIGN_DESK_ADMIN_TOKEN: '' };

const cli = (...args: string[]) => runCli('server', ...args);

/** Starts `campaign-desk server` and answers the process and the URL it printed. */
function startServer(database: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--database', database], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describe('campaign-desk server', () => {
  it('initialises the first admin once, serves, and keeps every acknowledged write when killed mid-push', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    const database = `sqlite:${join(dir.path, 'sync.sqlite')}`;

    const init = await cli('init', '--database', database);
    expect(init.code).toBe(0);
    const token = /^(cdt_\S+)$/m.exec(init.out)?.[1];
    expect(token).toBeDefined();
    const again = await cli('init', '--database', database);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^SY_ALREADY_INITIALIZED: /);
    expect((await cli('--port', 'x', '--database', database)).err).toMatch(/^CLI_USAGE: --port must be/);
    expect((await cli('--database', 'mysql://x')).err).toMatch(/^SY_BAD_DATABASE_URL: /);

    const first = await startServer(database);
    const admin = new SyncHttpClient({ baseUrl: first.url, token: token! });
    expect(await admin.request('GET', '/whoami')).toMatchObject({ principal: { kind: 'hq', userId: 'admin', role: 'admin' } });

    // Push one-document batches until the server is killed; every acknowledged one must survive.
    const acknowledged: string[] = [];
    const pusher = (async () => {
      for (let i = 0; ; i++) {
        try {
          const conflicts = await admin.push('plans', [{ newDocumentState: planDoc(`p${i}`, '') }]);
          if (conflicts.length === 0) acknowledged.push(`p${i}`);
        } catch {
          return;
        }
      }
    })();
    const deadline = Date.now() + 15_000;
    while (acknowledged.length < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    await pusher;
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    // Reopen the file as a new server would (in-process: starting the CLI again costs seconds).
    const second = await createSyncServer({ database });
    onTestFinished(() => second.close());
    const ids = new Set((await second.documents.list('plans')).map((d) => d.id));
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
  }, 60_000);
});
