import { ManualClock } from '../core/clock.ts';
import { openApiTest } from '../testing/api-client.ts';
import type { ServiceError } from '../../renderer/api/service-client.ts';
import type { AuditEntry } from './audit.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);
const everyone = { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } };

describe('audit trail of the service API', () => {
  it('records every change once: who, what, how it ended, what changed; uploads and plugin lifecycle are not doubled', async () => {
    const clock = new ManualClock(T0);
    const t = await openApiTest(clock);
    onTestFinished(() => t.dispose());
    const entries = async () => (await t.client.query('audit/list-entries', { limit: 1000 })).entries.slice().reverse();

    const audience = await t.client.mutate('audiences/save-audience', { name: 'All', rule: everyone });
    clock.advance(1000);
    await t.client.mutate('audiences/save-audience', { id: audience.id, name: 'Everyone', description: 'all members', rule: everyone });
    clock.advance(1000);
    const missing = (await t.client.mutate('plans/activate-plan', { id: 'nope' }).catch((e: unknown) => e)) as ServiceError;
    await t.client.mutate('settings/update-settings', { theme: 'dark' });
    await t.client.mutate('engine/save-channel', { kind: 'webhook', id: 'sms-gw', url: 'https://sms.example.com/send', secret: 'a-very-secret-key-1' });
    await t.client.mutate('engine/save-channel', { kind: 'webhook', id: 'sms-gw', url: 'https://sms.example.com/v2', secret: 'another-secret-key-2' });
    const { uploadId } = await t.client.mutate('imports/begin-upload', {});
    await t.client.mutate('imports/append-upload', { uploadId, chunk: Buffer.from('externalId\nC1\n').toString('base64') });
    await t.client.mutate('plugins/disable-plugin', { id: 'campaign-desk.birthday' });
    await t.client.mutate('plugins/enable-plugin', { id: 'nobody.nothing' }).catch(() => undefined);

    const log = await entries();
    const line = (e: AuditEntry) => `${e.seq} ${e.actor.type}:${e.actor.id} ${e.method} ${e.targetCollection}/${e.targetId} ${e.outcome} ${e.errorCode}`.trim();
    expect(log.map(line)).toEqual([
      `1 api:in-process audiences/save-audience audiences/${audience.id} ok`,
      `2 api:in-process audiences/save-audience audiences/${audience.id} ok`,
      `3 api:in-process plans/activate-plan plans/nope error ${missing.code}`,
      '4 api:in-process settings/update-settings settings/app ok',
      '5 api:in-process engine/save-channel channels/sms-gw ok',
      '6 api:in-process engine/save-channel channels/sms-gw ok',
      // Written by the plugin manager itself; the router sees it and adds nothing.
      '7 api:in-process plugins/disable-plugin plugins/campaign-desk.birthday ok',
      // Refused before the plugin manager wrote anything: the router records it.
      '8 api:in-process plugins/enable-plugin plugins/nobody.nothing error PL_NOT_FOUND',
    ]);
    const [created, edited, refused, settings, , channel] = log;
    expect(created).toMatchObject({ at: T0, summary: 'All', details: { transport: 'in-process', input: { name: 'All' } } });
    expect(created!.changes).toBeUndefined();
    expect(edited!.changes).toEqual([
      { path: 'description', before: '', after: 'all members' },
      { path: 'name', before: 'All', after: 'Everyone' },
    ]);
    expect(refused!.summary).toContain('nope');
    expect(settings!.changes).toEqual([{ path: 'theme', before: 'system', after: 'dark' }]);
    // Credentials: the change shows, the secret never does.
    expect(channel!.changes).toEqual([{ path: 'url', before: 'https://sms.example.com/send', after: 'https://sms.example.com/v2' }]);
    expect(JSON.stringify(log)).not.toMatch(/a-very-secret|another-secret/);

    expect(await t.client.query('audit/verify-chain')).toMatchObject({ ok: true, count: 8, chains: [{ lastSeq: 8 }] });
  });

  it('searches by method or area, actor, text and dates, pages, and exports CSV', async () => {
    const clock = new ManualClock(T0);
    const t = await openApiTest(clock);
    onTestFinished(() => t.dispose());
    for (let i = 1; i <= 5; i++) {
      await t.client.mutate('audiences/save-audience', { name: `Audience ${i}`, rule: everyone });
      clock.advance(3_600_000);
    }
    await t.client.mutate('settings/update-settings', { theme: 'light' });

    const all = await t.client.query('audit/list-entries', {});
    expect(all.total).toBe(6);
    expect(all.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    const first = await t.client.query('audit/list-entries', { method: 'audiences', limit: 1 });
    expect(first).toMatchObject({ total: 5, entries: [{ seq: 5 }] });
    const page = await t.client.query('audit/list-entries', { method: 'audiences', cursor: first.cursor, limit: 2 });
    expect(page.entries.map((e) => e.seq)).toEqual([4, 3]);
    expect(page.total).toBeUndefined();
    const last = await t.client.query('audit/list-entries', { method: 'audiences', cursor: page.cursor, limit: 2 });
    expect(last.entries.map((e) => e.seq)).toEqual([2, 1]);
    expect(last.cursor).toBeUndefined();
    const bad = (await t.client.query('audit/list-entries', { cursor: 'nonsense' }).catch((e: unknown) => e)) as ServiceError;
    expect(bad.code).toBe('API_VALIDATION');
    expect((await t.client.query('audit/list-entries', { method: 'settings/update-settings' })).total).toBe(1);
    expect((await t.client.query('audit/list-entries', { actor: 'in-process', text: 'audience 2' })).entries.map((e) => e.seq)).toEqual([2]);
    expect((await t.client.query('audit/list-entries', { actor: 'user:' })).total).toBe(0);
    expect((await t.client.query('audit/list-entries', { since: T0 + 3_600_000, until: T0 + 3 * 3_600_000 })).entries.map((e) => e.seq)).toEqual([3, 2]);

    const file = await t.client.query('audit/export-entries', { method: 'audiences', locale: 'en' });
    expect(file).toMatchObject({ fileName: 'audit-log-2026-03-10.csv', count: 5, more: false });
    const lines = file.csv.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('No.,Time,Actor,Action,Target,Outcome,Error code,Summary,Changes,Device,Store,Entry id,Hash');
    expect(lines[1]).toMatch(/^5,2026-03-10T14:00:00\+08:00,API:in-process,audiences\/save-audience,audiences\/[^,]+,OK,,Audience 5,,D-[^,]+,,A-[^,]+,[0-9a-f]{64}$/);
    expect((await t.client.query('audit/export-entries', { locale: 'zh-CN' })).csv).toContain('序号,时间,操作者');
  });
});
