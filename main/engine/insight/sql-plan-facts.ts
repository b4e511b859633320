import type { OrderFact, Touch } from '../../core/insight/attribution.ts';
import { HOLDOUT_REASON, type ControlFact, type MessageFact, type PlanFacts } from '../../core/insight/results.ts';
import type { Run } from '../../core/plans/run.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { customerEventSchema } from '../../db/schemas/customer-events.ts';
import { grantSchema } from '../../db/schemas/grants.ts';
import { messageSchema } from '../../db/schemas/messages.ts';
import { planRunSchema } from '../../db/schemas/plan-runs.ts';
import { planSchema } from '../../db/schemas/plans.ts';
import { taskSchema } from '../../db/schemas/tasks.ts';
import { KEY_END, keyPrefix, toSqliteKey, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { BUCKET_MS, controlOf, runFact, toPlanFacts, type GrantGroup, type PlanHead } from './plan-facts.ts';

/**
 * Reads a plan's facts with a few SQL statements over the storage's tables, walking indexes
 * instead of loading documents:
 * - the plan's grants: index `[planKey, reservedAt]` (k1), grouped in SQL by run, right
 *   version and 15-minute buckets of commit and use;
 * - every plan's grants of the plan's customers: index `[customerId, state]` (k0), one range
 *   per customer, grouped to one touch per customer, plan and run;
 * - their orders: index `[customerId, at]` of events (k0), one range per customer from their
 *   first touch to the last touch + window, so only orders that can count are read;
 * - the control group's orders the same way, from the run's start;
 * - messages: index `[planId, createdAt]` (k2), counted by run, channel and state.
 */
export function readPlanFactsSql(reader: SqlReader, planId: string, windowMs: number): PlanFacts {
  const plans = reader.table('plans', planSchema.version);
  const runsTable = reader.table('planRuns', planRunSchema.version);
  const tasks = reader.table('tasks', taskSchema.version);
  const grants = reader.table('grants', grantSchema.version);
  const events = reader.table('events', customerEventSchema.version);
  const messages = reader.table('messages', messageSchema.version);

  const head = reader.rows<[string, string, string]>(`SELECT data->>'id', data->>'name', data->>'storeId' FROM ${plans} WHERE id = ? AND deleted = 0`, toSqliteKey(planId))[0];
  if (!head) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan', id: planId });
  const plan: PlanHead = { id: head[0], name: head[1], storeId: head[2] };
  const planLo = keyPrefix(planId);
  const planHi = planLo + KEY_END;

  const runs = reader.rows<[string]>(`SELECT data FROM ${runsTable} WHERE k0 >= ? AND k0 < ? AND deleted = 0`, planLo, planHi).map(([json]) => JSON.parse(json) as Run);

  const groups: GrantGroup[] = reader
    .rows<[string, string, number, string, string, string, number | null, number | null, number]>(
      `SELECT r, rid, rv, max(name), max(kind), max(params), gb, ub, count(*) FROM (
         SELECT data->>'runId' AS r, data->>'rightId' AS rid, data->>'rightVersion' AS rv, data->>'rightName' AS name, data->>'kind' AS kind,
                data->'params' AS params, (data->>'grantedAt') / ${BUCKET_MS} * ${BUCKET_MS} AS gb, (data->>'usedAt') / ${BUCKET_MS} * ${BUCKET_MS} AS ub
         FROM ${grants} WHERE k1 >= ? AND k1 < ? AND deleted = 0)
       WHERE gb IS NOT NULL GROUP BY r, rid, rv, gb, ub`,
      planLo,
      planHi,
    )
    .map(([runId, rightId, rightVersion, rightName, kind, params, gb, ub, count]) => ({
      runId: runId ?? '',
      rightId,
      rightVersion,
      rightName,
      kind,
      params: JSON.parse(params) as Record<string, unknown>,
      grantedBucket: gb,
      usedBucket: ub,
      count,
    }));

  // The plan's customers with the span of their touches; every plan's touches of them.
  const planCustomers = `SELECT data->>'customerId' AS c, min(data->>'grantedAt') AS t0, max(data->>'grantedAt') AS t1
    FROM ${grants} WHERE k1 >= ? AND k1 < ? AND deleted = 0 AND data->>'grantedAt' IS NOT NULL GROUP BY c`;
  const touches: Touch[] = reader
    .rows<[string, string, string, number]>(
      `WITH pc AS (${planCustomers})
       SELECT pc.c, g.data->>'planId' AS p, g.data->>'runId' AS r, min(g.data->>'grantedAt') AS t
       FROM pc CROSS JOIN ${grants} AS g
       WHERE g.k0 >= cd_key_prefix(pc.c) AND g.k0 < cd_key_prefix(pc.c) || ? AND g.deleted = 0
         AND g.data->>'planId' IS NOT NULL AND (g.data->>'grantedAt') BETWEEN pc.t0 - ? AND pc.t1 + ?
       GROUP BY pc.c, p, r`,
      planLo,
      planHi,
      KEY_END,
      windowMs,
      windowMs,
    )
    .map(([customerId, p, r, at]) => ({ customerId, planId: p, runId: r ?? '', at }));

  const orders = new Map<string, OrderFact>();
  const addOrders = (rows: [string, string, string, number | null, string][]) => {
    for (const [id, customerId, at, amount, storeId] of rows) orders.set(id, { id, customerId, at: Date.parse(at), amount: amount ?? 0, storeId });
  };
  const orderColumns = `e.data->>'eventId', e.data->>'customerId', e.data->>'at', e.data->>'amount', e.data->>'storeId'`;
  addOrders(
    reader.rows(
      `WITH pc AS (${planCustomers})
       SELECT ${orderColumns} FROM pc CROSS JOIN ${events} AS e
       WHERE e.k0 >= cd_key_prefix(pc.c) || cd_iso(pc.t0) AND e.k0 < cd_key_prefix(pc.c) || cd_iso(pc.t1 + ?)
         AND e.deleted = 0 AND e.data->>'type' = 'order'`,
      planLo,
      planHi,
      windowMs,
    ),
  );

  // Control groups of the runs that kept one, and their orders from the run's start.
  const control: ControlFact[] = [];
  for (const run of runs) {
    if (!(run.skippedBy[HOLDOUT_REASON] ?? 0)) continue;
    const lo = keyPrefix(run.id);
    const chunks = reader.rows<[string]>(`SELECT data FROM ${tasks} WHERE k0 >= ? AND k0 < ? AND deleted = 0`, lo, lo + KEY_END).map(([json]) => JSON.parse(json) as { customerIds: string[]; items: { s: string; r?: string }[] });
    control.push(...controlOf(run.id, run.startedAt || run.scheduledAt, chunks));
  }
  if (control.length > 0) {
    addOrders(
      reader.rows(
        `WITH cc AS (SELECT value->>0 AS c, value->>1 AS lo FROM json_each(?))
         SELECT ${orderColumns} FROM cc CROSS JOIN ${events} AS e
         WHERE e.k0 >= cd_key_prefix(cc.c) || cd_iso(cc.lo) AND e.k0 < cd_key_prefix(cc.c) || cd_iso(cc.lo + ?)
           AND e.deleted = 0 AND e.data->>'type' = 'order'`,
        JSON.stringify(control.map((c) => [c.customerId, c.at])),
        windowMs,
      ),
    );
  }

  const messageFacts: MessageFact[] = reader
    .rows<[string, string, string, number]>(
      `SELECT data->>'runId', data->>'channel', data->>'state', count(*) FROM ${messages} WHERE k2 >= ? AND k2 < ? AND deleted = 0 GROUP BY 1, 2, 3`,
      planLo,
      planHi,
    )
    .map(([runId, channel, state, count]) => ({ runId, channel, state, count }));

  return toPlanFacts({ plan, runs: runs.map(runFact), groups, messages: messageFacts, touches, orders: [...orders.values()], control });
}
