// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElSelect } from 'element-plus';
import { i18n } from '../../i18n/index.ts';
import EngineSettingsView from './EngineSettingsView.vue';
import { answers, calls, useFakeService } from '../../testing/fake-service.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const acmeSms = {
  pluginId: 'com.acme.sms',
  kind: 'messageChannel',
  id: 'acme-sms',
  name: { en: 'ACME SMS', 'zh-CN': 'ACME 短信' },
  channels: ['sms'],
  configSchema: {
    type: 'object',
    properties: {
      sender: { type: 'string', title: 'Sender id' },
      apiKey: { type: 'string', title: 'API key' },
      region: { type: 'string', title: 'Region', enum: ['north', 'south'], default: 'north' },
    },
    required: ['sender', 'apiKey'],
  },
  hooks: [],
};
const outbox = { id: 'outbox', kind: 'outbox', dir: 'outbox', downstream: 'channel:outbox' };
const saved = { id: 'acme', kind: 'plugin', pluginId: 'com.acme.sms', provider: 'acme-sms', settings: { sender: 'SHOP', apiKey: '••••', region: 'south' }, downstream: 'channel:acme' };
const settings = {
  quietHours: { start: '21:00', end: '08:00' },
  frequencyCap: { max: 2, days: 7 },
  retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 3_600_000 },
  chunkSize: 500,
  concurrency: 32,
  parallelRuns: 2,
  defaultRate: 50,
};

async function mountView() {
  const wrapper = mount(EngineSettingsView, { global: { plugins: [ElementPlus, i18n], mocks: { $router: { push: () => undefined } } }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const input = (testId: string) => (inBody(testId)?.matches('input') ? inBody(testId) : inBody(testId)?.querySelector('input')) as HTMLInputElement | null;
async function type(testId: string, value: string): Promise<void> {
  const field = input(testId) as HTMLInputElement;
  field.value = value;
  field.dispatchEvent(new Event('input'));
  await flushPromises();
}
function select(wrapper: Awaited<ReturnType<typeof mountView>>, testId: string) {
  const found = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-testid') === testId);
  if (!found) throw new Error(`no select ${testId}`);
  return found;
}

useFakeService();
beforeEach(() => {
  answers.set('engine/get-settings', () => settings);
  answers.set('engine/list-channels', () => [outbox, saved]);
  answers.set('plugins/list-contributions', () => [acmeSms]);
  answers.set('engine/save-channel', (input) => [outbox, { ...(input as object), downstream: 'channel:x' }]);
});

describe('Settings › Engine: plugin channels', () => {
  it('lists a plugin channel with its provider, and edits its settings: a secret left as “••••” is sent back so', async () => {
    const wrapper = await mountView();
    expect(wrapper.find('[data-testid="channel-table"]').text()).toContain('Plugin channel');
    expect(wrapper.find('[data-testid="channel-table"]').text()).toContain('ACME SMS · com.acme.sms');
    await wrapper.find('[data-testid="channel-edit-acme"]').trigger('click');
    await flushPromises();
    expect(input('channel-setting-sender')?.value).toBe('SHOP');
    const key = input('channel-setting-apiKey');
    expect(key?.type).toBe('password');
    expect(key?.value).toBe('••••');
    expect(input('channel-setting-sender')?.type).toBe('text');
    expect(inBody('channel-provider-carries')?.textContent).toContain('SMS');

    await type('channel-setting-sender', 'NEWSHOP');
    inBody('channel-save')?.click();
    await flushPromises();
    expect(calls.find((c) => c.name === 'engine/save-channel')?.input).toEqual({
      kind: 'plugin',
      id: 'acme',
      pluginId: 'com.acme.sms',
      provider: 'acme-sms',
      settings: { sender: 'NEWSHOP', apiKey: '••••', region: 'south' },
    });
    wrapper.unmount();
  });

  it('adds a plugin channel: pick the provider, fill its form (defaults first), save', async () => {
    const wrapper = await mountView();
    await wrapper.find('[data-testid="channel-new"]').trigger('click');
    await flushPromises();
    select(wrapper, 'channel-kind').vm.$emit('update:modelValue', 'plugin');
    await flushPromises();
    // No provider yet: nothing to save.
    expect((inBody('channel-save') as HTMLButtonElement).disabled).toBe(true);
    await type('channel-id', 'acme2');
    select(wrapper, 'channel-provider').vm.$emit('change', 'com.acme.sms/acme-sms');
    await flushPromises();
    expect(inBody('channel-setting-region')).not.toBeNull();
    await type('channel-setting-sender', 'SHOP2');
    await type('channel-setting-apiKey', 'k-123456');
    inBody('channel-save')?.click();
    await flushPromises();
    expect(calls.find((c) => c.name === 'engine/save-channel')?.input).toEqual({
      kind: 'plugin',
      id: 'acme2',
      pluginId: 'com.acme.sms',
      provider: 'acme-sms',
      settings: { sender: 'SHOP2', apiKey: 'k-123456', region: 'north' },
    });
    wrapper.unmount();
  });

  it('says when a saved channel’s provider is not available, and does not save over it', async () => {
    answers.set('plugins/list-contributions', () => []);
    const wrapper = await mountView();
    await wrapper.find('[data-testid="channel-edit-acme"]').trigger('click');
    await flushPromises();
    expect(inBody('channel-provider-missing')?.textContent).toContain('“acme-sms” of com.acme.sms is not available');
    expect((inBody('channel-save') as HTMLButtonElement).disabled).toBe(true);
    wrapper.unmount();
  });
});
