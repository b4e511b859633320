import { z } from 'zod';
import { frequencyCapSchema, quietHoursSchema, type FrequencyCap, type QuietHours } from '../../core/plans/plan.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../../core/plans/retry.ts';
import type { KeyValueStore } from '../../db/key-value-store.ts';
import type { SettingEntry } from '../../db/schemas/settings.ts';

/** The executor's chain-wide settings (plans may override quiet hours, caps and attempts). */
export interface EngineSettings {
  /** No messages in this window, store time (default 21:00-08:00); null = none. */
  quietHours: QuietHours | null;
  /** Marketing messages per customer per channel across all plans (default 2 per 7 days); null = no cap. */
  frequencyCap: FrequencyCap | null;
  retry: RetryPolicy;
  /** Customers per chunk (split). */
  chunkSize: number;
  /** Sends in flight at once per run (the throttle still decides the rate). */
  concurrency: number;
  /** Runs executed at the same time. */
  parallelRuns: number;
  /** Default budget of a downstream (items per second) when none is configured. */
  defaultRate: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  quietHours: { start: '21:00', end: '08:00' },
  frequencyCap: { max: 2, days: 7 },
  retry: DEFAULT_RETRY,
  chunkSize: 500,
  concurrency: 32,
  parallelRuns: 2,
  defaultRate: 50,
};

export const engineSettingsSchema = z
  .object({
    quietHours: quietHoursSchema.nullable(),
    frequencyCap: frequencyCapSchema.nullable(),
    retry: z.object({ maxAttempts: z.number().int().min(1).max(20), baseDelayMs: z.number().int().min(100).max(86_400_000), maxDelayMs: z.number().int().min(100).max(7 * 86_400_000) }).strict(),
    chunkSize: z.number().int().min(10).max(2000),
    concurrency: z.number().int().min(1).max(512),
    parallelRuns: z.number().int().min(1).max(8),
    defaultRate: z.number().positive().max(100_000),
  })
  .partial()
  .strict();
export type EngineSettingsPatch = z.infer<typeof engineSettingsSchema>;

/** Settings key of the engine's settings in the database's settings store. */
export const ENGINE_SETTINGS_KEY = 'engine.settings';

/** The stored settings over the defaults; an unreadable stored value falls back to the defaults, field by field. */
export async function loadEngineSettings(store: KeyValueStore<SettingEntry>): Promise<EngineSettings> {
  const entry = await store.get(ENGINE_SETTINGS_KEY);
  const parsed = engineSettingsSchema.safeParse(entry?.value ?? {});
  return { ...DEFAULT_ENGINE_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}
