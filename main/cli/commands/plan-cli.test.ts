import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../app/paths.ts';
import { createAppServices } from '../../app/create-app-services.ts';
import { ManualClock } from '../../core/clock.ts';
import { customerSchema } from '../../core/customers/customer.ts';
import { toCustomerDoc } from '../../db/schemas/customers.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';

function cli(dataDir: string, ...args: string[]) {
  return cliIn('en', dataDir, ...args);
}

function cliIn(lang: 'en' | 'zh-CN', dataDir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(appRoot, 'bin/campaign-desk.mjs'), 'plan', ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8', CAMPAIGN_DESK_LANG: lang },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('campaign-desk plan', () => {
  it('creates a plan from a file, dry-runs it, activates it and runs it to the end', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    const services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock: new ManualClock(Date.now()) });
    const list = [1, 2, 3].map((i) => customerSchema.parse({ externalId: `C${i}`, storeId: 'S01', registeredAt: '2024-01-01T00:00:00Z', name: `客户${i}`, phone: `1380000000${i}`, consent: { sms: i !== 3 } }));
    await services.database.collections.customers.bulkInsert(list.map(toCustomerDoc));
    const audience = await services.audiences.save({ name: 'All', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } } }, Date.now());
    await services.engine.updateSettings({ quietHours: null }, { type: 'cli', id: 'test' });
    await services.close();

    const file = join(dir.path, 'plan.json');
    writeFileSync(file, JSON.stringify({
      name: 'Hello',
      audienceId: audience.id,
      time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * ? * 1' } },
      actions: [{ id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，你好' } } }],
    }));
    const created = cli(dir.path, 'create', file, '--json');
    expect(created.code).toBe(0);
    const plan = JSON.parse(created.out) as { id: string; status: string };
    expect(plan.status).toBe('draft');

    const dry = cli(dir.path, 'dry-run', plan.id);
    expect(dry.out).toContain('audience 3  items 3');
    expect(dry.out).toContain('2 sendable, skipped {"consent":1}');
    expect(cli(dir.path, 'activate', plan.id).out).toMatch(/ {2}Scheduled {2}/);
    const run = cli(dir.path, 'run', plan.id);
    expect(run.code).toBe(0);
    expect(run.out).toContain('total 3  done 2  granted 0  sent 2  skipped 1 (Opted out of the channel 1)  failed 0');
    expect(run.out).toMatch(/^R\w+ {2}Done /);
    expect(cliIn('zh-CN', dir.path, 'runs', plan.id).out).toMatch(/^R\w+ {2}已完成 .*客户已退订该渠道 1/);
    expect(cli(dir.path, 'runs', plan.id).out.trim().split('\n')).toHaveLength(1);
    expect(cli(dir.path, 'list').out).toContain('Hello');
  }, 120_000);

  it('approves and rejects a plan waiting for approval (plan approve / plan reject --comment)', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    const services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock: new ManualClock(Date.now()) });
    const list = [1, 2, 3].map((i) => customerSchema.parse({ externalId: `C${i}`, storeId: 'S01', registeredAt: '2024-01-01T00:00:00Z', name: `客户${i}`, phone: `1380000000${i}`, consent: { sms: true } }));
    await services.database.collections.customers.bulkInsert(list.map(toCustomerDoc));
    const audience = await services.audiences.save({ name: 'All', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } } }, Date.now());
    await services.engine.governance.set({ rules: [{ id: 'big', kind: 'audience-size', threshold: 2 }] }, { type: 'cli', id: 'test' });
    const plan = await services.engine.plans.create({
      name: 'Needs approval',
      audienceId: audience.id,
      time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * ? * 1' } },
      actions: [{ id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，你好' } } }],
    }, { type: 'cli', id: 'test' });
    await services.close();

    expect(cli(dir.path, 'activate', plan.id).out).toMatch(/ {2}Pending approval {2}/);
    const refused = cli(dir.path, 'reject', plan.id);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('GV_COMMENT_REQUIRED');
    const approved = cli(dir.path, 'approve', plan.id, '--comment', 'ok for this week', '--json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out)).toMatchObject({ status: 'scheduled', approval: { state: 'approved', comment: 'ok for this week' } });
  }, 120_000);

  it('refuses a bad plan file with what and where, and stores nothing', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'Bad', audienceId: 'a', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, actions: [] }));
    const bad = cli(dir.path, 'create', file);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('EN_PLAN_INVALID');
    expect(bad.err).toContain('"actions"');
    writeFileSync(file, '{ not json');
    expect(cli(dir.path, 'create', file).err).toContain('not valid JSON');
    expect(cli(dir.path, 'list').out.trim()).toBe('');
  }, 60_000);
});
