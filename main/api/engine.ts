import { z } from 'zod';
import type { EngineSettings } from '../engine/executor/engine-settings.ts';
import type { ChannelView } from '../engine/engine.ts';
import { actorOf } from './actor.ts';
import { defineMutation, defineQuery } from './define.ts';

export const engineMethods = [
  /** Quiet hours, frequency cap, retries, chunk size, concurrency, default rate. */
  defineQuery('engine/get-settings', z.object({}).optional(), (_input, ctx): EngineSettings => ctx.services.engine.settings()),
  defineMutation('engine/update-settings', z.record(z.string(), z.unknown()), (input, ctx): Promise<EngineSettings> => ctx.services.engine.updateSettings(input, actorOf(ctx))),
  /** Configured delivery channels, secrets hidden. */
  defineQuery('engine/list-channels', z.object({}).optional(), (_input, ctx): ChannelView[] => ctx.services.engine.listChannels()),
  /** Adds or replaces a channel (webhook, email, outbox); invalid settings change nothing. */
  defineMutation('engine/save-channel', z.record(z.string(), z.unknown()), (input, ctx): Promise<ChannelView[]> => ctx.services.engine.saveChannel(input, actorOf(ctx))),
  defineMutation('engine/remove-channel', z.object({ id: z.string().min(1).max(64) }).strict(), ({ id }, ctx): Promise<ChannelView[]> => ctx.services.engine.removeChannel(id, actorOf(ctx))),
] as const;
