// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { mount } from '@vue/test-utils';
import { i18n } from '../i18n/index.ts';
import { ServiceError } from '../api/service-client.ts';
import { useErrorText } from './useErrorText.ts';

/** The message useErrorText shows for `error` with the UI in `locale`. */
function shown(locale: 'en' | 'zh-CN', error: unknown): string {
  i18n.global.locale.value = locale;
  let text = '';
  mount(defineComponent({ setup: () => { text = useErrorText()(error); return () => h('div'); } }), { global: { plugins: [i18n] } });
  return text;
}

describe('useErrorText', () => {
  it('re-renders SY_FORBIDDEN from its keys in the UI’s language', () => {
    const error = new ServiceError('SY_FORBIDDEN', 'This store credential may not read HQ’s chain stocks and all leases.', { role: 'store', action: 'read-hq-allotments' });
    expect(shown('zh-CN', error)).toBe('门店凭据不能查看总部的全链库存和所有租约。');
    expect(shown('en', error)).toBe('This store credential may not read HQ’s chain stocks and all leases.');
    const hq = new ServiceError('SY_FORBIDDEN', 'x', { role: 'admin', action: 'lease-chain-stock' });
    expect(shown('zh-CN', hq)).toBe('总部管理员凭据不能租用全链库存份额（仅限门店）。');
  });

  it('shows an unknown action key inside a phrase of the language, never "undefined"', () => {
    const error = new ServiceError('SY_FORBIDDEN', 'x', { role: 'store', action: 'frobnicate' });
    expect(shown('zh-CN', error)).toBe('门店凭据不能执行此操作（frobnicate）。');
    expect(shown('en', error)).toBe('This store credential may not do this (frobnicate).');
  });

  it('keeps other codes’ params as they are', () => {
    expect(shown('en', new ServiceError('SY_LEASE_CLOSED', 'x', { lease: 'L1', state: 'returned' }))).toBe('Lease L1 is already closed (returned); it takes no more reports.');
  });
});
