import { localLink } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { ManualClock } from '../core/clock.ts';
import { CampaignError, deserializeError, isSerializedError, serializeError } from '../core/errors/campaign-error.ts';
import { formatError } from '../core/i18n/format.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { createServiceClient, ServiceError, type ServiceClient } from '../../renderer/api/service-client.ts';
import { defineMutation, defineQuery } from './define.ts';
import { methods } from './methods.ts';
import { createApiRouter } from './router.ts';
import { BACKGROUND_BUDGET_MS, FOREGROUND_BUDGET_MS, inBackground, noteRequest, writeBudgetMs } from '../engine/loop-yield.ts';

const echo = defineQuery('test/echo-text', z.object({ text: z.string().min(1) }), ({ text }) => ({ text }));
const fail = defineMutation('test/fail-always', z.object({}), () => {
  throw new CampaignError('SYS_NOT_FOUND', { what: 'plan', id: 'p-1' });
});
const crash = defineMutation('test/crash-always', z.object({}), () => {
  throw new Error('secret internal detail');
});

describe('service API router', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let services: AppServices;
  let client: ServiceClient;
  const bugs: unknown[] = [];

  beforeEach(async () => {
    dir = makeTempDir();
    services = await createAppServices({ dataDir: dir.path, version: '0.0.0-test', mode: 'test', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    const router = createApiRouter([...methods, echo, fail, crash], { onBug: (e) => bugs.push(e) });
    client = createServiceClient([localLink({ router, createContext: async () => ({ services, transport: 'in-process' as const }) })]);
  });
  afterEach(async () => {
    await services.close();
    dir.remove();
  });

  it('calls a method with valid input', async () => {
    const info = await client.query('system/get-info');
    expect(info.version).toBe('0.0.0-test');
    expect(info.startedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('marks the app in use with every call, so a run\'s writes leave the API room', async () => {
    noteRequest(Number.NEGATIVE_INFINITY);
    await inBackground(async () => {
      expect(writeBudgetMs()).toBe(FOREGROUND_BUDGET_MS);
      await client.query('system/get-info');
      expect(writeBudgetMs()).toBe(BACKGROUND_BUDGET_MS);
    });
  });

  it('rejects invalid input with API_VALIDATION naming the field', async () => {
    const call = (client as unknown as { query(n: string, i: unknown): Promise<unknown> }).query('test/echo-text', { text: '' });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('API_VALIDATION');
    expect((error as ServiceError).params).toMatchObject({ method: 'test/echo-text', path: 'text' });
  });

  it('rejects settings with unknown keys or values', async () => {
    const error = await client.mutate('settings/update-settings', { locale: 'fr' as 'en' }).catch((e: unknown) => e);
    expect((error as ServiceError).code).toBe('API_VALIDATION');
    expect(services.settings.get().locale).toBe('zh-CN');
  });

  it('changes only the settings a patch names', async () => {
    await client.mutate('settings/update-settings', { theme: 'dark', openAtLogin: true });
    const after = await client.mutate('settings/update-settings', { locale: 'en' });
    expect(after).toMatchObject({ locale: 'en', theme: 'dark', openAtLogin: true, keepRunningInBackground: true });
  });

  it('backs the database up while it is open', async () => {
    const result = await client.mutate('system/backup-database');
    expect(result.file.startsWith(`${dir.path}/backups/campaign-desk-`)).toBe(true);
    expect(result.bytes).toBeGreaterThan(0);
  });

  it('answers an unknown method with API_UNKNOWN_METHOD', async () => {
    const call = (client as unknown as { query(n: string): Promise<unknown> }).query('nothing/here-at-all');
    const error = (await call.catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('API_UNKNOWN_METHOD');
    expect(error.params).toEqual({ method: 'nothing/here-at-all' });
  });

  it('carries a CampaignError across the wire with code, message and params', async () => {
    const call = (client as unknown as { mutate(n: string, i: unknown): Promise<unknown> }).mutate('test/fail-always', {});
    const error = (await call.catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('SYS_NOT_FOUND');
    expect(error.params).toEqual({ what: 'plan', id: 'p-1' });
    expect(error.message).toBe('Plan "p-1" was not found.');
    expect(formatError('zh-CN', error.code, error.params)).toBe('未找到计划“p-1”。');
  });

  it('hides a bug behind SYS_INTERNAL and reports it', async () => {
    const call = (client as unknown as { mutate(n: string, i: unknown): Promise<unknown> }).mutate('test/crash-always', {});
    const error = (await call.catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('SYS_INTERNAL');
    expect(error.message).not.toContain('secret');
    expect(bugs.some((b) => b instanceof Error && b.message === 'secret internal detail')).toBe(true);
  });

  it('round-trips a serialized error', () => {
    const original = new CampaignError('API_VALIDATION', { method: 'a/b-c', path: 'x', reason: 'bad' });
    const wire = JSON.parse(JSON.stringify(original)) as unknown;
    expect(isSerializedError(wire)).toBe(true);
    const back = deserializeError(wire as ReturnType<typeof serializeError>);
    expect(back).toBeInstanceOf(CampaignError);
    expect(back.code).toBe(original.code);
    expect(back.params).toEqual(original.params);
    expect(back.message).toBe(original.message);
    expect(back.localized('zh-CN')).toContain('a/b-c');
    expect(serializeError(new Error('x')).code).toBe('SYS_INTERNAL');
  });

  it('refuses duplicate and malformed method names at startup', () => {
    expect(() => createApiRouter([...methods, echo, echo])).toThrowError(expect.objectContaining({ code: 'API_DUPLICATE_METHOD' }));
    const bad = defineQuery('Bad.Name', z.object({}), () => null);
    expect(() => createApiRouter([bad])).toThrowError(expect.objectContaining({ code: 'API_BAD_METHOD_NAME' }));
  });

  it('streams a live feed', async () => {
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      const stop = client.subscribe('settings/watch-settings', undefined, {
        onData(settings) {
          seen.push(settings.locale);
          if (seen.length === 1) void client.mutate('settings/update-settings', { locale: 'en' });
          else {
            stop();
            resolve();
          }
        },
      });
    });
    expect(seen).toEqual(['zh-CN', 'en']);
  });
});
