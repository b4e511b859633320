// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createI18n } from 'vue-i18n';
import ConfigForm from './ConfigForm.vue';
import type { FormSchema } from '../plans/types.ts';

const schema: FormSchema = {
  type: 'object',
  properties: {
    scope: { type: 'string', title: 'When', description: 'day, week or month', enum: ['day', 'week'], default: 'day' },
    note: { type: 'string', title: 'Note (from the plugin)' },
    count: { type: 'integer', title: 'Count', minimum: 0, maximum: 5 },
    loud: { type: 'boolean', title: 'Loud' },
  },
  required: ['note'],
};

function mountForm(modelValue: Record<string, unknown>, locale = 'zh-CN') {
  const i18n = createI18n({
    legacy: false,
    locale,
    messages: { 'zh-CN': { cfg: { scope: '时间', scopeHelp: '当天或当周', scopeOptions: { day: '当天' } } }, en: {} },
  });
  return mount(ConfigForm, { props: { schema, modelValue, labels: 'cfg', testPrefix: 'c' }, global: { plugins: [ElementPlus, i18n] } });
}

describe('ConfigForm', () => {
  it('labels fields from the app’s translations, else from the schema', () => {
    const wrapper = mountForm({ scope: 'day' });
    const labels = wrapper.findAll('.el-form-item__label').map((l) => l.text());
    expect(labels).toEqual(['时间', 'Note (from the plugin)', 'Count', 'Loud']);
    expect(wrapper.text()).toContain('当天或当周');
    expect(wrapper.text()).not.toContain('day, week or month');
    // A required field is marked.
    expect(wrapper.findAll('.el-form-item.is-required')).toHaveLength(1);
    // Each field carries its test id.
    for (const name of ['scope', 'note', 'count', 'loud']) expect(wrapper.find(`[data-testid="c-${name}"]`).exists()).toBe(true);
  });

  it('falls back to the schema’s titles and descriptions in a language without translations', () => {
    const wrapper = mountForm({}, 'en');
    expect(wrapper.findAll('.el-form-item__label').map((l) => l.text())[0]).toBe('When');
    expect(wrapper.text()).toContain('day, week or month');
  });

  it('emits the whole value on a change, without fields cleared to empty', async () => {
    const wrapper = mountForm({ scope: 'day', note: 'x' });
    await wrapper.find('input[data-testid="c-note"]').setValue('');
    const emitted = wrapper.emitted('update:modelValue') ?? [];
    expect(emitted.at(-1)).toEqual([{ scope: 'day' }]);
    await wrapper.find('input[data-testid="c-note"]').setValue('hello');
    expect((wrapper.emitted('update:modelValue') ?? []).at(-1)).toEqual([{ scope: 'day', note: 'hello' }]);
  });
});
