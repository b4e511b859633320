import type { GroupOutcome } from '../../core/insight/lift.ts';
import { BUCKET_MS, HOLDOUT_REASON, type AttributionFacts, type MessageFact, type PlanFacts } from '../../core/insight/results.ts';
import type { Run } from '../../core/plans/run.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { customerEventSchema } from '../../db/schemas/customer-events.ts';
import { grantSchema } from '../../db/schemas/grants.ts';
import { messageSchema } from '../../db/schemas/messages.ts';
import { planRunSchema } from '../../db/schemas/plan-runs.ts';
import { planSchema } from '../../db/schemas/plans.ts';
import { taskSchema } from '../../db/schemas/tasks.ts';
import { KEY_END, keyPrefix, toSqliteKey, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { runFact, toPlanFacts, type GrantGroup, type PlanHead } from './plan-facts.ts';

/**
 * Expression indexes the results read instead of parsing documents: a plan's grants and
 * messages by plan with the fields the results need (covering: SQLite answers from the index).
 * Created on first use; SQLite keeps them up to date on every write.
 */
const GRANT_FIELDS = ['planKey', 'runId', 'customerId', 'grantedAt', 'usedAt', 'rightId', 'rightVersion'];
const MESSAGE_FIELDS = ['planId', 'runId', 'channel', 'state'];
/** Orders only (a partial index): a customer's orders in a time range, with amount and store. */
const ORDER_FIELDS = ['customerId', 'at', 'amount', 'storeId', 'eventId', 'type'];
const IS_ORDER = `data->>'type' = 'order'`;

/** Every grant of a customer over time, with its plan and run (the touches of other plans). */
const TOUCH_FIELDS = ['customerId', 'grantedAt', 'planKey', 'runId'];

function ensureIndexes(reader: SqlReader, grants: string, messages: string, events: string): void {
  reader.ensureIndex(grants, 'insight', GRANT_FIELDS.map((f) => `data->>'${f}'`));
  reader.ensureIndex(grants, 'touches', TOUCH_FIELDS.map((f) => `data->>'${f}'`));
  reader.ensureIndex(messages, 'insight', MESSAGE_FIELDS.map((f) => `data->>'${f}'`));
  reader.ensureIndex(events, 'orders', ORDER_FIELDS.map((f) => `data->>'${f}'`), IS_ORDER);
}


/** An ISO 8601 UTC instant with milliseconds (events' `at`) as epoch ms, in SQL. */
const msOf = (iso: string) => `(unixepoch(substr(${iso}, 1, 19)) * 1000 + CAST(substr(${iso}, 21, 3) AS INTEGER))`;

const TEMP_TABLES = [
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_grants (c TEXT, r TEXT, rid TEXT, rv INTEGER, ga INTEGER, ua INTEGER)',
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_customers (c TEXT PRIMARY KEY, t0 INTEGER, t1 INTEGER)',
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_touches (c TEXT, p TEXT, r TEXT, t INTEGER)',
  'CREATE INDEX IF NOT EXISTS temp.cd_in_touches_ct ON cd_in_touches (c, t)',
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_orders (c TEXT, at INTEGER, amount INTEGER, s TEXT)',
  'CREATE INDEX IF NOT EXISTS temp.cd_in_orders_ca ON cd_in_orders (c, at, amount)',
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_attributed (r TEXT, c TEXT, at INTEGER, amount INTEGER, s TEXT)',
  'CREATE TEMP TABLE IF NOT EXISTS cd_in_control (r TEXT, c TEXT, at INTEGER)',
];

/**
 * Reads a plan's facts for an attribution window with SQL over the storage's tables: the work
 * (joins, last-touch choice, grouping) stays in SQLite and only aggregates come back.
 *
 * 1. The plan's grants from the covering `insight` index of grants into a TEMP table.
 * 2. Every other plan's grants of those customers: the covering `touches` index of grants
 *    (customer, time, plan, run), one range per customer around the plan's own grants; one
 *    touch per customer, plan and run (first grant time).
 * 3. Their orders: the partial covering `orders` index of events (orders by customer
 *    and time), one range per customer from the first touch to the last touch + window: only
 *    orders that can count are read, and no document is parsed.
 * 4. Each order's touch: the latest touch of its customer with `t <= at < t + window`, ties
 *    to the smaller plan id then run id (the rule of `core/insight/attribution.ts`); the
 *    plan's orders grouped by run, 15-minute bucket and store.
 * 5. Control members from the runs' chunks (`r = 'holdout'`) and their orders from the run's
 *    start; treatment members are the plan's touches of those runs.
 * Uses this connection's TEMP tables; synchronous, so no other statement interleaves.
 */
let trace: ((sql: string, ms: number) => void) | null = null;

/** Reports each statement's time (benchmarks, profiling); null stops it. */
export function traceInsightSql(fn: ((sql: string, ms: number) => void) | null): void {
  trace = fn;
}

function traced(reader: SqlReader): SqlReader {
  const report = trace;
  if (!report) return reader;
  const timed = <T>(sql: string, fn: () => T): T => {
    const start = performance.now();
    const out = fn();
    report(sql, performance.now() - start);
    return out;
  };
  return { ...reader, rows: (sql, ...p) => timed(sql, () => reader.rows(sql, ...p)), run: (sql, ...p) => timed(sql, () => reader.run(sql, ...p)) };
}

export function readPlanFactsSql(source: SqlReader, planId: string, windowMs: number): PlanFacts {
  const reader = traced(source);
  const plans = reader.table('plans', planSchema.version);
  const runsTable = reader.table('planRuns', planRunSchema.version);
  const tasks = reader.table('tasks', taskSchema.version);
  const grants = reader.table('grants', grantSchema.version);
  const events = reader.table('events', customerEventSchema.version);
  const messages = reader.table('messages', messageSchema.version);

  const head = reader.rows<[string, string, string]>(`SELECT data->>'id', data->>'name', data->>'storeId' FROM ${plans} WHERE id = ? AND deleted = 0`, toSqliteKey(planId))[0];
  if (!head) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan', id: planId });
  const plan: PlanHead = { id: head[0], name: head[1], storeId: head[2] };
  ensureIndexes(reader, grants, messages, events);
  const ordersIndex = reader.indexName(events, 'orders');
  const touchesIndex = reader.indexName(grants, 'touches');
  for (const sql of TEMP_TABLES) reader.run(sql);
  for (const t of ['cd_in_grants', 'cd_in_customers', 'cd_in_touches', 'cd_in_orders', 'cd_in_attributed', 'cd_in_control']) reader.run(`DELETE FROM temp.${t}`);

  const planLo = keyPrefix(planId);
  const planHi = planLo + KEY_END;
  const runs = reader.rows<[string]>(`SELECT data FROM ${runsTable} WHERE k0 >= ? AND k0 < ? AND deleted = 0`, planLo, planHi).map(([json]) => JSON.parse(json) as Run);

  // 1. The plan's grants.
  reader.run(
    `INSERT INTO cd_in_grants SELECT data->>'customerId', data->>'runId', data->>'rightId', data->>'rightVersion', data->>'grantedAt', data->>'usedAt'
     FROM ${grants} WHERE data->>'planKey' = ? AND deleted = 0`,
    planId,
  );
  const rightRows = reader.rows<[string, string, number, number | null, number | null, number]>(
    `SELECT r, rid, rv, ga / ${BUCKET_MS} * ${BUCKET_MS}, ua / ${BUCKET_MS} * ${BUCKET_MS}, count(*) FROM cd_in_grants WHERE ga IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
  );
  const rightInfo = new Map<string, { name: string; kind: string; params: Record<string, unknown> }>();
  for (const [, rid, rv] of rightRows) {
    const key = `${rid}\u0000${rv}`;
    if (rightInfo.has(key)) continue;
    const row = reader.rows<[string, string, string]>(
      `SELECT data->>'rightName', data->>'kind', data->'params' FROM ${grants} WHERE data->>'planKey' = ? AND data->>'rightId' = ? AND data->>'rightVersion' = ? AND deleted = 0 LIMIT 1`,
      planId,
      rid,
      rv,
    )[0];
    rightInfo.set(key, row ? { name: row[0], kind: row[1], params: JSON.parse(row[2]) as Record<string, unknown> } : { name: rid, kind: 'custom', params: {} });
  }
  const groups: GrantGroup[] = rightRows.map(([runId, rightId, rightVersion, gb, ub, count]) => {
    const info = rightInfo.get(`${rightId}\u0000${rightVersion}`)!;
    return { runId: runId ?? '', rightId, rightVersion, rightName: info.name, kind: info.kind, params: info.params, grantedBucket: gb, usedBucket: ub, count };
  });

  // 2. Touches: the plan's own, and other plans' of the same customers around them.
  reader.run(`INSERT INTO cd_in_customers SELECT c, min(ga), max(ga) FROM cd_in_grants WHERE ga IS NOT NULL GROUP BY c`);
  reader.run(`INSERT INTO cd_in_touches SELECT c, ?, coalesce(r, ''), min(ga) FROM cd_in_grants WHERE ga IS NOT NULL GROUP BY c, r`, planId);
  reader.run(
    `INSERT INTO cd_in_touches
     SELECT pc.c, g.data->>'planKey', coalesce(g.data->>'runId', ''), min(g.data->>'grantedAt')
     FROM cd_in_customers AS pc CROSS JOIN ${grants} AS g INDEXED BY ${touchesIndex}
     WHERE g.data->>'customerId' = +pc.c AND g.data->>'grantedAt' BETWEEN +(pc.t0 - ?) AND +(pc.t1 + ?)
       AND g.data->>'planKey' NOT IN (?, '') AND g.deleted = 0
     GROUP BY 1, 2, 3`,
    windowMs,
    windowMs,
    planId,
  );

  // 3. Orders of those customers that can fall in a window.
  reader.run(
    `INSERT INTO cd_in_orders
     SELECT c, ${msOf('a')}, amount, s FROM (
       SELECT pc.c AS c, e.data->>'at' AS a, coalesce(e.data->>'amount', 0) AS amount, e.data->>'storeId' AS s
       FROM cd_in_customers AS pc CROSS JOIN ${events} AS e INDEXED BY ${ordersIndex}
       WHERE e.data->>'customerId' = +pc.c AND e.data->>'at' >= cd_iso(pc.t0) AND e.data->>'at' < cd_iso(pc.t1 + ?) AND ${IS_ORDER.replace('data', 'e.data')} AND e.deleted = 0)`,
    windowMs,
  );

  // 4. Last touch of each order; keep the plan's.
  const sep = '\u001f';
  reader.run(
    `WITH w AS MATERIALIZED (
       SELECT o.c, o.at, o.amount, o.s,
         (SELECT t.p || char(31) || t.r FROM cd_in_touches AS t WHERE t.c = o.c AND t.t <= o.at AND t.t > o.at - ? ORDER BY t.t DESC, t.p, t.r LIMIT 1) AS win
       FROM cd_in_orders AS o)
     INSERT INTO cd_in_attributed SELECT substr(win, ?), c, at, amount, s FROM w WHERE win >= ? AND win < ?`,
    windowMs,
    planId.length + 2,
    planId + sep,
    planId + '\u0020',
  );
  const buckets = reader
    .rows<[string, number, string, number, number]>(`SELECT r, at / ${BUCKET_MS} * ${BUCKET_MS}, s, count(*), sum(amount) FROM cd_in_attributed GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .map(([runId, at, storeId, orders, revenue]) => ({ runId, at, storeId, orders, revenue }));
  const buyersByRun = reader.rows<[string, number]>(`SELECT r, count(DISTINCT c) FROM cd_in_attributed GROUP BY r ORDER BY r`).map(([runId, buyers]) => ({ runId, buyers }));
  const buyers = reader.rows<[number]>(`SELECT count(DISTINCT c) FROM cd_in_attributed`)[0]?.[0] ?? 0;

  // 5. Lift groups of the runs that kept a control group.
  const liftGroups: AttributionFacts['groups'] = [];
  const outcome = (row: [number, number | null, number | null] | undefined): GroupOutcome => ({ size: row?.[0] ?? 0, converted: row?.[1] ?? 0, revenue: row?.[2] ?? 0 });
  for (const run of [...runs].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!(run.skippedBy[HOLDOUT_REASON] ?? 0)) continue;
    const lo = keyPrefix(run.id);
    const at = run.startedAt || run.scheduledAt;
    const members: string[] = [];
    for (const [ids, items] of reader.rows<[string, string]>(`SELECT data->'customerIds', data->'items' FROM ${tasks} WHERE k0 >= ? AND k0 < ? AND deleted = 0`, lo, lo + KEY_END)) {
      const customerIds = JSON.parse(ids) as string[];
      (JSON.parse(items) as { s: string; r?: string }[]).forEach((item, i) => {
        if (item.s === 'skipped' && item.r === HOLDOUT_REASON && customerIds[i] !== undefined) members.push(customerIds[i]);
      });
    }
    reader.run(`INSERT INTO cd_in_control SELECT ?, c, ? FROM (SELECT value AS c FROM json_each(?))`, run.id, at, JSON.stringify(members));
    const control = outcome(
      reader.rows<[number, number, number]>(
        `SELECT count(*), sum(n > 0), sum(rev) FROM (
           SELECT count(e.data->>'eventId') AS n, coalesce(sum(coalesce(e.data->>'amount', 0)), 0) AS rev
           FROM cd_in_control AS m LEFT JOIN ${events} AS e INDEXED BY ${ordersIndex}
             ON e.data->>'customerId' = +m.c AND e.data->>'at' >= cd_iso(m.at) AND e.data->>'at' < cd_iso(m.at + ?) AND ${IS_ORDER.replace('data', 'e.data')} AND e.deleted = 0
           WHERE m.r = ? GROUP BY m.rowid)`,
        windowMs,
        run.id,
      )[0],
    );
    const treatment = outcome(
      reader.rows<[number, number, number]>(
        `SELECT count(*), sum(n > 0), sum(rev) FROM (
           SELECT count(o.at) AS n, coalesce(sum(o.amount), 0) AS rev
           FROM cd_in_touches AS t LEFT JOIN cd_in_orders AS o ON o.c = t.c AND o.at >= t.t AND o.at < t.t + ?
           WHERE t.p = ? AND t.r = ? GROUP BY t.rowid)`,
        windowMs,
        planId,
        run.id,
      )[0],
    );
    liftGroups.push({ runId: run.id, treatment, control });
  }

  const messageFacts: MessageFact[] = reader
    .rows<[string, string, string, number]>(`SELECT data->>'runId', data->>'channel', data->>'state', count(*) FROM ${messages} WHERE data->>'planId' = ? AND deleted = 0 GROUP BY 1, 2, 3`, planId)
    .map(([runId, channel, state, count]) => ({ runId, channel, state, count }));

  for (const t of ['cd_in_grants', 'cd_in_customers', 'cd_in_touches', 'cd_in_orders', 'cd_in_attributed', 'cd_in_control']) reader.run(`DELETE FROM temp.${t}`);
  return toPlanFacts({ plan, runs: runs.map(runFact), groups, messages: messageFacts, attribution: { buckets, buyersByRun, buyers, groups: liftGroups } });
}
