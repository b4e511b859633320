// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { h, reactive } from 'vue';
import { i18n } from '../../../i18n/index.ts';
import { ServiceError } from '../../../api/service-client.ts';
import { blankState } from '../plan-editor-state.ts';
import { EDITOR_CONTEXT, type EditorContext } from './editor-context.ts';
import TimingStep from './TimingStep.vue';
import { answers, calls, useFakeService } from '../../../testing/fake-service.ts';

vi.mock('../../../api/client.ts', () => import('../../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const lastFriday = {
  pluginId: 'com.acme.timing',
  kind: 'timeMode',
  id: 'last-friday',
  name: { en: 'Last Friday of the month', 'zh-CN': '每月最后一个周五' },
  description: { en: 'Runs on the last Friday of every month', 'zh-CN': '每月最后一个周五执行' },
  paramsSchema: { type: 'object', properties: { hour: { type: 'integer', title: 'Hour', minimum: 0, maximum: 23, default: 10 } }, required: ['hour'] },
  hooks: [],
};
const everyDay = {
  ...lastFriday,
  id: 'every-day',
  name: { en: 'Every day', 'zh-CN': '每天' },
  description: undefined,
  paramsSchema: { type: 'object', properties: { note: { type: 'string', title: 'Note' } } },
};

function mountStep() {
  const context: EditorContext = reactive({
    state: blankState('Asia/Shanghai'),
    zone: 'Asia/Shanghai',
    today: '2026-03-01',
    errors: { type: '', audience: '', timing: '', actions: '', limits: '', review: '' },
    types: [],
    channels: [],
    settings: null,
    audienceBaseline: null,
  });
  context.state.time = { timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', time: '10:00' } };
  const wrapper = mount({ render: () => h(TimingStep) }, { global: { plugins: [ElementPlus, i18n], provide: { [EDITOR_CONTEXT as symbol]: context } }, attachTo: document.body });
  return { wrapper, context };
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

useFakeService();
beforeEach(() => {
  answers.set('plugins/list-contributions', () => [lastFriday, everyDay]);
  answers.set('plugins/resolve-time-mode', (input) => ({
    effective: {},
    execution: { mode: 'periodic', expression: `0 0 ${(input as { params: { hour: number } }).params.hour} * * 5L` },
  }));
  answers.set('period/inspect-expression', (input) => ({
    ok: true,
    expression: (input as { expression: string }).expression,
    typeCode: 1,
    kind: 'point',
    description: { en: 'At 10:00 on the last Friday of the month', 'zh-CN': '每月最后一个周五 10:00' },
    form: { mode: 'expression', expression: (input as { expression: string }).expression },
    nextExecutions: ['2026-03-27T10:00:00+08:00'],
    nextWindows: [],
  }));
});

describe('the timing step’s time modes', () => {
  it('lists the plugins’ time modes, takes the picked one’s parameters and applies the timing it resolves to', async () => {
    const { wrapper, context } = mountStep();
    await flushPromises();
    await wrapper.find('[data-testid="time-mode-open"]').trigger('click');
    await flushPromises();
    expect(calls.find((c) => c.name === 'plugins/list-contributions')?.input).toEqual({ kind: 'timeMode' });
    expect(inBody('time-mode-last-friday')?.textContent).toContain('Runs on the last Friday of every month');
    expect(inBody('time-mode-every-day')?.textContent).toContain('Every day');
    // Nothing is picked yet among two.
    expect((inBody('time-mode-apply') as HTMLButtonElement).disabled).toBe(true);
    inBody('time-mode-last-friday')?.click();
    await flushPromises();
    const hour = inBody('time-mode-param-hour')?.querySelector('input');
    expect(hour?.value).toBe('10');

    inBody('time-mode-apply')?.click();
    await flushPromises();
    expect(calls.find((c) => c.name === 'plugins/resolve-time-mode')?.input).toEqual({ pluginId: 'com.acme.timing', id: 'last-friday', params: { hour: 10 } });
    // Execution replaced; the effective start the mode did not name is kept.
    expect(context.state.time).toEqual({ timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: { mode: 'periodic', expression: '0 0 10 * * 5L' } });
    expect(inBody('time-mode-dialog')).toBeNull();
    expect(wrapper.find('[data-testid="time-mode-applied"]').text()).toContain('Timing set by the time mode “Last Friday of the month”');
    // The periodic editor shows the expression and what it means.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await flushPromises();
    expect(wrapper.find('[data-testid="period-description"]').text()).toBe('At 10:00 on the last Friday of the month');

    // Picking another execution mode by hand: the note goes.
    await wrapper.find('[data-testid="exec-mode-immediate"] input').setValue(true);
    await flushPromises();
    expect(context.state.time.execution).toEqual({ mode: 'immediate' });
    expect(wrapper.find('[data-testid="time-mode-applied"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows a refusal and keeps the timing as it was', async () => {
    answers.set('plugins/resolve-time-mode', () => {
      throw new ServiceError('PL_BAD_RESULT', 'bad', { id: 'com.acme.timing', what: 'last-friday.resolve', reason: 'execution: invalid' });
    });
    const { wrapper, context } = mountStep();
    await flushPromises();
    await wrapper.find('[data-testid="time-mode-open"]').trigger('click');
    await flushPromises();
    inBody('time-mode-last-friday')?.click();
    await flushPromises();
    inBody('time-mode-apply')?.click();
    await flushPromises();
    expect(inBody('time-mode-error')?.textContent).not.toBe('');
    expect(context.state.time.execution.mode).toBe('birthday');
    expect(wrapper.find('[data-testid="time-mode-applied"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
