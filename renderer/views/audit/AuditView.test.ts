// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { i18n } from '../../i18n/index.ts';
import type { AuditEntry, AuditVerification } from '../../../main/api/audit.ts';
import AuditView from './AuditView.vue';

import { answers, calls, useFakeService } from '../../testing/fake-service.ts';

vi.mock('../../api/client.ts', () => import('../../testing/fake-service.ts').then((m) => m.fakeClientModule));

const edit: AuditEntry = {
  id: 'A-2', seq: 2, at: Date.UTC(2026, 2, 10, 2, 0), device: 'D-1', storeId: 'S1', actor: { type: 'user', id: 'desk' }, method: 'plans/update-plan', targetCollection: 'plans', targetId: 'p1',
  outcome: 'ok', errorCode: '', summary: 'Weekly VIP', changes: [{ path: 'name', before: 'Weekly', after: 'Weekly VIP' }], details: { transport: 'ipc' }, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64),
};
const refused: AuditEntry = { ...edit, id: 'A-1', seq: 1, method: 'plans/activate-plan', outcome: 'error', errorCode: 'SYS_NOT_FOUND', summary: 'not found', prevHash: '', hash: 'a'.repeat(64) };
delete refused.changes;

useFakeService();
beforeEach(() => {
  answers.set('audit/list-entries', () => ({ entries: [edit, refused], total: 2 }));
});

describe('Audit log screen', () => {
  it('lists entries, searches, opens an entry with its changes, and verifies the chain', async () => {
    const wrapper = mount(AuditView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    onTestFinished(() => wrapper.unmount());
    await flushPromises();
    expect(calls[0]).toEqual({ name: 'audit/list-entries', input: { limit: 50 } });
    const rows = wrapper.findAll('[data-testid="audit-table"] tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('plans/update-plan');
    expect(rows[0]!.text()).toContain('S1');
    expect(rows[1]!.text()).toContain('SYS_NOT_FOUND');

    await wrapper.find('input[data-testid="audit-method"], [data-testid="audit-method"] input').setValue('plans');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', limit: 50 } });
    await wrapper.find('input[data-testid="audit-store"], [data-testid="audit-store"] input').setValue('HQ');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', storeId: '', limit: 50 } });

    await rows[0]!.trigger('click');
    await flushPromises();
    const detail = document.querySelector('[data-testid="audit-changes"]');
    expect(detail?.textContent).toContain('Weekly VIP');
    expect(detail?.textContent).toContain('name');

    const chain = { device: 'D-1', storeId: 'S1', count: 1, lastSeq: 1, lastHash: refused.hash };
    const broken: AuditVerification = { ok: false, count: 1, chains: [{ ...chain, broken: { device: 'D-1', seq: 2, id: 'A-2', problem: 'edited', expectedSeq: 2 } }], broken: { device: 'D-1', seq: 2, id: 'A-2', problem: 'edited', expectedSeq: 2 } };
    answers.set('audit/verify-chain', () => broken);
    await wrapper.find('[data-testid="audit-verify"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="audit-verify-result"]').text()).toContain('The chain of device D-1 is broken at entry 2: its content no longer matches its hash');
    const intact: AuditVerification = { ok: true, count: 5, chains: [{ ...chain, count: 2, lastSeq: 2, lastHash: edit.hash }, { device: 'D-9', storeId: '', count: 3, lastSeq: 3, lastHash: 'c'.repeat(64) }] };
    answers.set('audit/verify-chain', () => intact);
    await wrapper.find('[data-testid="audit-verify"]').trigger('click');
    await flushPromises();
    const result = wrapper.find('[data-testid="audit-verify-result"]').text();
    expect(result).toContain('Chains intact: 5 entries from 2 device(s).');
    expect(result).toContain('D-1 (S1): 2 entries, last entry 2');
    expect(result).toContain('D-9 (HQ): 3 entries, last entry 3');
  });

  it('pages on with the cursor of the page before, and back, keeping the filter', async () => {
    const older: AuditEntry = { ...refused, id: 'A-0', seq: 0, summary: 'older' };
    answers.set('audit/list-entries', (input) => {
      const cursor = (input as { cursor?: string }).cursor;
      if (cursor === undefined) return { entries: [edit], cursor: 'c1', total: 3 };
      if (cursor === 'c1') return { entries: [refused], cursor: 'c2' };
      return { entries: [older] };
    });
    const wrapper = mount(AuditView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
    onTestFinished(() => wrapper.unmount());
    await flushPromises();
    await wrapper.find('input[data-testid="audit-method"], [data-testid="audit-method"] input').setValue('plans');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="audit-page"]').text()).toBe('1 / 2');
    const next = () => wrapper.find('[data-testid="audit-pager"] .btn-next');
    const prev = () => wrapper.find('[data-testid="audit-pager"] .btn-prev');
    await next().trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', cursor: 'c1', limit: 50 } });
    expect(wrapper.find('[data-testid="audit-table"] tbody').text()).toContain('SYS_NOT_FOUND');
    expect(wrapper.find('[data-testid="audit-total"]').text()).toContain('3');
    await next().trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', cursor: 'c2', limit: 50 } });
    expect(wrapper.find('[data-testid="audit-table"] tbody').text()).toContain('older');
    expect(next().attributes('disabled')).toBeDefined();
    await prev().trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', cursor: 'c1', limit: 50 } });
    await prev().trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ name: 'audit/list-entries', input: { method: 'plans', limit: 50 } });
  });
});
