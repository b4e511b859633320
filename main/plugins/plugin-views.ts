import type { CustomerView, Json, PlanView, RunView, PlanTiming } from '../../plugins/sdk/campaign-desk-plugin.ts';
import type { Plan } from '../core/plans/plan.ts';
import type { Run } from '../core/plans/run.ts';
import type { PlanTimeSpec } from '../core/time/types.ts';
import type { CustomerDoc } from '../db/schemas/customers.ts';

/**
 * What plugins see of the app's data: plain JSON, and no contact data (phone, e-mail,
 * consent flags stay in the app).
 */
export function customerView(doc: CustomerDoc): CustomerView {
  return {
    id: doc.externalId,
    storeId: doc.storeId,
    name: doc.name,
    gender: doc.gender,
    birthday: doc.birthday ?? null,
    level: doc.level,
    tags: [...doc.tags],
    points: doc.points,
    growth: doc.growth,
    isFan: doc.isFan,
    fanSince: doc.fanSince ?? null,
    registeredAt: doc.registeredAt,
    totalSpend: doc.totalSpend,
    lastOrderAt: doc.lastOrderAt ?? null,
  };
}

function timingOf(time: PlanTimeSpec): PlanTiming {
  return { effective: time.effective, ...(time.period !== undefined ? { period: time.period } : {}), execution: time.execution } as PlanTiming;
}

/** Round-trips through JSON: plugins get copies, never the app's own objects. */
function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function planViewOfPlan(plan: Plan): PlanView {
  return json({
    id: plan.id,
    name: plan.name,
    storeId: plan.storeId,
    marketingType: plan.marketingType,
    timeZone: plan.time.timeZone,
    timing: timingOf(plan.time),
    actions: plan.actions,
    config: plan.config as Record<string, Json>,
  });
}

export function planViewOfRun(run: Run): PlanView {
  return json({
    id: run.planId,
    name: run.plan.name,
    storeId: run.plan.storeId,
    marketingType: run.plan.marketingType,
    timeZone: run.plan.time.timeZone,
    timing: timingOf(run.plan.time),
    actions: run.plan.actions,
    config: (run.plan.config ?? {}) as Record<string, Json>,
  });
}

export function runView(run: Run): RunView {
  return { id: run.id, planId: run.planId, occurrence: run.occurrence };
}
