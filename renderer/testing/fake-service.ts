import { beforeEach } from 'vitest';
import { ServiceError } from '../api/service-client.ts';
import { i18n } from '../i18n/index.ts';

/**
 * The service as component tests see it: answers by method name from `answers`, records every
 * call in `calls`. A test file mocks the client module with it:
 * `vi.mock('<path>/api/client.ts', () => import('<path>/testing/fake-service.ts').then((m) => m.fakeClientModule))`,
 * and calls `useFakeService()` at its top level so that every test starts from a clean fake.
 */
export const calls: { name: string; input: unknown }[] = [];
export const answers = new Map<string, (input: unknown) => unknown>();

export function answer(name: string, input: unknown): Promise<unknown> {
  calls.push({ name, input });
  const reply = answers.get(name);
  if (!reply) return Promise.reject(new ServiceError('API_TRANSPORT', `no answer for ${name}`, { reason: name }));
  try {
    return Promise.resolve(reply(input));
  } catch (error) {
    return Promise.reject(error);
  }
}

export const fakeClientModule = {
  api: () => ({ query: answer, mutate: answer, subscribe: () => () => undefined }),
  connected: { value: true },
};

/** Puts back what a test may have left: no calls recorded, no answers, the English locale, an empty document body. */
export function resetFakeService(): void {
  calls.length = 0;
  answers.clear();
  i18n.global.locale.value = 'en';
  document.body.innerHTML = '';
}

/**
 * Resets the fake service before each test of the calling file. Call it at the top level, before the
 * file's own `beforeEach` that sets its answers: hooks run in the order they are registered.
 */
export function useFakeService(): void {
  beforeEach(resetFakeService);
}
