import { z } from 'zod';
import type { ApiContext } from './context.ts';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

export interface SystemInfo {
  version: string;
  dataDir: string;
  /** ISO 8601. */
  startedAt: string;
  mode: 'desktop' | 'browser' | 'test';
  /** ISO 8601, the service's clock at the time of the answer. */
  now: string;
  /** The stores' IANA time zone: plan dates and times are read in it. */
  zone: string;
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
    zone: ctx.services.zone,
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
  /**
   * Copies the database while the app runs (SQLite online backup). Without a target, writes
   * `<data dir>/backups/campaign-desk-<time>.sqlite`.
   */
  defineMutation('system/backup-database', z.object({ target: z.string().min(1).max(1000).optional() }).optional(), async (input, ctx) => {
    const stamp = new Date(ctx.services.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const file = input?.target ? resolve(input.target) : join(ctx.services.info.dataDir, 'backups', `campaign-desk-${stamp}.sqlite`);
    mkdirSync(dirname(file), { recursive: true });
    await ctx.services.database.backup(file);
    return { file, bytes: statSync(file).size };
  }),
] as const;
