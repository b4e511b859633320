// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElSelect } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { i18n } from '../../i18n/index.ts';
import { useRightsStore } from '../../stores/rights.ts';
import type { RightKindInfo, RightVersion } from '../../../main/api/service-api.ts';
import RightEditor from './RightEditor.vue';
import { answers, calls, useFakeService } from '../../testing/fake-service.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const vipCard = {
  pluginId: 'com.acme.loyalty',
  kind: 'rightType',
  id: 'vip-card',
  name: { en: 'VIP card', 'zh-CN': '贵宾卡' },
  description: { en: 'A card for the lounge', 'zh-CN': '贵宾室用卡' },
  paramsSchema: {
    type: 'object',
    properties: {
      lounge: { type: 'string', title: 'Lounge', enum: ['north', 'south'] },
      visits: { type: 'integer', title: 'Visits', minimum: 1, default: 3 },
    },
    required: ['lounge', 'visits'],
  },
  hooks: [],
};

/** The kinds as `rights/list-kinds` gives them (the custom kind's schema, shortened). */
const kinds: RightKindInfo[] = [
  { kind: 'points', redeemable: false, balance: 'points', paramsSchema: { type: 'object', properties: { amount: { type: 'integer', minimum: 1 } }, required: ['amount'] } },
  {
    kind: 'custom',
    redeemable: 'per-right',
    balance: null,
    paramsSchema: {
      type: 'object',
      properties: {
        schema: { type: 'object', 'x-widget': 'json-schema' },
        values: { type: 'object', 'x-widget': 'custom-values' },
        redeemable: { type: 'boolean', default: true },
        validity: { default: null, anyOf: [{ type: 'object', properties: { type: { type: 'string', const: 'days-from-grant' }, days: { type: 'integer', minimum: 1 } }, required: ['type', 'days'] }, { type: 'null' }] },
      },
      required: ['schema', 'values'],
    },
  },
];

function mountEditor(right: RightVersion | null = null) {
  setActivePinia(createPinia());
  useRightsStore().kinds = kinds;
  return mount(RightEditor, { props: { right }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const input = (testId: string) => (inBody(testId)?.matches('input, textarea') ? inBody(testId) : inBody(testId)?.querySelector('input, textarea')) as HTMLInputElement | null;

useFakeService();
beforeEach(() => {
  answers.set('plugins/list-contributions', () => [vipCard]);
  answers.set('rights/create-right', (right) => ({ id: 'r-1', version: 1, ...(right as object) }));
  answers.set('rights/list-kinds', () => kinds);
  answers.set('rights/list-rights', () => []);
  answers.set('rights/list-packages', () => []);
  answers.set('rights/list-stocks', () => []);
});

describe('the right editor’s right types from plugins', () => {
  it('offers them as kinds; one makes a custom right with its fields and name, saved as such', async () => {
    const wrapper = mountEditor();
    await flushPromises();
    expect(calls[0]).toEqual({ name: 'plugins/list-contributions', input: { kind: 'rightType' } });
    wrapper.findComponent(ElSelect).vm.$emit('change', 'plugin:com.acme.loyalty/vip-card');
    await flushPromises();

    expect(input('right-name')?.value).toBe('VIP card');
    expect(inBody('right-plugin-type')?.textContent).toContain('“VIP card” (com.acme.loyalty)');
    // The field schema is the type's, titled with its name; the values form follows it.
    expect(JSON.parse(input('field-params.schema')?.value ?? '{}')).toMatchObject({ type: 'object', title: 'VIP card', properties: { lounge: { enum: ['north', 'south'] } }, required: ['lounge', 'visits'] });
    expect(inBody('field-params.values.lounge')).not.toBeNull();
    expect(input('field-params.values.visits')?.value).toBe('3');

    inBody('right-save')?.click();
    await flushPromises();
    const created = calls.find((c) => c.name === 'rights/create-right')?.input;
    expect(created).toEqual({
      name: 'VIP card',
      description: 'A card for the lounge',
      kind: 'custom',
      params: {
        schema: { type: 'object', title: 'VIP card', description: 'A card for the lounge', properties: vipCard.paramsSchema.properties, required: ['lounge', 'visits'] },
        values: { lounge: 'north', visits: 3 },
        redeemable: true,
        validity: null,
      },
      cap: null,
      archived: false,
    });
    expect(wrapper.emitted('saved')).toHaveLength(1);
    wrapper.unmount();
  });

  it('keeps a name the user typed; a built-in kind afterwards drops the plugin type', async () => {
    const wrapper = mountEditor();
    await flushPromises();
    const name = input('right-name') as HTMLInputElement;
    name.value = 'Lounge pass';
    name.dispatchEvent(new Event('input'));
    await flushPromises();
    wrapper.findComponent(ElSelect).vm.$emit('change', 'plugin:com.acme.loyalty/vip-card');
    await flushPromises();
    expect(input('right-name')?.value).toBe('Lounge pass');
    wrapper.findComponent(ElSelect).vm.$emit('change', 'points');
    await flushPromises();
    expect(inBody('right-plugin-type')).toBeNull();
    expect(input('field-params.amount')?.value).toBe('1');
    wrapper.unmount();
  });

  it('recognises the plugin type of a saved custom right', async () => {
    const saved = {
      id: 'r-1',
      version: 2,
      name: 'Gold lounge',
      description: '',
      kind: 'custom',
      params: { schema: { type: 'object', title: 'VIP card', properties: vipCard.paramsSchema.properties }, values: { lounge: 'south', visits: 5 }, redeemable: true, validity: null },
      cap: null,
      archived: false,
    } as unknown as RightVersion;
    const wrapper = mountEditor(saved);
    await flushPromises();
    expect(inBody('right-plugin-type')?.textContent).toContain('“VIP card”');
    expect(input('field-params.values.visits')?.value).toBe('5');
    wrapper.unmount();
  });
});
