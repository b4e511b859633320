import { localLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { ManualClock } from '../core/clock.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { createServiceClient, type ServiceClient, type ServiceError } from '../../renderer/api/service-client.ts';
import { methods } from './methods.ts';
import type { PeriodForm } from '../core/period/index.ts';
import type { PeriodInspection, PeriodInspectionOk } from './period.ts';
import { createApiRouter } from './router.ts';

function ok(result: PeriodInspection): PeriodInspectionOk {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result;
}

describe('period API', () => {
  const dir = makeTempDir();
  // Wednesday 2026-11-25 10:00 in Shanghai.
  const clock = new ManualClock(Date.parse('2026-11-25T02:00:00Z'));
  let services: AppServices;
  let client: ServiceClient;

  beforeAll(async () => {
    services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock });
    const router = createApiRouter(methods);
    client = createServiceClient([localLink({ router, createContext: async () => ({ services, transport: 'in-process' as const }) })]);
  });
  afterAll(async () => {
    await services.close();
    dir.remove();
  });

  it('inspects the weekly example: description, form, next windows from now', async () => {
    const r = ok(await client.query('period/inspect-expression', { expression: '* * * * * 1,3 * 32', timeZone: 'Asia/Shanghai' }));
    expect(r).toMatchObject({
      expression: '* * * * * 1,3 * 32',
      typeCode: 32,
      kind: 'weekly',
      description: { 'zh-CN': '每周一、周三', en: 'every Monday and Wednesday' },
      form: { mode: 'weekly', days: [1, 3], from: '00:00', to: '23:59' },
    });
    // Wednesday's window is in effect now; then Monday and Wednesday of the next weeks.
    expect(r.nextWindows.slice(0, 3)).toEqual([
      { start: '2026-11-25T00:00:00+08:00', end: '2026-11-26T00:00:00+08:00' },
      { start: '2026-11-30T00:00:00+08:00', end: '2026-12-01T00:00:00+08:00' },
      { start: '2026-12-02T00:00:00+08:00', end: '2026-12-03T00:00:00+08:00' },
    ]);
    expect(r.nextWindows).toHaveLength(5);
    expect(r.nextExecutions[0]).toBe('2026-11-30T00:00:00+08:00');
  });

  it('inspects the daily example (seven fields) with a start and count', async () => {
    const r = ok(await client.query('period/inspect-expression', { expression: '* 20-30 8-20 * * ? 31', timeZone: 'Asia/Shanghai', from: '2026-03-04T21:00', count: 2 }));
    expect(r).toMatchObject({ expression: '* 20-30 8-20 * * ? * 31', typeCode: 31, description: { 'zh-CN': '每天 08:20–20:30', en: 'every day, 08:20–20:30' }, form: { mode: 'daily', from: '08:20', to: '20:30' } });
    expect(r.nextWindows).toEqual([
      { start: '2026-03-05T08:20:00+08:00', end: '2026-03-05T20:31:00+08:00' },
      { start: '2026-03-06T08:20:00+08:00', end: '2026-03-06T20:31:00+08:00' },
    ]);
    expect(r.nextExecutions).toEqual(['2026-03-05T08:20:00+08:00', '2026-03-06T08:20:00+08:00']);
  });

  it('inspects the fixed example: one window, nothing after it', async () => {
    const r = ok(await client.query('period/inspect-expression', { expression: '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', timeZone: 'Asia/Shanghai', from: '2019-01-01' }));
    expect(r).toMatchObject({ typeCode: 2, form: { mode: 'fixed', start: '2019-04-24', end: '2019-04-25' }, description: { en: 'from 2019-04-24 to 2019-04-25' } });
    expect(r.nextWindows).toEqual([{ start: '2019-04-24T00:00:00+08:00', end: '2019-04-26T00:00:00+08:00' }]);
    const after = ok(await client.query('period/inspect-expression', { expression: '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', timeZone: 'Asia/Shanghai' }));
    expect(after.nextWindows).toEqual([]);
  });

  it('answers an invalid expression with ok: false naming field and column (no throw)', async () => {
    const r = await client.query('period/inspect-expression', { expression: '0 0 25 * * *', timeZone: 'UTC' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'PE_OUT_OF_RANGE', params: { field: 3, fieldName: 'hour', column: 5, value: 25 } });
    expect(r.error.message).toBe('field 3 (hour): 25 is out of range 0-23 (column 5)');
    const empty = await client.query('period/inspect-expression', { expression: '', timeZone: 'UTC' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'PE_EMPTY' } });
  });

  it('refuses an unknown time zone and a bad start instant (those throw)', async () => {
    const zone = (await client.query('period/inspect-expression', { expression: '0 0 9 * * *', timeZone: 'Mars/Olympus' }).catch((e: unknown) => e)) as ServiceError;
    expect(zone.code).toBe('PE_BAD_TIME_ZONE');
    const from = (await client.query('period/inspect-expression', { expression: '0 0 9 * * *', timeZone: 'UTC', from: 'yesterday' }).catch((e: unknown) => e)) as ServiceError;
    expect(from.code).toBe('TM_BAD_INSTANT');
  });

  it('turns forms into expressions and back (round trip)', async () => {
    const forms: PeriodForm[] = [
      { mode: 'weekly', days: [1, 3], from: '00:00', to: '23:59' },
      { mode: 'daily', from: '08:20', to: '20:30' },
      { mode: 'monthly', days: [[1, 3], 'L'], from: '00:00', to: '23:59' },
      { mode: 'yearly', start: '10-01', end: '10-07', from: '00:00', to: '23:59' },
      { mode: 'fixed', start: '2019-04-24', end: '2019-04-25' },
      { mode: 'point', time: '09:00', days: { weekdays: [1, 3] } },
    ];
    const expected = ['* * * * * 1,3 * 32', '* 20-30 8-20 * * ? * 31', '* * * 1-3,L * * * 33', '* * * 1-7 10-10 * * 34', '0-0 0-0 0-0 24-25 4-4 * 2019-2019 2', '0 0 9 * * 1,3 * 1'];
    for (const [i, form] of forms.entries()) {
      const r = ok(await client.query('period/form-to-expression', { form, timeZone: 'Asia/Shanghai', from: '2026-01-01' }));
      expect(r.expression).toBe(expected[i]);
      expect(r.form).toEqual(form);
      const back = ok(await client.query('period/inspect-expression', { expression: r.expression, timeZone: 'Asia/Shanghai' }));
      expect(back.form).toEqual(form);
    }
  });

  it('answers a bad form with PE_FORM_INVALID and its path', async () => {
    const r = await client.query('period/form-to-expression', { form: { mode: 'daily', from: '25:00', to: '20:30' }, timeZone: 'UTC' });
    expect(r).toMatchObject({ ok: false, error: { code: 'PE_FORM_INVALID', params: { path: 'from' } } });
  });

  it('follows DST in New York: the 02:30 run on spring-forward day is at 03:00 EDT', async () => {
    const r = ok(
      await client.query('period/form-to-expression', {
        form: { mode: 'point', time: '02:30' },
        timeZone: 'America/New_York',
        from: '2026-03-07T12:00',
        count: 3,
      }),
    );
    expect(r.expression).toBe('0 30 2 * * ? * 1');
    expect(r.nextExecutions).toEqual(['2026-03-08T03:00:00-04:00', '2026-03-09T02:30:00-04:00', '2026-03-10T02:30:00-04:00']);
    expect(r.nextWindows).toEqual([]);
  });
});
