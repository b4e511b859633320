import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../app/paths.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';

const dir = makeTempDir();
afterAll(() => dir.remove());

function cli(...args: string[]) {
  return cliIn('en_US.UTF-8', ...args);
}

function cliIn(lang: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(appRoot, 'bin/campaign-desk.mjs'), ...args, '--data-dir', dir.path], { encoding: 'utf8', env: { ...process.env, LANG: lang, CAMPAIGN_DESK_LANG: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each case starts the CLI several times (a few seconds each on a loaded machine).
describe('campaign-desk import, audience and demo', { timeout: 180_000 }, () => {
  it('imports customers, reports refused rows with exit code 2, and counts an audience', () => {
    const file = join(dir.path, 'customers.csv');
    writeFileSync(file, ['id,name,level,birthday', 'A1,甲,3,1990-01-02', 'A2,乙,1,1991-02-03', 'A3,丙,nine,1992-03-04'].join('\n'));
    const imported = cli('import', 'customers', file, '--json');
    expect(imported.code).toBe(2);
    const summary = JSON.parse(imported.out) as { imported: number; failed: number; errorFile: string };
    expect(summary).toMatchObject({ imported: 2, failed: 1 });
    expect(summary.errorFile).toBe(join(dir.path, 'customers.errors.csv'));

    const rule = join(dir.path, 'rule.json');
    writeFileSync(rule, JSON.stringify({ version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 2 } }));
    const counted = cli('audience', 'count', rule, '--json');
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.out)).toEqual({ count: 1 });
    expect(cli('audience', 'export', rule).out.trim()).toBe('A1');
    expect(cli('audience', 'explain', rule).out).toMatch(/^customers: 2\nroot {2}attribute {2}alone 1 {2}remaining 1/);
    expect(cliIn('zh_CN.UTF-8', 'audience', 'explain', rule).out).toMatch(/^顾客: 2\nroot {2}attribute {2}单独满足 1 {2}累计剩余 1/);
  });

  it('refuses a bad rule with its path and exit code 2', () => {
    const rule = join(dir.path, 'bad.json');
    writeFileSync(rule, JSON.stringify({ version: 1, root: { op: 'and', children: [{ kind: 'birthday', when: 'someday' }] } }));
    const result = cli('audience', 'count', rule);
    expect(result.code).toBe(2);
    expect(result.err).toContain('AU_INVALID_RULE');
    expect(result.err).toContain('root.children[0].when');
  });

  it('seeds and clears a demo chain without touching imported customers', () => {
    expect(cli('demo', 'seed', '--stores', '2', '--customers', '50').code).toBe(0);
    const rule = join(dir.path, 'all.json');
    writeFileSync(rule, JSON.stringify({ version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } }));
    expect(JSON.parse(cli('audience', 'count', rule, '--json').out)).toEqual({ count: 52 });
    expect(cli('demo', 'clear').code).toBe(0);
    expect(JSON.parse(cli('audience', 'count', rule, '--json').out)).toEqual({ count: 2 });
    expect(cli('demo', 'seed', '--customers', 'lots').code).toBe(2);
  });
});
