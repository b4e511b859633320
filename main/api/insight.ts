import { z } from 'zod';
import type { PlanResults } from '../core/insight/results.ts';
import { InsightService, type DashboardResults } from '../engine/insight/insight-service.ts';
import type { ApiContext } from './context.ts';
import { defineQuery } from './define.ts';

export type { PlanResults, ResultTotals, RunResult, DailyPoint, RightResult, StoreResult, ChannelResult } from '../core/insight/results.ts';
export type { Lift, GroupOutcome } from '../core/insight/lift.ts';
export type { DashboardResults, PlanSummary, StoreTotals, DashboardDay } from '../engine/insight/insight-service.ts';

const id = z.string().trim().min(1).max(64);
/** Attribution window in days (default 7). */
const windowDays = z.int().min(1).max(90).default(7);

function insight(ctx: ApiContext): InsightService {
  const { services } = ctx;
  return new InsightService(services.database.file, services.clock, () => services.zone);
}

export const insightMethods = [
  /** Results of a plan (or one of its runs): counts, rights and cost, attributed orders, daily series, lift. */
  defineQuery('insight/get-plan-results', z.object({ planId: id, runId: id.optional(), windowDays }).strict(), (input, ctx): PlanResults =>
    insight(ctx).planResults(input.planId, { windowDays: input.windowDays, ...(input.runId ? { runId: input.runId } : {}) }),
  ),
  /** The last `days` days: recent plans' results, and chain-wide totals per store and per day. */
  defineQuery(
    'insight/get-dashboard',
    z.object({ days: z.int().min(1).max(365).default(30), windowDays, limit: z.int().min(1).max(50).default(10) }).strict().optional(),
    (input, ctx): DashboardResults => insight(ctx).dashboard(input ?? {}),
  ),
] as const;
