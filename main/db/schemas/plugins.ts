import type { JsonSchema } from 'rxdb';
import type { KeyValueStoreDefinition } from '../key-value-store.ts';
import { epochMs, failure, jsonObject, oneOf, text, type Failure } from './schema-fields.ts';

export const PLUGIN_STATUSES = ['ok', 'failed', 'incompatible'] as const;
/** How the package's origin was established when it was installed. */
export const PLUGIN_TRUST = ['builtin', 'trusted', 'unsigned', 'untrusted'] as const;

/**
 * An installed plugin (the built-in marketing types included) and what the user allowed it,
 * by plugin id. Kept as one RxDB local document (`AppDatabase.plugins`), not a collection.
 */
export interface PluginEntry {
  name: string;
  version: string;
  publisher: string;
  /** The plugin API version range the manifest declares. */
  apiRange: string;
  builtIn: boolean;
  enabled: boolean;
  status: (typeof PLUGIN_STATUSES)[number];
  /** The manifest as installed, checked by the plugin host. */
  manifest: Record<string, unknown>;
  trust: (typeof PLUGIN_TRUST)[number];
  /** The signing key's id ('' when unsigned or built in). */
  keyId: string;
  /** Values of the plugin's config form. */
  config: Record<string, unknown>;
  /** Permissions of the manifest the user granted. */
  grantedPermissions: string[];
  /** Folder it was installed into, relative to the data dir ('' for built-in ones). */
  location: string;
  lastError?: Failure;
  installedAt: number;
  updatedAt: number;
}

export const pluginEntrySchema: JsonSchema<PluginEntry> = {
  type: 'object',
  properties: {
    name: text(100),
    version: text(64),
    publisher: text(100),
    apiRange: text(64),
    builtIn: { type: 'boolean' },
    enabled: { type: 'boolean' },
    status: oneOf(PLUGIN_STATUSES),
    manifest: jsonObject,
    trust: oneOf(PLUGIN_TRUST),
    keyId: text(64),
    config: jsonObject,
    grantedPermissions: { type: 'array', items: text(100) },
    location: text(500),
    lastError: failure,
    installedAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['name', 'version', 'publisher', 'apiRange', 'builtIn', 'enabled', 'status', 'manifest', 'trust', 'keyId', 'config', 'grantedPermissions', 'location', 'installedAt', 'updatedAt'],
  additionalProperties: false,
};

export const pluginsStore: KeyValueStoreDefinition<PluginEntry> = {
  id: 'plugins',
  schema: pluginEntrySchema,
  version: 1,
  migrations: {
    // v1 records trust and config; entries from before knew neither.
    1: (entry) => {
      const e = entry as Omit<PluginEntry, 'trust' | 'keyId' | 'config'>;
      return { ...e, trust: e.builtIn ? 'builtin' : 'unsigned', keyId: '', config: {} };
    },
  },
};
