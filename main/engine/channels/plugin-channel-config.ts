import { z } from 'zod';
import { channelIdSchema } from './channel.ts';

/**
 * A delivery channel provided by a plugin (its `registerMessageChannel`): which plugin and
 * provider, and the provider's own settings (its config form). The plugin host supplies the
 * factory (`EngineOptions.channelKinds`); the engine only stores and validates the frame.
 */
export const pluginChannelConfigSchema = z
  .object({
    kind: z.literal('plugin'),
    id: channelIdSchema,
    pluginId: z.string().min(1).max(100),
    provider: z.string().min(1).max(40),
    settings: z.record(z.string(), z.json()).default({}),
  })
  .strict();
export type PluginChannelConfig = z.output<typeof pluginChannelConfigSchema>;
