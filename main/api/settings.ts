import { z } from 'zod';
import { settingsPatchSchema } from '../app/settings-store.ts';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

export const settingsMethods = [
  defineQuery('settings/get-settings', z.object({}).optional(), (_input, ctx) => ctx.services.settings.get()),
  defineMutation('settings/update-settings', settingsPatchSchema.strict(), (patch, ctx) => ctx.services.settings.update(patch)),
  /** The settings now, then after every change (e.g. from another window). */
  defineSubscription('settings/watch-settings', z.object({}).optional(), async function* (_input, ctx, signal) {
    yield ctx.services.settings.get();
    for await (const _event of ctx.services.bus.watch('settings-changed', signal)) yield ctx.services.settings.get();
  }),
] as const;
