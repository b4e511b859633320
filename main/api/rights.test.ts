import { localLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { ManualClock } from '../core/clock.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { createServiceClient, type ServiceClient, type ServiceError } from '../../renderer/api/service-client.ts';
import { methods } from './methods.ts';
import { createApiRouter } from './router.ts';

const DAY = 86_400_000;

describe('rights API', () => {
  const dir = makeTempDir();
  const clock = new ManualClock(Date.parse('2026-03-10T02:00:00Z'));
  let services: AppServices;
  let client: ServiceClient;

  beforeAll(async () => {
    services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock });
    const router = createApiRouter(methods);
    client = createServiceClient([localLink({ router, createContext: async () => ({ services, transport: 'http' as const }) })]);
  });
  afterAll(async () => {
    await services.close();
    dir.remove();
  });

  it('lists every kind with a form schema', async () => {
    const kinds = await client.query('rights/list-kinds');
    expect(kinds.map((k) => k.kind)).toContain('experience-card');
    expect(kinds.find((k) => k.kind === 'coupon')).toMatchObject({ redeemable: true, balance: null, paramsSchema: { type: 'object' } });
  });

  it('creates a coupon and a package, grants, uses, restores, and shows the timeline', async () => {
    const coupon = await client.mutate('rights/create-right', {
      name: '满100减10',
      kind: 'coupon',
      params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } },
    });
    const pkg = await client.mutate('rights/create-package', { name: '新客礼包', items: [{ rightId: coupon.id }] });
    await client.mutate('rights/set-stock', { owner: { type: 'right', id: coupon.id }, total: 100 });
    const [result] = await client.mutate('rights/grant-rights', { requestId: 'req-1', subject: { type: 'package', id: pkg.id }, customerIds: ['C1'] });
    if (!result?.ok) throw new Error('grant failed');
    const code = result.grants[0]!.code!;
    // The same request again: the same grant.
    const [again] = await client.mutate('rights/grant-rights', { requestId: 'req-1', subject: { type: 'package', id: pkg.id }, customerIds: ['C1'] });
    expect(again).toMatchObject({ ok: true, existing: true, bundleId: result.bundleId });
    expect((await client.query('rights/find-code', { code })).state).toBe('granted');
    clock.advance(DAY);
    expect((await client.mutate('rights/use-code', { code, terminal: 'till-2' })).state).toBe('used');
    const error = (await client.mutate('rights/use-code', { code }).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('RT_ALREADY_USED');
    expect((await client.mutate('rights/restore-code', { code, reason: 'refund', validity: { type: 'days-from-grant', days: 7 } })).state).toBe('restored');
    const timeline = await client.query('rights/get-timeline', { customerId: 'C1' });
    expect(timeline.records.map((r) => r.type)).toEqual(['right-restored', 'right-used', 'right-granted', 'right-reserved']);
    expect(timeline.records[1]!.actor).toEqual({ type: 'pos', id: 'till-2' });
    expect(timeline.records[0]!.actor).toEqual({ type: 'user', id: 'desk' });
    expect(timeline.grants).toHaveLength(1);
    const [stock] = await client.query('rights/list-stocks');
    expect(stock).toMatchObject({ total: 100, granted: 1, remaining: 99, ownerName: '满100减10' });
    const csv = await client.query('rights/export-records', { customerId: 'C1', locale: 'en' });
    expect(csv).toMatchObject({ count: 4, more: false, fileName: 'operation-records-2026-03-11.csv' });
    expect(csv.csv.split('\r\n')[1]).toContain('Right restored');
  });

  it('answers bad codes and bad input with typed errors', async () => {
    for (const [code, expected] of [
      ['nope', 'RT_CODE_MALFORMED'],
      ['0000-0000-0000-0000', 'RT_CODE_UNKNOWN'],
    ] as const) {
      const error = (await client.mutate('rights/use-code', { code }).catch((e: unknown) => e)) as ServiceError;
      expect(error.code).toBe(expected);
    }
    const bad = (await client.mutate('rights/create-right', { name: 'x', kind: 'points', params: { amount: -1 } }).catch((e: unknown) => e)) as ServiceError;
    expect(bad).toMatchObject({ code: 'RT_INVALID_PARAMS', params: { kind: 'points', path: 'amount' } });
    const missing = (await client.mutate('rights/recover-grant', { grantId: 'nope', reason: 'x' }).catch((e: unknown) => e)) as ServiceError;
    expect(missing.code).toBe('SYS_NOT_FOUND');
  });
});
