// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { i18n } from '../../i18n/index.ts';
import { ServiceError } from '../../api/service-client.ts';
import type { RuleNode } from '../../../main/api/service-api.ts';
import RuleNodeEditor from './RuleNodeEditor.vue';
import { answers, calls, useFakeService } from '../../testing/fake-service.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const bigSpenders = {
  pluginId: 'com.acme.segments',
  kind: 'audienceCondition',
  id: 'big-spenders',
  name: { en: 'Big spenders', 'zh-CN': '高消费客户' },
  description: { en: 'Spent at least a minimum in total', 'zh-CN': '累计消费达到下限' },
  paramsSchema: { type: 'object', properties: { minSpend: { type: 'integer', title: 'Minimum spend (fen)', minimum: 0, default: 100000 } }, required: ['minSpend'] },
  hooks: [],
};

function mountEditor(modelValue: RuleNode) {
  return mount(RuleNodeEditor, { props: { modelValue }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

useFakeService();
beforeEach(() => {
  answers.set('plugins/list-contributions', () => [bigSpenders]);
  answers.set('plugins/expand-condition', (input) => ({ kind: 'attribute', field: 'totalSpend', cmp: 'gte', value: (input as { params: { minSpend: number } }).params.minSpend }));
});

describe('the rule builder', () => {
  it('shows conditions without the fields the rule format defaults (a plugin’s or a template’s) instead of failing', () => {
    const root = {
      op: 'and',
      children: [
        { kind: 'behaviour', event: 'addToCart', within: { days: 7 } },
        { kind: 'absence', event: 'addToCart', within: { hours: 24 }, thenNo: 'order' },
        { kind: 'birthday', when: 'thisMonth' },
        { kind: 'fan' },
      ],
    } as unknown as RuleNode;
    const wrapper = mountEditor(root);
    const behaviour = wrapper.find('[data-testid="condition-behaviour"]');
    expect(behaviour.exists()).toBe(true);
    // The defaults are shown: at least 1 time, any category; a birthday not shifted; a fan.
    const numbers = behaviour.findAll('.el-input-number input').map((i) => (i.element as HTMLInputElement).value);
    expect(numbers).toEqual(['7', '1']);
    expect(wrapper.find('[data-testid="condition-absence"]').exists()).toBe(true);
    expect((wrapper.find('[data-testid="condition-birthday"] .el-input-number input').element as HTMLInputElement).value).toBe('0');
    expect(wrapper.find('[data-testid="condition-fan"] .el-switch').classes()).toContain('is-checked');
    wrapper.unmount();
  });

  it('writes a default when a condition without it is edited', async () => {
    const wrapper = mountEditor({ op: 'and', children: [{ kind: 'behaviour', event: 'browse', within: { days: 7 } } as unknown as RuleNode] });
    const category = wrapper.find('[data-testid="condition-behaviour"] input[placeholder="category (any)"]');
    await category.setValue('shoes');
    const emitted = wrapper.emitted('update:modelValue') ?? [];
    expect(emitted.at(-1)).toEqual([{ op: 'and', children: [{ kind: 'behaviour', event: 'browse', within: { days: 7 }, filter: { category: 'shoes' } }] }]);
    wrapper.unmount();
  });

  it('adds a plugin condition: lists the plugins’ conditions, fills its parameters, inserts what the plugin expands it to', async () => {
    const wrapper = mountEditor({ kind: 'consent', channel: 'sms' });
    await wrapper.find('[data-testid="add-plugin-condition"]').trigger('click');
    await flushPromises();
    expect(calls.map((c) => c.name)).toEqual(['plugins/list-contributions']);
    expect(calls[0]?.input).toEqual({ kind: 'audienceCondition' });
    const choice = inBody('plugin-condition-big-spenders');
    expect(choice?.textContent).toContain('Big spenders');
    expect(choice?.textContent).toContain('Spent at least a minimum in total');
    // The only one is picked: its form starts at the default.
    const minSpend = inBody('plugin-condition-param-minSpend')?.querySelector('input');
    expect(minSpend?.value).toBe('100000');

    inBody('plugin-condition-apply')?.click();
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'plugins/expand-condition', input: { pluginId: 'com.acme.segments', id: 'big-spenders', params: { minSpend: 100000 } } });
    // A single condition and the new one: joined with AND.
    expect((wrapper.emitted('update:modelValue') ?? []).at(-1)).toEqual([
      { op: 'and', children: [{ kind: 'consent', channel: 'sms' }, { kind: 'attribute', field: 'totalSpend', cmp: 'gte', value: 100000 }] },
    ]);
    await flushPromises();
    expect(inBody('plugin-condition-dialog')).toBeNull();
    wrapper.unmount();
  });

  it('keeps the dialog open with the plugin’s refusal when the condition cannot be expanded', async () => {
    answers.set('plugins/expand-condition', () => {
      throw new ServiceError('PL_UNAVAILABLE', 'Plugin com.acme.segments is not running', { id: 'com.acme.segments', reason: 'disabled' });
    });
    const wrapper = mountEditor({ op: 'or', children: [{ kind: 'consent', channel: 'sms' }] });
    // From the group's "Add condition" menu.
    await wrapper.find('[data-testid="add-condition"]').trigger('click');
    await flushPromises();
    inBody('add-plugin')?.click();
    await flushPromises();
    expect(inBody('plugin-condition-dialog')).not.toBeNull();
    inBody('plugin-condition-apply')?.click();
    await flushPromises();
    expect(inBody('plugin-condition-error')?.textContent).toContain('Plugin com.acme.segments is not running: disabled');
    expect(inBody('plugin-condition-dialog')).not.toBeNull();
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    wrapper.unmount();
  });

  it('says so when no enabled plugin offers a condition', async () => {
    answers.set('plugins/list-contributions', () => []);
    const wrapper = mountEditor({ kind: 'consent', channel: 'sms' });
    await wrapper.find('[data-testid="add-plugin-condition"]').trigger('click');
    await flushPromises();
    expect(inBody('plugin-condition-none')?.textContent).toContain('No enabled plugin offers one');
    expect((inBody('plugin-condition-apply') as HTMLButtonElement | null)?.disabled).toBe(true);
    wrapper.unmount();
  });
});
