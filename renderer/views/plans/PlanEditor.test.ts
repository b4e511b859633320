// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { h } from 'vue';
import { createRouter, createMemoryHistory, RouterView } from 'vue-router';
import { i18n } from '../../i18n/index.ts';
import { ServiceError } from '../../api/service-client.ts';
import PlanEditor from './PlanEditor.vue';
import type { MarketingType, PlanTemplate } from './types.ts';

import { answers, calls, useFakeService } from '../../testing/fake-service.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const birthday: MarketingType = {
  pluginId: 'campaign-desk.birthday',
  id: 'birthday',
  name: { en: 'Birthday care', 'zh-CN': '生日关怀' },
  description: { en: 'A greeting on the birthday.', 'zh-CN': '生日祝福。' },
  icon: 'Present',
  configSchema: { type: 'object', properties: { scope: { type: 'string', enum: ['day', 'week', 'month'], default: 'day' }, time: { type: 'string', default: '10:00' } } },
  hooks: ['eligibility', 'describe'],
};
const template: PlanTemplate = {
  name: { en: 'Birthday care', 'zh-CN': '生日关怀' },
  description: { en: 'On the birthday at 10:00', 'zh-CN': '生日当天 10:00' },
  audience: { name: { en: 'Customers reachable by SMS', 'zh-CN': '可短信触达的顾客' }, rule: { version: 1, root: { kind: 'consent', channel: 'sms' } } },
  timing: { effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00' } },
  actions: [{ id: 'greeting', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '生日快乐' }, en: { body: 'Happy birthday' } } }],
};

/** A stand-in page for the routes the editor leaves to. */
const Empty = { render: () => h('div') };

async function mountEditor() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/plans/new', component: PlanEditor }, { path: '/plans/:id', component: Empty }, { path: '/plans', component: Empty }] });
  await router.push('/plans/new');
  // Inside a router view, as in the app (the editor guards leaving with unsaved changes).
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}
const next = async (wrapper: Awaited<ReturnType<typeof mountEditor>>) => {
  await wrapper.find('[data-testid="plan-editor-next"]').trigger('click');
  await flushPromises();
};

useFakeService();
beforeEach(() => {
  answers.set('system/get-info', () => ({ version: 't', dataDir: '/d', startedAt: '', mode: 'test', now: '2026-03-01T01:00:00.000Z', counts: {} }));
  answers.set('plugins/list-marketing-types', () => [birthday]);
  answers.set('engine/list-channels', () => [{ id: 'outbox', kind: 'outbox', downstream: 'channel:outbox' }]);
  answers.set('engine/get-settings', () => null);
  answers.set('plugins/plan-template', () => template);
  answers.set('audiences/count-members', () => ({ count: 42 }));
  answers.set('audiences/list-audiences', () => []);
  answers.set('audiences/sample-members', () => []);
  answers.set('rights/list-rights', () => []);
  answers.set('rights/list-packages', () => []);
  answers.set('period/inspect-expression', () => ({ ok: true, nextExecutions: ['2026-03-01T10:00:00+08:00'], nextWindows: [] }));
  answers.set('audiences/save-audience', (input) => ({ id: 'aud-1', ...(input as object) }));
});

describe('PlanEditor', () => {
  it('starts a plan from the picked type’s template and saves it as the plan input', async () => {
    const wrapper = await mountEditor();
    // Nothing picked: it says so.
    await next(wrapper);
    expect(wrapper.find('[data-testid="plan-error-type"]').text()).toContain('Pick a marketing type first.');

    await wrapper.find('[data-testid="type-card-birthday"]').trigger('click');
    await flushPromises();
    await next(wrapper);
    expect(calls.find((c) => c.name === 'plugins/plan-template')?.input).toEqual({ pluginId: 'campaign-desk.birthday', typeId: 'birthday', config: { scope: 'day', time: '10:00' } });
    expect((wrapper.find('input[data-testid="plan-audience-name"]').element as HTMLInputElement).value).toBe('Customers reachable by SMS');
    expect(wrapper.find('[data-testid="plan-audience-count"]').text()).toContain('42');

    for (let i = 0; i < 4; i++) await next(wrapper);
    expect(wrapper.find('[data-testid="step-review"]').exists()).toBe(true);
    answers.set('plans/create-plan', (input) => ({ ...(input as object), id: 'p1', version: 1, status: 'draft' }));
    answers.set('plans/dry-run', () => ({ planId: 'p1', at: 0, audienceSize: 42, items: 3, rights: [], messages: [], quietUntil: null, rate: 10, seconds: 1, expectedFinishAt: 0 }));
    await wrapper.find('[data-testid="plan-save"]').trigger('click');
    await flushPromises();

    const names = calls.map((c) => c.name);
    expect(names.indexOf('audiences/save-audience')).toBeLessThan(names.indexOf('plans/create-plan'));
    expect(calls.find((c) => c.name === 'audiences/save-audience')?.input).toEqual({ name: 'Customers reachable by SMS', rule: { version: 1, root: { kind: 'consent', channel: 'sms' } } });
    expect(calls.find((c) => c.name === 'plans/create-plan')?.input).toEqual({
      name: 'Birthday care',
      description: 'On the birthday at 10:00',
      storeId: '',
      marketingType: 'birthday',
      pluginId: 'campaign-desk.birthday',
      audienceId: 'aud-1',
      time: { timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00' } },
      misfire: 'fire-once',
      actions: template.actions,
      limits: {},
      config: { scope: 'day', time: '10:00' },
    });
    expect(wrapper.find('[data-testid="dry-run-items"]').text()).toBe('3');
    expect(wrapper.find('[data-testid="plan-activate"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('shows a refusal from the service at the step it belongs to', async () => {
    const wrapper = await mountEditor();
    await wrapper.find('[data-testid="type-card-birthday"]').trigger('click');
    await flushPromises();
    for (let i = 0; i < 5; i++) await next(wrapper);
    answers.set('plans/create-plan', () => {
      throw new ServiceError('EN_PLAN_INVALID', 'invalid', { path: 'actions.0.template', reason: '{{couponCode}} needs a grant action in the plan' });
    });
    await wrapper.find('[data-testid="plan-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="step-actions"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="plan-error-actions"]').text()).toContain('needs a grant action');
    expect(wrapper.find('[data-testid="plan-step-actions"] .is-error').exists()).toBe(true);
    // The audience was saved once; saving again reuses it.
    answers.set('plans/create-plan', (input) => ({ ...(input as object), id: 'p1', version: 1, status: 'draft' }));
    answers.set('plans/dry-run', () => ({ planId: 'p1', at: 0, audienceSize: 1, items: 1, rights: [], messages: [], quietUntil: null, rate: 1, seconds: 1, expectedFinishAt: 0 }));
    await wrapper.find('[data-testid="plan-step-review"]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-testid="plan-save"]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.name === 'audiences/save-audience')).toHaveLength(1);
    expect(calls.filter((c) => c.name === 'plans/create-plan')).toHaveLength(2);
    wrapper.unmount();
  });
});
