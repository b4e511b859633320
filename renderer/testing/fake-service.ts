import { ServiceError } from '../api/service-client.ts';

/**
 * The service as component tests see it: answers by method name from `answers`, records every
 * call in `calls`. A test file mocks the client module with it:
 * `vi.mock('<path>/api/client.ts', () => import('<path>/testing/fake-service.ts').then((m) => m.fakeClientModule))`.
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
