import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { EventBus } from './event-bus.ts';

const fields = {
  locale: z.enum(['zh-CN', 'en']),
  theme: z.enum(['light', 'dark', 'system']),
  /** Electron: closing the window keeps the scheduler running in the tray. */
  keepRunningInBackground: z.boolean(),
  openAtLogin: z.boolean(),
  /** A demo chain was loaded on first start (the dashboard offers to clear it). */
  demoLoaded: z.boolean(),
};

export const settingsSchema = z.object({
  locale: fields.locale.default('zh-CN'),
  theme: fields.theme.default('system'),
  keepRunningInBackground: fields.keepRunningInBackground.default(true),
  openAtLogin: fields.openAtLogin.default(false),
  demoLoaded: fields.demoLoaded.default(false),
});
export type Settings = z.infer<typeof settingsSchema>;
// No defaults here: zod fills defaults even for absent optional keys, which would reset
// every setting the patch does not name.
export const settingsPatchSchema = z.object(fields).partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * App settings in `<data dir>/settings.json`. Writes go to a temp file first and are renamed
 * into place, so a crash never leaves a half-written file.
 */
export class SettingsStore {
  private readonly file: string;
  private current: Settings;

  constructor(dataDir: string, private readonly bus: EventBus) {
    this.file = join(dataDir, 'settings.json');
    this.current = this.load();
  }

  private load(): Settings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return settingsSchema.parse({});
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CampaignError('SYS_DATA_DIR', { path: this.file, reason: `not valid JSON (${(error as Error).message}); fix or delete the file` });
    }
    // Unknown or invalid values fall back to defaults, field by field, rather than losing all.
    const parsed = settingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const defaults = settingsSchema.parse({});
    const merged: Record<string, unknown> = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof Settings)[]) {
      const one = settingsSchema.shape[key].safeParse((raw as Record<string, unknown>)?.[key]);
      if (one.success) merged[key] = one.data;
    }
    return settingsSchema.parse(merged);
  }

  get(): Settings {
    return { ...this.current };
  }

  update(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.current = next;
    this.bus.emit('settings-changed', { keys: Object.keys(patch) });
    return this.get();
  }
}
