import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../app/paths.ts';

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(appRoot, 'bin/campaign-desk.mjs'), 'period', ...args], {
      env: { ...process.env, LANG: 'en_US.UTF-8', CAMPAIGN_DESK_LANG: '' },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// Each run starts Node and tsx (seconds on a busy machine): start them all at once, up front.
const runs = {
  check: ['check', '* 20-30 8-20 * * ? 31'],
  checkJson: ['check', '* * * * * 1,3 * 32', '--json'],
  invalid: ['check', '0 0 25 * * *'],
  invalidZh: ['check', '0 0 25 * * *', '--lang', 'zh-CN'],
  describeZh: ['describe', '* * * * * 1,3 * 32', '--lang', 'zh-CN'],
  describeEn: ['describe', '* 20-30 8-20 * * ? 31', '--lang', 'en'],
  next: ['next', '0 30 2 * * *', '--tz', 'America/New_York', '--from', '2026-03-07T12:00', '--count', '3'],
  windows: ['windows', '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', '--tz', 'Asia/Shanghai', '--from', '2019-04-01', '--to', '2019-05-01', '--json'],
  contains: ['contains', '* 20-30 8-20 * * ? 31', '--tz', 'Asia/Shanghai', '--from', '2026-03-04T20:30:59'],
  badZone: ['next', '0 0 9 * * 1', '--tz', 'Nowhere/City'],
  badCount: ['next', '0 0 9 * * 1', '--count', 'many'],
} satisfies Record<string, string[]>;

const results: Partial<Record<keyof typeof runs, Result>> = {};

beforeAll(async () => {
  const entries = Object.entries(runs) as [keyof typeof runs, string[]][];
  const done = await Promise.all(entries.map(([, args]) => cli(...args)));
  entries.forEach(([name], i) => (results[name] = done[i]));
}, 120_000);

const get = (name: keyof typeof runs): Result => {
  const r = results[name];
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};

describe('campaign-desk period', () => {
  it('check: exit 0 with the type, canonical text and description', () => {
    const r = get('check');
    expect(r.code).toBe(0);
    expect(r.out).toBe('valid: type 31 (daily)\ncanonical: * 20-30 8-20 * * ? * 31\nevery day, 08:20–20:30\n');
    const json = JSON.parse(get('checkJson').out) as { valid: boolean; type: number; kind: string };
    expect(json).toMatchObject({ valid: true, type: 32, kind: 'weekly' });
  });

  it('check: exit 2 with the error on stderr, in the chosen language', () => {
    const r = get('invalid');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim()).toBe('PE_OUT_OF_RANGE: field 3 (hour): 25 is out of range 0-23 (column 5)');
    expect(get('invalidZh').err.trim()).toBe('PE_OUT_OF_RANGE: 第 3 个字段（时）：25 超出范围 0-23（第 5 列）');
  });

  it('describe: zh-CN and en', () => {
    expect(get('describeZh').out.trim()).toBe('每周一、周三');
    expect(get('describeEn').out.trim()).toBe('every day, 08:20–20:30');
  });

  it('next: local instants with offsets, 02:30 on the spring-forward day at 03:00 EDT', () => {
    const r = get('next');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual(['2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00', '2026-03-10T02:30:00-04:00']);
  });

  it('windows: JSON with instants and local times', () => {
    const r = get('windows');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      {
        start: Date.parse('2019-04-23T16:00:00Z'),
        end: Date.parse('2019-04-25T16:00:00Z'),
        localStart: '2019-04-24T00:00:00+08:00',
        localEnd: '2019-04-26T00:00:00+08:00',
      },
    ]);
  });

  it('contains: true or false', () => {
    expect(get('contains')).toMatchObject({ code: 0, out: 'true\n' });
  });

  it('bad options: exit 2 with a coded error', () => {
    expect(get('badZone').code).toBe(2);
    expect(get('badZone').err).toContain('PE_BAD_TIME_ZONE');
    expect(get('badCount').code).toBe(2);
    expect(get('badCount').err).toContain('CLI_USAGE: --count must be an integer');
  });
});
