import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { appRoot } from '../../app/paths.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { openEngineTest } from './test-engine.ts';

const N = 50_000;
const child = join(appRoot, 'main/engine/executor/crash-child.ts');

/** Runs the child; resolves with its output when it exits, or kills it once `killWhen` matches a line. */
function runChild(args: string[], killWhen?: (line: string) => boolean): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killWhen && chunk.split('\n').some(killWhen)) p.kill('SIGKILL');
    });
    p.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    p.on('error', reject);
    p.on('exit', (code, signal) => (code !== 0 && signal === null ? reject(new Error(`child failed (${code}): ${err.slice(-2000)}`)) : resolve({ code, signal, out })));
  });
}

describe('Executor crash safety', () => {
  it(`a ${N}-item run SIGKILLed mid-run and restarted grants and messages each customer exactly once`, async () => {
    const dir = makeTempDir('campaign-desk-crash-');
    onTestFinished(() => dir.remove());
    await runChild(['seed', dir.path, String(N)]);

    // Killed while it works: somewhere after the first 10,000 items.
    const first = await runChild(['run', dir.path], (line) => /^progress (\d+)/.test(line) && Number(/^progress (\d+)/.exec(line)?.[1]) >= 10_000);
    expect(first.signal).toBe('SIGKILL');
    const second = await runChild(['run', dir.path]);
    expect(second.out).toMatch(/finished done/);

    const t = await openEngineTest({ dir: dir.path });
    onTestFinished(() => t.close());
    const [run] = await t.runs.list({ limit: 1 });
    expect(run?.counts).toMatchObject({ total: N, done: N, granted: N, sent: N, failed: 0 });
    const { grants, messages, operationRecords } = t.database.collections;
    expect(await grants.count({ selector: { state: 'granted' } }).exec()).toBe(N);
    expect(await grants.count().exec()).toBe(N);
    expect(await messages.count({ selector: { state: 'sent' } }).exec()).toBe(N);
    expect(new Set((await messages.find({ selector: { state: 'sent' } }).exec()).map((m) => m.customerId)).size).toBe(N);
    // One record per customer: each grant's one-step `right-granted`, none twice, none missing.
    expect(await operationRecords.count({ selector: { type: 'right-granted' } }).exec()).toBe(N);
    expect(await operationRecords.count().exec()).toBe(N);
    // The outbox file (what staff send by hand) has each message once.
    const rows = readdirSync(join(dir.path, 'outbox'))
      .filter((f) => f.endsWith('.csv'))
      .flatMap((f) => parse(readFileSync(join(dir.path, 'outbox', f), 'utf8'), { bom: true, columns: true }) as { id: string; customer: string }[]);
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.customer)).size).toBe(N);
  }, 600_000);
});
