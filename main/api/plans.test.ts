import { ManualClock } from '../core/clock.ts';
import { customerSchema } from '../core/customers/customer.ts';
import { toCustomerDoc } from '../db/schemas/customers.ts';
import { openApiTest } from '../testing/api-client.ts';
import type { ServiceError } from '../../renderer/api/service-client.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);

async function setup() {
  const t = await openApiTest(new ManualClock(T0));
  onTestFinished(() => t.dispose());
  const customers = [1, 2, 3, 4].map((i) => customerSchema.parse({ externalId: `C${i}`, storeId: 'S01', level: i, registeredAt: '2024-01-01T00:00:00Z', name: `客户${i}`, phone: `1380000000${i}`, consent: { sms: i !== 4 } }));
  await t.services.database.collections.customers.bulkInsert(customers.map(toCustomerDoc));
  const audience = await t.client.mutate('audiences/save-audience', { name: 'All', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } } });
  const right = await t.client.mutate('rights/create-right', { name: '满100减10', kind: 'coupon', params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } } });
  return { ...t, audienceId: audience.id, rightId: right.id };
}

const sms = { id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，券码 {{couponCode}}' } } } as const;

describe('plans and runs API', () => {
  it('creates, dry-runs, activates and runs a plan; the run shows in the runs feed', async () => {
    const t = await setup();
    const plan = await t.client.mutate('plans/create-plan', {
      name: '春季券',
      audienceId: t.audienceId,
      time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
      actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: t.rightId } }, sms],
    });
    expect(plan).toMatchObject({ status: 'draft', version: 1 });
    const dry = await t.client.query('plans/dry-run', { id: plan.id });
    expect(dry).toMatchObject({ audienceSize: 4, items: 4, rights: [{ needed: 4, remaining: null, enough: true }], messages: [{ sendable: 3, skippedBy: { consent: 1 } }] });

    const preview = await t.client.query('plans/preview-message', { action: sms, customerId: 'C1', planName: '春季券' });
    expect(preview).toMatchObject({ ok: true, body: '客户1，券码 ABCD-EFGH-JKLM-NPQ5' });

    await t.client.mutate('plans/activate-plan', { id: plan.id });
    await t.services.engine.scheduler.tick();
    await t.services.engine.executor.drain();
    const { runs } = await t.client.query('plans/get-plan', { id: plan.id });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'done', counts: { total: 4, granted: 4, sent: 3 }, skippedBy: { consent: 1 } });
    const listed = await t.client.query('runs/list-runs', { planId: plan.id });
    expect(listed[0]?.progress.phase).toBe('idle');
    const { failed } = await t.client.query('runs/get-run', { id: runs[0]?.id ?? '' });
    expect(failed).toEqual([]);
    const decisions = await t.client.query('runs/list-decisions', { planId: plan.id });
    // Newest first: the plan was completed right after its only fire.
    expect(decisions.map((d) => d.kind)).toEqual(['exhausted', 'fired']);
    expect((await t.client.query('plans/get-plan', { id: plan.id })).plan.status).toBe('completed');
  });

  it('refuses a bad plan with the path and stores nothing; refuses commands in the wrong state', async () => {
    const t = await setup();
    const error = (await t.client
      .mutate('plans/create-plan', { name: 'x', audienceId: t.audienceId, time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 9 * * 8 * 1' } }, actions: [sms] })
      .catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('PE_OUT_OF_RANGE');
    expect(await t.client.query('plans/list-plans')).toEqual([]);
    const plan = await t.client.mutate('plans/create-plan', { name: 'ok', audienceId: t.audienceId, time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: t.rightId } }] });
    const refused = (await t.client.mutate('plans/pause-plan', { id: plan.id }).catch((e: unknown) => e)) as ServiceError;
    expect(refused).toMatchObject({ code: 'EN_PLAN_STATE', params: { status: 'draft', action: 'pause' } });
  });

  it('keeps engine settings, channels and rates; secrets never come back', async () => {
    const t = await setup();
    expect(await t.client.query('engine/get-settings')).toMatchObject({ quietHours: { start: '21:00', end: '08:00' }, frequencyCap: { max: 2, days: 7 } });
    await t.client.mutate('engine/update-settings', { quietHours: null });
    expect((await t.client.query('engine/get-settings')).quietHours).toBeNull();
    const bad = (await t.client.mutate('engine/update-settings', { chunkSize: 0 }).catch((e: unknown) => e)) as ServiceError;
    expect(bad.code).toBe('EN_PLAN_INVALID');
    const channels = await t.client.mutate('engine/save-channel', { kind: 'webhook', id: 'sms-gw', url: 'https://sms.example.com/send', secret: 'a-very-secret-key-1' });
    expect(channels.map((c) => c.id)).toEqual(['outbox', 'sms-gw']);
    expect(channels[1]).toMatchObject({ secret: '••••', downstream: 'channel:sms-gw' });
    const invalid = (await t.client.mutate('engine/save-channel', { kind: 'webhook', id: 'sms-gw', url: 'ftp://x', secret: 'short' }).catch((e: unknown) => e)) as ServiceError;
    expect(invalid).toMatchObject({ code: 'CH_CONFIG_INVALID', params: { channel: 'sms-gw' } });
    expect(await t.client.query('engine/list-channels')).toHaveLength(2);
    // The outbox is a file: its budget is high unless set; other channels start at the default rate.
    expect((await t.client.query('runs/list-throttles')).find((x) => x.name === 'channel:outbox')).toMatchObject({ maxRate: 10_000 });
    const throttles = await t.client.mutate('runs/set-rate', { downstream: 'channel:sms-gw', maxRate: 120 });
    expect(throttles.find((x) => x.name === 'channel:sms-gw')).toMatchObject({ maxRate: 120 });
    expect((await t.services.database.settings.get('engine.rates'))?.value).toEqual({ 'channel:sms-gw': 120 });
  });
});
