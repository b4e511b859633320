// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { i18n } from '../../../i18n/index.ts';
import type { PlanResults as Results } from '../../../../main/api/insight.ts';
import { answers, calls, useFakeService } from '../../../testing/fake-service.ts';
import PlanResults from './PlanResults.vue';
import { toCsv } from './csv.ts';

// happy-dom has no canvas: the chart is a stand-in (the e2e test draws real ones).
vi.mock('vue-echarts', async () => {
  const { defineComponent, h } = await import('vue');
  return { default: defineComponent({ name: 'VChart', props: { option: { type: Object, default: null } }, render: () => h('div', { class: 'vchart-stub' }) }) };
});
vi.mock('../../../api/client.ts', () => import('../../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const zeroTotals = { audience: 8, granted: 6, grants: 6, used: 3, redemptionRate: 0.5, sent: 6, failed: 0, skipped: 2, holdout: 2, orders: 4, revenue: 34_900, buyers: 4, costGrantedCents: 6000, costUsedCents: 3000 };
const results: Results = {
  planId: 'p1',
  planName: 'Spring',
  planStoreId: 'S01',
  runId: null,
  windowDays: 7,
  zone: 'Asia/Shanghai',
  totals: zeroTotals,
  runs: [{ ...zeroTotals, id: 'r1', occurrence: 'manual:1', state: 'done', startedAt: Date.UTC(2026, 4, 10), finishedAt: Date.UTC(2026, 4, 10, 0, 1) }],
  daily: [
    { date: '2026-05-10', granted: 6, used: 0, cumulativeRedemptionRate: 0, orders: 0, revenue: 0 },
    { date: '2026-05-11', granted: 0, used: 3, cumulativeRedemptionRate: 0.5, orders: 2, revenue: 20_000 },
  ],
  rights: [{ rightId: 'R-1', rightName: '满100减10', kind: 'coupon', unitCostCents: 1000, granted: 6, used: 3, costGrantedCents: 6000, costUsedCents: 3000 }],
  channels: [{ channel: 'sms', sent: 6, failed: 0, other: 0 }],
  skippedBy: { holdout: 2 },
  stores: [{ storeId: 'S01', orders: 4, revenue: 34_900 }],
  lift: null,
  liftRuns: 0,
};

useFakeService();
beforeEach(() => {
  answers.set('insight/get-plan-results', () => results);
});

describe('Plan results', () => {
  it('shows key figures, no lift without a holdout, the lift and its interval with one, and a chart as a table', async () => {
    const wrapper = mount(PlanResults, { props: { planId: 'p1' }, global: { plugins: [ElementPlus, i18n]}, attachTo: document.body });
    onTestFinished(() => wrapper.unmount());
    await flushPromises();
    expect(calls[0]).toEqual({ name: 'insight/get-plan-results', input: { planId: 'p1', windowDays: 7 } });
    expect(wrapper.get('[data-testid="results-kpi-revenue"]').text()).toBe('349.00');
    expect(wrapper.get('[data-testid="results-kpi-redemptionRate"]').text()).toBe('50.0%');
    expect(wrapper.get('[data-testid="results-no-lift"]').text()).toContain('No control group');

    answers.set('insight/get-plan-results', () => ({ ...results, lift: { treatment: { size: 1000, converted: 120, revenue: 0, rate: 0.12 }, control: { size: 1000, converted: 100, revenue: 0, rate: 0.1 }, difference: 0.02, relative: 0.2, standardError: 0.014, ciLow: -0.0074, ciHigh: 0.0474, confidence: 0.95, significant: false, reliable: true, revenuePerMemberDifference: 0 } }));
    (wrapper.vm as unknown as { reload: () => Promise<void> }).reload();
    await flushPromises();
    expect(wrapper.get('[data-testid="results-lift-diff"]').text()).toBe('+2.0 points (95% CI -0.7 to +4.7)');

    await wrapper.get('[data-testid="results-rights-table-button"]').trigger('click');
    await flushPromises();
    const table = wrapper.get('[data-testid="results-rights-table"]');
    expect(table.text()).toContain('满100减10');
    expect(table.text()).toContain('60.00');
  });

  it('CSV: BOM, CRLF, quoting and formula-safe cells', () => {
    expect(toCsv(['a', 'b'], [['=1+1', 'x,y'], [3, 'say "hi"']])).toBe('\ufeffa,b\r\n\'=1+1,"x,y"\r\n3,"say ""hi"""\r\n');
  });
});
