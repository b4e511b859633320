import { ManualClock } from '../core/clock.ts';
import { customerSchema } from '../core/customers/customer.ts';
import { toCustomerDoc } from '../db/schemas/customers.ts';
import { AuditLog } from '../engine/audit/audit-log.ts';
import { openApiTest } from '../testing/api-client.ts';
import type { ServiceError } from '../../renderer/api/service-client.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);

describe('governance API', () => {
  it('rules put a plan into pending approval; only an approver decides; each decision is audited once', async () => {
    const t = await openApiTest(new ManualClock(T0));
    onTestFinished(() => t.dispose());
    const customers = [1, 2, 3].map((i) => customerSchema.parse({ externalId: `C${i}`, storeId: 'S01', registeredAt: '2024-01-01T00:00:00Z', name: `客户${i}`, phone: `1380000000${i}`, consent: { sms: true } }));
    await t.services.database.collections.customers.bulkInsert(customers.map(toCustomerDoc));
    const audience = await t.client.mutate('audiences/save-audience', { name: 'All', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } } });

    const bad = (await t.client.mutate('governance/set-rules', { rules: [{ id: 'r', kind: 'audience-size' }] }).catch((e: unknown) => e)) as ServiceError;
    expect(bad).toMatchObject({ code: 'GV_RULES_INVALID', params: { path: 'rules.0.threshold' } });
    await t.client.mutate('governance/set-rules', { rules: [{ id: 'big', kind: 'audience-size', threshold: 2 }] });
    const view = await t.client.query('governance/get-rules', {});
    expect(view).toMatchObject({ actor: 'api:in-process', canApprove: false, settings: { rules: [{ id: 'big', enabled: true }], approvers: ['user:desk', 'cli:*'] } });

    const plan = await t.client.mutate('plans/create-plan', {
      name: 'Big one',
      audienceId: audience.id,
      time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
      actions: [{ id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，你好' } } }],
    });
    expect(await t.client.mutate('plans/activate-plan', { id: plan.id })).toMatchObject({ status: 'pending-approval' });
    const runNow = (await t.client.mutate('plans/run-now', { id: plan.id }).catch((e: unknown) => e)) as ServiceError;
    expect(runNow.code).toBe('GV_PENDING_APPROVAL');
    const refused = (await t.client.mutate('plans/approve-plan', { id: plan.id, comment: 'me' }).catch((e: unknown) => e)) as ServiceError;
    expect(refused.code).toBe('GV_NOT_APPROVER');

    await t.client.mutate('governance/set-rules', { ...view.settings, approvers: ['api:in-process'] });
    expect(await t.client.mutate('plans/approve-plan', { id: plan.id, comment: 'ok' })).toMatchObject({ status: 'scheduled', approval: { state: 'approved', decidedBy: 'api:in-process' } });

    await AuditLog.of(t.services.database.collections.auditLog).drain();
    const entries = (await t.services.database.collections.auditLog.find({ sort: [{ seq: 'asc' }] }).exec()).map((e) => e.toMutableJSON());
    const approvals = entries.filter((e) => e.method === 'plans/approve-plan');
    expect(approvals.map((e) => [e.outcome, e.errorCode])).toEqual([['error', 'GV_NOT_APPROVER'], ['ok', '']]);
    expect(approvals[1]).toMatchObject({ details: { decision: 'approve', comment: 'ok', reasons: [{ ruleId: 'big', actual: 3 }] } });
    expect(entries.filter((e) => e.method === 'governance/request-approval')).toHaveLength(1);
    const setRules = entries.filter((e) => e.method === 'governance/set-rules');
    expect(setRules.map((e) => e.outcome)).toEqual(['error', 'ok', 'ok']);
    expect(setRules[2]?.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('approvers') })]));
  });
});
