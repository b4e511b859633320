// A sync server killed (SIGKILL) in the middle of a stream of pushes loses no acknowledged
// write: the real `campaign-desk server` in a child process on a SQLite file, restarted on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PlanDoc } from '../../main/db/schemas/plans.ts';
import { SyncHttpClient } from '../../main/sync/sync-http-client.ts';
import { makeTempDir } from '../../main/testing/temp-dir.ts';
import { planDoc, type Wire } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/campaign-desk.mjs', import.meta.url));
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789abcdef';
const dir = makeTempDir('campaign-desk-crash-');
afterAll(() => dir.remove());

/** Starts `campaign-desk server` on the test database; answers its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'server', '--database', `sqlite:${dir.path}/sync.sqlite`, '--port', '0'], {
    env: { ...process.env, CAMPAIGN_DESK_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a server killed mid-push', () => {
  it('keeps every push it acknowledged', async () => {
    let { child, url } = await startServer();
    onTestFinished(() => void (child.exitCode === null && child.kill('SIGKILL')));
    const admin = new SyncHttpClient({ baseUrl: url, token: ADMIN_TOKEN });
    await admin.request('POST', '/hq/stores', { id: 'S01', name: 'Store 1' });
    const { token } = await admin.request<{ token: string }>('POST', '/hq/stores/S01/credentials', {});
    const store = new SyncHttpClient({ baseUrl: url, token, timeoutMs: 10_000 });

    // 4 pushers: new plans in batches of 10, and edits (version + 1) of plans acknowledged earlier.
    const acked = new Map<string, Wire<PlanDoc>>();
    let acknowledgedPushes = 0;
    let failedPushes = 0;
    let killed = false;
    const pusher = async (w: number) => {
      for (let b = 0; !killed; b++) {
        const fresh = Array.from({ length: 10 }, (_, k) => ({ newDocumentState: planDoc(`w${w}-${b}-${k}`, 'S01') }));
        const edits = [...acked.values()].filter((d) => d.id.startsWith(`w${w}-`)).slice(-5).map((d) => ({ assumedMasterState: d, newDocumentState: { ...d, version: d.version + 1, name: `${d.name}+` } }));
        const rows = [...fresh, ...edits];
        try {
          const conflicts = await store.push<Wire<PlanDoc>>('plans', rows);
          expect(conflicts).toEqual([]);
          for (const row of rows) acked.set(row.newDocumentState.id, row.newDocumentState);
          acknowledgedPushes++;
        } catch {
          failedPushes++;
          return;
        }
      }
    };
    const pushing = Promise.all([0, 1, 2, 3].map(pusher));
    while (acknowledgedPushes < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    await kill(child);
    await pushing;
    expect(failedPushes).toBeGreaterThan(0);

    ({ child, url } = await startServer());
    const after = new SyncHttpClient({ baseUrl: url, token: ADMIN_TOKEN });
    const stored = new Map<string, Wire<PlanDoc>>();
    let checkpoint: { seq: number } | undefined;
    for (;;) {
      const page = await after.pull<Wire<PlanDoc>>('plans', checkpoint, 1000);
      for (const doc of page.documents) stored.set(doc.id, doc);
      if (page.documents.length === 0) break;
      checkpoint = page.checkpoint;
    }
    expect(acked.size).toBeGreaterThan(200);
    for (const [id, doc] of acked) {
      const kept = stored.get(id);
      expect(kept, id).toBeDefined();
      // The acknowledged state, or a later one whose push was in flight when the server died.
      expect(kept!.version, id).toBeGreaterThanOrEqual(doc.version);
    }
    await kill(child);
  }, 120_000);
});
