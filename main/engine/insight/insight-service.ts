import { DAY_MS, DEFAULT_WINDOW_DAYS } from '../../core/insight/attribution.ts';
import type { Lift } from '../../core/insight/lift.ts';
import { computePlanResults, localDayOf, type PlanResults } from '../../core/insight/results.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { Clock } from '../../core/clock.ts';
import { customerEventSchema } from '../../db/schemas/customer-events.ts';
import { planRunSchema } from '../../db/schemas/plan-runs.ts';
import { keyPrefix, openSqlReader, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { readPlanFactsSql } from './sql-plan-facts.ts';

export interface PlanResultsOptions {
  runId?: string;
  /** Attribution window in days (default 7). */
  windowDays?: number;
}

/** One recent plan on the dashboard. */
export interface PlanSummary {
  planId: string;
  planName: string;
  storeId: string;
  runs: number;
  lastRunAt: number;
  audience: number;
  granted: number;
  sent: number;
  used: number;
  redemptionRate: number | null;
  orders: number;
  revenue: number;
  costGrantedCents: number;
  costUsedCents: number;
  lift: Pick<Lift, 'difference' | 'ciLow' | 'ciHigh' | 'significant'> | null;
}

/**
 * Chain-wide totals of one store in the period. `orders`/`revenue` are all its order events;
 * `attributed*` the orders placed there that recent plans' results attribute; `plans` and
 * `costGrantedCents` count by the plan's store (grants carry no store of their own).
 */
export interface StoreTotals {
  storeId: string;
  orders: number;
  revenue: number;
  attributedOrders: number;
  attributedRevenue: number;
  plans: number;
  costGrantedCents: number;
}

export interface DashboardDay {
  date: string;
  orders: number;
  revenue: number;
  attributedRevenue: number;
}

export interface DashboardResults {
  from: number;
  to: number;
  days: number;
  windowDays: number;
  zone: string;
  plans: PlanSummary[];
  totals: { plans: number; audience: number; granted: number; sent: number; used: number; orders: number; revenue: number; costGrantedCents: number; costUsedCents: number };
  stores: StoreTotals[];
  daily: DashboardDay[];
}

/**
 * Campaign results (`main/core/insight` does the arithmetic): reads facts with SQL over the
 * storage's tables (`readPlanFactsSql`) on the connection of the open database.
 */
export class InsightService {
  constructor(
    private readonly databaseFile: string,
    private readonly clock: Clock,
    private readonly zone: () => string,
  ) {}

  private withReader<T>(fn: (reader: SqlReader) => T): T {
    const reader = openSqlReader(this.databaseFile);
    try {
      return fn(reader);
    } finally {
      reader.close();
    }
  }

  /** Results of one plan, or of one of its runs. Throws SYS_NOT_FOUND for an unknown plan or run. */
  planResults(planId: string, options: PlanResultsOptions = {}): PlanResults {
    const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
    const facts = this.withReader((reader) => readPlanFactsSql(reader, planId, windowDays * DAY_MS));
    if (options.runId !== undefined && !facts.runs.some((r) => r.id === options.runId)) {
      throw new CampaignError('SYS_NOT_FOUND', { what: 'run' satisfies NotFoundWhat, id: options.runId });
    }
    return computePlanResults(facts, { windowDays, zone: this.zone(), ...(options.runId !== undefined ? { runId: options.runId } : {}) });
  }

  /** The last `days` days: results of the plans that ran (newest first, at most `limit`), totals per store and per day. */
  dashboard(options: { days?: number; windowDays?: number; limit?: number } = {}): DashboardResults {
    const days = options.days ?? 30;
    const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
    const limit = options.limit ?? 10;
    const zone = this.zone();
    const to = this.clock.now();
    const from = to - days * DAY_MS;
    return this.withReader((reader) => {
      const runs = reader.table('planRuns', planRunSchema.version);
      const recent = reader.rows<[string, number, number]>(
        `SELECT data->>'planId', count(*), max(data->>'startedAt') FROM ${runs}
         WHERE deleted = 0 AND data->>'startedAt' >= ? AND data->>'startedAt' <= ? GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT ?`,
        from,
        to,
        limit,
      );
      const plans: PlanSummary[] = [];
      const stores = new Map<string, StoreTotals>();
      const store = (storeId: string) => {
        let s = stores.get(storeId);
        if (!s) stores.set(storeId, (s = { storeId, orders: 0, revenue: 0, attributedOrders: 0, attributedRevenue: 0, plans: 0, costGrantedCents: 0 }));
        return s;
      };
      const dayOf = localDayOf(zone);
      const daily = new Map<string, DashboardDay>();
      const day = (date: string) => {
        let d = daily.get(date);
        if (!d) daily.set(date, (d = { date, orders: 0, revenue: 0, attributedRevenue: 0 }));
        return d;
      };
      for (const [planId, runCount, lastRunAt] of recent) {
        let results: PlanResults;
        try {
          results = computePlanResults(readPlanFactsSql(reader, planId, windowDays * DAY_MS), { windowDays, zone });
        } catch (error) {
          // A run whose plan was deleted: nothing to show for it.
          if (error instanceof CampaignError && error.code === 'SYS_NOT_FOUND') continue;
          throw error;
        }
        const t = results.totals;
        plans.push({
          planId,
          planName: results.planName,
          storeId: results.planStoreId,
          runs: runCount,
          lastRunAt,
          audience: t.audience,
          granted: t.granted,
          sent: t.sent,
          used: t.used,
          redemptionRate: t.redemptionRate,
          orders: t.orders,
          revenue: t.revenue,
          costGrantedCents: t.costGrantedCents,
          costUsedCents: t.costUsedCents,
          lift: results.lift ? { difference: results.lift.difference, ciLow: results.lift.ciLow, ciHigh: results.lift.ciHigh, significant: results.lift.significant } : null,
        });
        const own = store(results.planStoreId);
        own.plans++;
        own.costGrantedCents += t.costGrantedCents;
        for (const s of results.stores) {
          const row = store(s.storeId);
          row.attributedOrders += s.orders;
          row.attributedRevenue += s.revenue;
        }
        for (const d of results.daily) if (d.date >= dayOf(from)) day(d.date).attributedRevenue += d.revenue;
      }
      // Every order of the period, by store and quarter hour (local days are made of them).
      const events = reader.table('events', customerEventSchema.version);
      const lo = keyPrefix('order');
      const rows = reader.rows<[string, string, number, number]>(
        `SELECT data->>'storeId', substr(data->>'at', 1, 14) || (substr(data->>'at', 15, 2) / 15 * 15), count(*), sum(coalesce(data->>'amount', 0))
         FROM ${events} WHERE k1 >= ? AND k1 < ? AND deleted = 0 GROUP BY 1, 2`,
        lo + new Date(from).toISOString(),
        lo + new Date(to).toISOString(),
      );
      for (const [storeId, quarter, count, amount] of rows) {
        const s = store(storeId);
        s.orders += count;
        s.revenue += amount;
        const [hour, minutes] = [quarter.slice(0, 14), Number(quarter.slice(14))];
        const d = day(dayOf(Date.parse(`${hour}${String(minutes).padStart(2, '0')}:00.000Z`)));
        d.orders += count;
        d.revenue += amount;
      }
      const totals = { plans: plans.length, audience: 0, granted: 0, sent: 0, used: 0, orders: 0, revenue: 0, costGrantedCents: 0, costUsedCents: 0 };
      for (const p of plans) for (const k of ['audience', 'granted', 'sent', 'used', 'orders', 'revenue', 'costGrantedCents', 'costUsedCents'] as const) totals[k] += p[k];
      return {
        from,
        to,
        days,
        windowDays,
        zone,
        plans,
        totals,
        stores: [...stores.values()].sort((a, b) => b.revenue - a.revenue || (a.storeId < b.storeId ? -1 : 1)),
        daily: [...daily.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
      };
    });
  }
}
