// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { i18n } from '../../i18n/index.ts';
import { ServiceError } from '../../api/service-client.ts';
import ApprovalPanel from './ApprovalPanel.vue';
import GovernanceSettingsView from '../settings/GovernanceSettingsView.vue';
import { answers, calls, useFakeService } from '../../testing/fake-service.ts';
import type { Plan } from './types.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const AT = Date.UTC(2026, 2, 10, 2, 0, 0);
const pending = {
  id: 'P-1', storeId: '', name: 'Big coupon', description: '', marketingType: 'precise-audience', pluginId: 'campaign-desk.precise-audience',
  status: 'pending-approval', audienceId: 'a1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, misfire: 'fire-once',
  actions: [], limits: {}, config: {}, holdoutPercent: 0, nextFireAt: 9_999_999_999_999, activatedAt: 0, lastFiredAt: 0, version: 2, source: 'local',
  createdAt: AT, updatedAt: AT, updatedBy: 'user:desk',
  approval: { state: 'pending', request: 'activate', reasons: [{ ruleId: 'costly', kind: 'rights-value', threshold: 100_000, actual: 360_000 }], requestedAt: AT, requestedBy: 'user:desk', decidedAt: 0, decidedBy: '', comment: '' },
} as unknown as Plan;
const rules = (canApprove: boolean) => ({
  settings: { rules: [{ id: 'costly', kind: 'rights-value', enabled: true, thresholdCents: 100_000 }], riskLimits: { maxValuePerCustomerPerDayCents: 5000, maxMessagesPerCustomerPerWeek: null }, approvers: ['user:desk'] },
  actor: 'user:desk',
  canApprove,
});

const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

useFakeService();

describe('ApprovalPanel', () => {
  it('shows why the plan waits and lets an approver reject it, a comment required', async () => {
    answers.set('governance/get-rules', () => rules(true));
    answers.set('plans/reject-plan', (input) => {
      if (!(input as { comment: string }).comment) throw new ServiceError('GV_COMMENT_REQUIRED', 'x', { id: 'P-1' });
      return { ...pending, status: 'draft', approval: { ...pending.approval, state: 'rejected', comment: 'too much' } };
    });
    const wrapper = mount(ApprovalPanel, { props: { plan: pending }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    await flushPromises();
    expect(inBody('approval-panel')?.textContent).toContain('waits for approval');
    expect(inBody('approval-reasons')?.textContent).toContain('rights value 3600.00 yuan > 1000.00 yuan');

    inBody('approval-reject')?.click();
    await flushPromises();
    expect(inBody('approval-error')?.textContent).toContain('a comment is required');

    const field = inBody('approval-comment');
    const comment = (field?.matches('textarea') ? field : field?.querySelector('textarea')) as HTMLTextAreaElement;
    comment.value = 'too much';
    comment.dispatchEvent(new Event('input'));
    await flushPromises();
    inBody('approval-reject')?.click();
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'plans/reject-plan', input: { id: 'P-1', comment: 'too much' } });
    expect(wrapper.emitted('decided')?.[0]?.[0]).toMatchObject({ status: 'draft' });
  });

  it('tells someone without the approver permission that they cannot decide', async () => {
    answers.set('governance/get-rules', () => rules(false));
    i18n.global.locale.value = 'zh-CN';
    mount(ApprovalPanel, { props: { plan: pending }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    await flushPromises();
    expect(inBody('approval-approve')).toBeNull();
    expect(inBody('approval-not-approver')?.textContent).toContain('没有审批权限');
  });
});

describe('GovernanceSettingsView', () => {
  it('shows the rules and limits in yuan and saves them back in cents', async () => {
    answers.set('governance/get-rules', () => rules(true));
    answers.set('governance/set-rules', (input) => input);
    mount(GovernanceSettingsView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    await flushPromises();
    expect((inBody('rule-threshold-costly')?.querySelector('input') as HTMLInputElement).value).toBe('1000.00');
    expect((inBody('risk-value')?.querySelector('input') as HTMLInputElement).value).toBe('50.00');
    inBody('governance-add-rule')?.click();
    await flushPromises();
    inBody('governance-save')?.click();
    await flushPromises();
    const saved = calls.find((c) => c.name === 'governance/set-rules')?.input;
    expect(saved).toEqual({
      rules: [{ id: 'costly', kind: 'rights-value', enabled: true, thresholdCents: 100_000 }, { id: 'rule-2', kind: 'audience-size', enabled: true, threshold: 10_000 }],
      riskLimits: { maxValuePerCustomerPerDayCents: 5000, maxMessagesPerCustomerPerWeek: null },
      approvers: ['user:desk'],
    });
  });
});
