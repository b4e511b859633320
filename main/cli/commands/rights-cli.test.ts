import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../app/paths.ts';
import { formatCode } from '../../core/rights/coupon-code.ts';
import type { Grant } from '../../core/rights/grant.ts';
import { coupon, openTestRights, staff } from '../../engine/rights/test-rights.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';

const dir = makeTempDir();
afterAll(() => dir.remove());

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [join(appRoot, 'bin/campaign-desk.mjs'), 'rights', ...args, '--data-dir', dir.path], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8', CAMPAIGN_DESK_LANG: '' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each run starts a CLI process (about 3 s on a busy machine): allow for several per test.
describe('campaign-desk rights', { timeout: 120_000 }, () => {
  const grants: Grant[] = [];
  beforeAll(async () => {
    const env = await openTestRights({ dir: dir.path, journal: true });
    const right = await env.rights.catalog.createRight(coupon, staff);
    const short = await env.rights.catalog.createRight({ ...coupon, name: '当日券', params: { benefit: { type: 'amount-off', amountOff: 500 }, validity: { type: 'days-from-grant', days: 1 } } }, staff);
    env.clock.set(Date.now());
    for (const [customerId, id] of [['c1', right.id], ['c2', right.id]] as const) {
      const [o] = await env.rights.ledger.grant([{ key: { planId: 'p', occurrence: 'o', customerId, actionId: 'a' }, subject: { type: 'right', id } }], staff);
      if (o?.ok) grants.push(o.grants[0]!);
    }
    env.clock.set(Date.now() - 3 * 86_400_000);
    const [old] = await env.rights.ledger.grant([{ key: { planId: 'p', occurrence: 'o', customerId: 'c3', actionId: 'a' }, subject: { type: 'right', id: short.id } }], staff);
    if (old?.ok) grants.push(old.grants[0]!);
    await env.close();
  });

  it('uses a code once, then refuses it as already used (exit code 2)', () => {
    const code = formatCode(grants[0]!.code!);
    expect(cli('show', code).out).toContain('Granted: 满100减10 (Coupon)');
    const used = cli('use', code.toLowerCase(), '--terminal', 'till-9');
    expect(used.code).toBe(0);
    expect(used.out).toContain('Used: 满100减10');
    const again = cli('use', code);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^RT_ALREADY_USED: The right .* was already used at /);
  });

  it('restores only with a reason, with a new validity', () => {
    const code = grants[0]!.code!;
    const noReason = cli('restore', code);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('CLI_USAGE');
    const restored = cli('restore', code, '--reason', 'order refunded', '--days', '7', '--json');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.out)).toMatchObject({ state: 'restored', id: grants[0]!.id });
    expect(cli('restore', grants[1]!.code!, '--reason', 'x').err).toContain('RT_NOT_USED');
  });

  it('recovers by grant id, after which the code no longer works', () => {
    expect(cli('recover', grants[1]!.id, '--reason', 'sent to the wrong customer').code).toBe(0);
    const refused = cli('use', grants[1]!.code!);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('RT_RECOVERED');
  });

  it('names unknown, malformed and expired codes', () => {
    expect(cli('use', '0000-0000-0000-0000').err).toContain('RT_CODE_UNKNOWN: No right has the code 0000-0000-0000-0000.');
    expect(cli('use', 'HELLO').err).toContain('RT_CODE_MALFORMED');
    const expired = cli('use', grants[2]!.code!, '--lang', 'zh-CN');
    expect(expired.code).toBe(2);
    expect(expired.err).toContain('RT_EXPIRED');
  });
});
