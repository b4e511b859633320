// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { i18n } from '../../i18n/index.ts';
import { ServiceError } from '../../api/service-client.ts';
import StoreOverridesPanel from './StoreOverridesPanel.vue';
import { answers, calls, useFakeService } from '../../testing/fake-service.ts';
import type { Plan, PlanSiteView } from './types.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const AT = Date.UTC(2026, 2, 10, 2, 0, 0);
const hqPlan = {
  id: 'P-hq', storeId: '', name: 'Member day', description: '', marketingType: 'member-day', pluginId: 'campaign-desk.member-day',
  status: 'scheduled', audienceId: 'a1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, misfire: 'fire-once',
  actions: [], limits: { maxRate: 50, quietHours: { start: '21:00', end: '08:00' } }, config: {}, nextFireAt: AT, activatedAt: AT, lastFiredAt: 0, version: 2, source: 'hq',
  createdAt: AT, updatedAt: AT, updatedBy: 'user:hq', overridable: ['quietHours', 'maxRate'],
} as unknown as Plan;
const site: PlanSiteView = { role: 'store', storeId: 'S01', runner: 'here-local-schedule', nextFireAt: AT, effective: { maxRate: 50, quietHours: { start: '21:00', end: '08:00' }, timeZone: 'Asia/Shanghai' } };

useFakeService();

describe('StoreOverridesPanel', () => {
  it('shows only the fields HQ allows beside HQ’s values, saves this store’s, and clears them', async () => {
    const wrapper = mount(StoreOverridesPanel, { props: { plan: hqPlan, site }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    const text = wrapper.text();
    expect(text).toContain('Quiet hours');
    expect(text).toContain('HQ: 21:00–08:00');
    expect(text).toContain('HQ: 50');
    expect(wrapper.find('[data-testid="override-zone"]').exists()).toBe(false);

    answers.set('plans/set-store-overrides', (input) => ({ ...hqPlan, storeOverrides: { S01: (input as { overrides: object }).overrides } }));
    await wrapper.find('[data-testid="override-quiet-off"]').trigger('click');
    await wrapper.find('[data-testid="override-rate-own"]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-testid="override-rate-value"] input').setValue('5');
    await wrapper.find('[data-testid="override-rate-value"] input').trigger('change');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'plans/set-store-overrides', input: { id: 'P-hq', overrides: { quietHours: null, maxRate: 5 } } });
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ storeOverrides: { S01: { quietHours: null, maxRate: 5 } } });

    await wrapper.find('[data-testid="plan-overrides-clear"]').trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'plans/set-store-overrides', input: { id: 'P-hq', overrides: {} } });

    answers.set('plans/set-store-overrides', () => {
      throw new ServiceError('EN_OVERRIDE_NOT_ALLOWED', 'Plan P-hq: this store may not set maxRate', { id: 'P-hq', field: 'maxRate' });
    });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="plan-overrides-error"]').text()).toContain('maxRate');
  });

  it('says so when HQ allows nothing', () => {
    const wrapper = mount(StoreOverridesPanel, { props: { plan: { ...hqPlan, overridable: [] }, site }, global: { plugins: [ElementPlus, i18n] } });
    expect(wrapper.find('[data-testid="plan-overrides-none"]').text()).toBe('HQ lets stores set nothing on this plan.');
    expect(wrapper.find('form').exists()).toBe(false);
  });
});
