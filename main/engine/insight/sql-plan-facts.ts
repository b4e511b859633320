import type { GroupOutcome } from '../../core/insight/lift.ts';
import { BUCKET_MS, bucketOf, HOLDOUT_REASON, type AttributionFacts, type MessageFact, type PlanFacts } from '../../core/insight/results.ts';
import type { Run } from '../../core/plans/run.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import { customerEventSchema } from '../../db/schemas/customer-events.ts';
import { grantSchema } from '../../db/schemas/grants.ts';
import { messageSchema } from '../../db/schemas/messages.ts';
import { planRunSchema } from '../../db/schemas/plan-runs.ts';
import { planSchema } from '../../db/schemas/plans.ts';
import { taskSchema } from '../../db/schemas/tasks.ts';
import { field, isOrder, orderColumns } from '../../db/expression-indexes.ts';
import { KEY_END, keyPrefix, toSqliteKey, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import { runFact, toPlanFacts, type GrantGroup, type PlanHead } from './plan-facts.ts';

/** Field `name` of the documents under `alias`: the text of the declared indexes' expressions. */
const f = (alias: string, name: string) => field(name, alias);
/** The `orders` index's columns of events under alias `e`. */
const E = orderColumns('e');

const TOUCHES = 'cd_insight_touches';
const HITS = 'cd_insight_hits';
const TEMP_TABLES = [
  // One row per customer, plan and run: the first grant time (a touch).
  `CREATE TEMP TABLE IF NOT EXISTS ${TOUCHES} (c TEXT NOT NULL, p TEXT NOT NULL, r TEXT NOT NULL, t INTEGER NOT NULL, PRIMARY KEY (c, p, r)) WITHOUT ROWID`,
  // The orders in the windows of the plan's touches; won: the plan's touch is the order's last touch.
  `CREATE TEMP TABLE IF NOT EXISTS ${HITS} (r TEXT NOT NULL, c TEXT NOT NULL, at INTEGER NOT NULL, amount INTEGER NOT NULL, s TEXT, won INTEGER NOT NULL)`,
];

/**
 * A plan's committed grants per run, right version and 15-minute buckets of commit and of use
 * (each grant counted once in its commit bucket, and once more in its use bucket when used),
 * from the covering `rights` index (plan, run, right, version, commit time, use time): the
 * commit buckets by index ranges (one count per non-empty bucket, no sort), the use buckets by
 * grouping the used grants.
 */
function readGrantGroups(reader: SqlReader, grants: string, planId: string): GrantGroup[] {
  const rights = `${grants} AS pg INDEXED BY ${reader.indexName(grants, 'rights')}`;
  const [run, right, version, granted, used] = [f('pg', 'runId'), f('pg', 'rightId'), f('pg', 'rightVersion'), f('pg', 'grantedAt'), f('pg', 'usedAt')];
  const ofRight = `${f('pg', 'planKey')} = ? AND ${run} IS ? AND ${right} = ? AND ${version} = ? AND pg.deleted = 0`;
  const out: GrantGroup[] = [];
  // Each right version of the plan: grouped in the index's order (no sort).
  const versions = reader.rows<[string | null, string, number]>(`SELECT ${run}, ${right}, ${version} FROM ${rights} WHERE ${f('pg', 'planKey')} = ? AND pg.deleted = 0 GROUP BY 1, 2, 3`, planId);
  for (const next of versions) {
    const [runId, rightId, rightVersion] = next;
    const info = reader.rows<[string, string, string]>(
      `SELECT data->>'rightName', data->>'kind', data->'params' FROM ${grants} WHERE rowid = (SELECT pg.rowid FROM ${rights} WHERE ${ofRight} LIMIT 1)`,
      planId,
      runId,
      rightId,
      rightVersion,
    )[0];
    const head = { runId: runId ?? '', rightId, rightVersion, rightName: info?.[0] ?? rightId, kind: info?.[1] ?? 'custom', params: info ? (JSON.parse(info[2]) as Record<string, unknown>) : {} };
    for (let from = Number.MIN_SAFE_INTEGER; ; ) {
      const at = reader.rows<[number]>(`SELECT ${granted} FROM ${rights} WHERE ${ofRight} AND ${granted} >= ? ORDER BY ${granted} LIMIT 1`, planId, runId, rightId, rightVersion, from)[0]?.[0];
      if (at === undefined) break;
      const bucket = bucketOf(at);
      const count = reader.rows<[number]>(`SELECT count(*) FROM ${rights} WHERE ${ofRight} AND ${granted} >= ? AND ${granted} < ?`, planId, runId, rightId, rightVersion, bucket, bucket + BUCKET_MS)[0]?.[0] ?? 0;
      out.push({ ...head, bucket, granted: count, used: 0 });
      from = bucket + BUCKET_MS;
    }
    const usedRows = reader.rows<[number, number]>(
      `SELECT ua / ${BUCKET_MS} * ${BUCKET_MS}, count(*) FROM (SELECT ${used} AS ua FROM ${rights} WHERE ${ofRight} AND ${granted} IS NOT NULL AND ${used} IS NOT NULL LIMIT -1) GROUP BY 1`,
      planId,
      runId,
      rightId,
      rightVersion,
    );
    for (const [bucket, count] of usedRows) out.push({ ...head, bucket, granted: 0, used: count });
  }
  return out;
}

/**
 * Reads a plan's facts for an attribution window with SQL over the storage's tables: the work
 * (joins, last-touch choice, grouping) stays in SQLite and only aggregates come back. Every
 * read of a collection is answered from one of its declared expression indexes
 * (`main/db/expression-indexes.ts`) without parsing documents.
 *
 * 1. Rights: the plan's grants (covering `insight` index of grants) grouped by run, right and
 *    15-minute buckets of commit and use.
 * 2. Touches: for each of the plan's grants, every grant of that customer less than a window
 *    before or after it (covering `touches` index: customer, time, plan, run), kept per
 *    customer, plan and run with the first time. Only those can decide an order in one of the
 *    plan's windows.
 * 3. Hits: for each of the plan's touches, the customer's orders in its window (the partial
 *    covering `orders` index: customer, epoch ms, amount, store). An order is *won* when no
 *    touch of the customer beats the plan's one (later but not after the order, or the same
 *    instant with a smaller plan id, then run id): the last-touch rule of
 *    `core/insight/attribution.ts`. An order two of the plan's runs hold appears once per run
 *    and is won by at most one of them.
 * 4. Won hits grouped by run, bucket and store, and buyers; all hits of a run are its
 *    treatment group's outcome (orders are not exclusive there).
 * 5. Control members from the runs' chunks (`r = 'holdout'`) and their orders from the run's
 *    start.
 *
 * Aggregates over index expressions would make SQLite read each row's document, so the rows
 * come from a subquery with `LIMIT -1` (kept apart, answered from the index) and are grouped
 * outside it. Uses this connection's TEMP tables; synchronous, so no other statement
 * interleaves.
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
  if (!head) throw new CampaignError('SYS_NOT_FOUND', { what: 'plan' satisfies NotFoundWhat, id: planId });
  const plan: PlanHead = { id: head[0], name: head[1], storeId: head[2] };
  const planGrants = `${grants} AS pg INDEXED BY ${reader.indexName(grants, 'insight')}`;
  const touchGrants = `${grants} AS g INDEXED BY ${reader.indexName(grants, 'touches')}`;
  const orders = `${events} AS e INDEXED BY ${reader.indexName(events, 'orders')}`;
  const isPlanGrant = `${f('pg', 'planKey')} = ? AND pg.deleted = 0 AND ${f('pg', 'grantedAt')} IS NOT NULL`;
  const isLiveOrder = `${isOrder('e')} AND e.deleted = 0`;
  for (const sql of TEMP_TABLES) reader.run(sql);
  const clear = () => {
    reader.run(`DELETE FROM temp.${TOUCHES}`);
    reader.run(`DELETE FROM temp.${HITS}`);
  };
  clear();

  const planLo = keyPrefix(planId);
  const planHi = planLo + KEY_END;
  const runs = reader.rows<[string]>(`SELECT data FROM ${runsTable} WHERE k0 >= ? AND k0 < ? AND deleted = 0`, planLo, planHi).map(([json]) => JSON.parse(json) as Run);

  // 1. Rights granted and used, per run, right version and 15-minute bucket.
  const groups = readGrantGroups(reader, grants, planId);

  // 2. Touches of the plan's customers around the plan's grants (the plan's own included).
  reader.run(
    `INSERT INTO ${TOUCHES} (c, p, r, t) SELECT c, p, r, t FROM (
       SELECT ${f('g', 'customerId')} AS c, ${f('g', 'planKey')} AS p, coalesce(${f('g', 'runId')}, '') AS r, ${f('g', 'grantedAt')} AS t
       FROM ${planGrants} CROSS JOIN ${touchGrants}
       WHERE ${isPlanGrant} AND ${f('g', 'customerId')} = +(${f('pg', 'customerId')})
         AND ${f('g', 'grantedAt')} > +(${f('pg', 'grantedAt')} - ?) AND ${f('g', 'grantedAt')} < +(${f('pg', 'grantedAt')} + ?)
         AND ${f('g', 'planKey')} <> '' AND g.deleted = 0 LIMIT -1)
     WHERE true ON CONFLICT (c, p, r) DO UPDATE SET t = min(t, excluded.t)`,
    planId,
    windowMs,
    windowMs,
  );

  // 3. Orders in the windows of the plan's touches, and whether the plan's touch wins them.
  reader.run(
    `INSERT INTO ${HITS} (r, c, at, amount, s, won) SELECT r, c, at, amount, s, won FROM (
       SELECT own.r AS r, own.c AS c, ${E.at} AS at, coalesce(${E.amount}, 0) AS amount, ${E.storeId} AS s,
         NOT EXISTS (SELECT 1 FROM ${TOUCHES} AS t WHERE t.c = own.c AND t.t <= ${E.at}
           AND (t.t > own.t OR (t.t = own.t AND (t.p < own.p OR (t.p = own.p AND t.r < own.r))))) AS won
       FROM ${TOUCHES} AS own CROSS JOIN ${orders}
       WHERE own.p = ? AND ${E.customerId} = +own.c AND ${E.at} >= +own.t AND ${E.at} < +(own.t + ?) AND ${isLiveOrder} LIMIT -1)`,
    planId,
    windowMs,
  );

  // 4. Attributed orders; buyers and the treatment groups' outcomes per run.
  const buckets = reader
    .rows<[string, number, string, number, number]>(`SELECT r, at / ${BUCKET_MS} * ${BUCKET_MS}, s, count(*), sum(amount) FROM ${HITS} WHERE won GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .map(([runId, at, storeId, orders, revenue]) => ({ runId, at, storeId, orders, revenue }));
  const perRun = reader.rows<[string, number, number, number]>(`SELECT r, count(DISTINCT CASE WHEN won THEN c END), count(DISTINCT c), sum(amount) FROM ${HITS} GROUP BY r ORDER BY r`);
  const buyersByRun = perRun.filter(([, buyers]) => buyers > 0).map(([runId, buyers]) => ({ runId, buyers }));
  const buyers = reader.rows<[number]>(`SELECT count(DISTINCT c) FROM ${HITS} WHERE won`)[0]?.[0] ?? 0;

  // 5. Lift groups of the runs that kept a control group.
  const liftGroups: AttributionFacts['groups'] = [];
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
    // As the naive reader: a run whose chunks name no control member has no lift group.
    if (members.length === 0) continue;
    const [converted, revenue] = reader.rows<[number, number]>(
      `SELECT count(DISTINCT k), coalesce(sum(amount), 0) FROM (
         SELECT m.key AS k, coalesce(${E.amount}, 0) AS amount FROM json_each(?) AS m CROSS JOIN ${orders}
         WHERE ${E.customerId} = +m.value AND ${E.at} >= ? AND ${E.at} < ? AND ${isLiveOrder} LIMIT -1)`,
      JSON.stringify(members),
      at,
      at + windowMs,
    )[0] ?? [0, 0];
    const size = reader.rows<[number]>(`SELECT count(*) FROM ${TOUCHES} WHERE p = ? AND r = ?`, planId, run.id)[0]?.[0] ?? 0;
    const hits = perRun.find(([r]) => r === run.id);
    const treatment: GroupOutcome = { size, converted: hits?.[2] ?? 0, revenue: hits?.[3] ?? 0 };
    liftGroups.push({ runId: run.id, treatment, control: { size: members.length, converted, revenue } });
  }

  // Grouped in the index's order: no sort, and no document is read.
  const messageFacts: MessageFact[] = reader
    .rows<[string, string, string, number]>(
      `SELECT ${f('m', 'runId')}, ${f('m', 'channel')}, ${f('m', 'state')}, count(*) FROM ${messages} AS m INDEXED BY ${reader.indexName(messages, 'insight')}
       WHERE ${f('m', 'planId')} = ? AND m.deleted = 0 GROUP BY 1, 2, 3`,
      planId,
    )
    .map(([runId, channel, state, count]) => ({ runId, channel, state, count }));

  clear();
  return toPlanFacts({ plan, runs: runs.map(runFact), groups, messages: messageFacts, attribution: { buckets, buyersByRun, buyers, groups: liftGroups } });
}
