import type { JsonSchema } from 'rxdb';
import type { KeyValueStoreDefinition } from '../key-value-store.ts';
import { epochMs, text } from './schema-fields.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A business setting that belongs to the data (store profile, quiet hours, frequency caps,
 * channel rates, ...), keyed like `engine.quietHours`; the owner of a key validates its value.
 * Preferences of this machine (language, theme) live in `settings.json` (`main/app/settings-store.ts`).
 * Kept as one RxDB local document (`AppDatabase.settings`), not a collection.
 */
export interface SettingEntry {
  value: JsonValue;
  updatedAt: number;
  updatedBy: string;
}

export const settingEntrySchema: JsonSchema<SettingEntry> = {
  type: 'object',
  properties: {
    value: { type: ['string', 'number', 'boolean', 'object', 'array', 'null'] },
    updatedAt: epochMs,
    updatedBy: text(100),
  },
  required: ['value', 'updatedAt', 'updatedBy'],
  additionalProperties: false,
};

export const settingsStore: KeyValueStoreDefinition<SettingEntry> = {
  id: 'settings',
  schema: settingEntrySchema,
  version: 0,
  migrations: {},
};
