import { z } from 'zod';
import { clearDemo } from '../app/demo.ts';
import { defineMutation } from './define.ts';

export const demoMethods = [
  /** Removes the demo chain loaded on first start; imported customers stay. */
  defineMutation('demo/clear-demo', z.object({}).optional(), async (_input, ctx) => {
    const removed = await clearDemo(ctx.services.database);
    ctx.services.settings.update({ demoLoaded: false });
    return removed;
  }),
] as const;
