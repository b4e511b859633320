import { z } from 'zod';
import type { ApiContext } from './context.ts';
import { defineQuery, defineSubscription } from './define.ts';

export interface SystemInfo {
  version: string;
  dataDir: string;
  /** ISO 8601. */
  startedAt: string;
  mode: 'desktop' | 'browser' | 'test';
  /** ISO 8601, the service's clock at the time of the answer. */
  now: string;
  /** Documents per collection. */
  counts: Record<string, number>;
}

async function systemInfo(ctx: ApiContext): Promise<SystemInfo> {
  const { info, clock } = ctx.services;
  return {
    version: info.version,
    dataDir: info.dataDir,
    startedAt: new Date(info.startedAt).toISOString(),
    mode: info.mode,
    now: new Date(clock.now()).toISOString(),
    counts: await ctx.services.database.counts(),
  };
}

export const systemMethods = [
  defineQuery('system/get-info', z.object({}).optional(), (_input, ctx) => systemInfo(ctx)),
  /** The info now, then again whenever data changes. */
  defineSubscription('system/watch-info', z.object({}).optional(), async function* (_input, ctx, signal) {
    yield await systemInfo(ctx);
    for await (const _event of ctx.services.bus.watch('data-changed', signal)) yield await systemInfo(ctx);
  }),
] as const;
