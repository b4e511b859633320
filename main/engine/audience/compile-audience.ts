import type { MangoQuerySelector } from 'rxdb';
import { matchingMonthDays, localDay } from '../../core/audience/birthday.ts';
import type { BehaviourOracle, EvaluationContext } from '../../core/audience/evaluate.ts';
import type { AttributeCondition, AudienceRule, RuleNode } from '../../core/audience/rule.ts';
import { windowMs } from '../../core/audience/evaluate.ts';
import { EVENT_TYPES } from '../../core/customers/customer.ts';
import type { CustomerDoc, LastEventAt } from '../../db/schemas/customers.ts';
import { plainQuery } from './plain-query.ts';
import type { AudienceData, AudienceOptions } from './audience-data.ts';
import { behaviourConditions, customersWithBehaviour, digestAnswers, type BehaviourLike } from './behaviour-sets.ts';
import { compileSql, type SqlAudience } from './sql-audience.ts';
import { sqlSourceOf } from './sql-source.ts';

/**
 * A rule prepared for one evaluation: as SQL over the SQLite storage's tables (`sql`), or, on
 * other storages, what RxDB's indexes can answer and the rest (`rxdb`).
 */
export type CompiledAudience = SqlCompiledAudience | RxdbCompiledAudience;

export interface SqlCompiledAudience {
  kind: 'sql';
  rule: AudienceRule;
  sql: SqlAudience;
}

export interface RxdbCompiledAudience {
  kind: 'rxdb';
  rule: AudienceRule;
  /** A necessary condition answered by the customers' indexes (the first pass). */
  selector: MangoQuerySelector<CustomerDoc>;
  /** When an AND-ed behaviour condition matches few customers, only they are candidates. */
  candidates?: Set<string>;
  /** Behaviour answered from sets computed once per condition. */
  oracle: BehaviourOracle;
  ctx: EvaluationContext;
}

/** Candidate sets above this size are cheaper to apply as a filter than to fetch by id. */
const MAX_DRIVER_SET = 50_000;
const NUMERIC_OR_TEXT = new Set(['level', 'points', 'growth', 'totalSpend', 'storeId', 'gender', 'registeredAt']);

function attributeSelector(c: AttributeCondition): MangoQuerySelector<CustomerDoc> | undefined {
  if (!NUMERIC_OR_TEXT.has(c.field)) return undefined;
  const norm = (v: unknown) => (c.field === 'registeredAt' ? new Date(String(v)).toISOString() : v);
  const list = Array.isArray(c.value) ? c.value.map(norm) : [norm(c.value)];
  const ops: Record<string, unknown> = {
    eq: { $eq: list[0] },
    neq: { $ne: list[0] },
    gt: { $gt: list[0] },
    gte: { $gte: list[0] },
    lt: { $lt: list[0] },
    lte: { $lte: list[0] },
    in: { $in: list },
    notIn: { $nin: list },
    between: { $gte: list[0], $lte: list[1] },
  };
  const op = ops[c.cmp];
  return op === undefined ? undefined : ({ [c.field]: op } as MangoQuerySelector<CustomerDoc>);
}

const ALL_MONTH_DAYS = allMonthDays();

function allMonthDays(): string[] {
  const days: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const last = m === 2 ? 29 : [4, 6, 9, 11].includes(m) ? 30 : 31;
    for (let d = 1; d <= last; d++) days.push(`${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  return days;
}

/**
 * A contiguous run of month-days becomes a range, which the birthMonthDay index answers as
 * one scan; `$in` would make RxDB walk the whole index. Runs across New Year stay `$in`.
 */
function monthDayRange(sortedKeys: string[]): Record<string, unknown> {
  const first = sortedKeys[0];
  const last = sortedKeys[sortedKeys.length - 1];
  if (first === undefined || last === undefined) return { $in: [] };
  const span = ALL_MONTH_DAYS.indexOf(last) - ALL_MONTH_DAYS.indexOf(first) + 1;
  return span === sortedKeys.length ? { $gte: first, $lte: last } : { $in: sortedKeys };
}

/** Index-answerable parts of one condition (a superset of its matches), if any. */
function conditionSelector(node: RuleNode, options: AudienceOptions): MangoQuerySelector<CustomerDoc> | undefined {
  if ('op' in node) return undefined;
  switch (node.kind) {
    case 'attribute':
      return attributeSelector(node);
    case 'fan':
      return { isFan: node.isFan };
    case 'birthday': {
      // Stores may be a day apart: take the neighbouring days too; the second pass is exact.
      const day = localDay(options.now, options.defaultZone) + node.offsetDays;
      const keys = [...new Set([day - 1, day, day + 1].flatMap((d) => matchingMonthDays(node.when, d, options.leapDay)))].sort();
      return { birthMonthDay: monthDayRange(keys) };
    }
    default:
      return undefined;
  }
}

/** With no event after `now`, the newest event of a type is in the window iff any is. */
function digestMatches(c: BehaviourLike, last: LastEventAt, now: number): boolean {
  const from = new Date(now - windowMs(c.within)).toISOString();
  const seen = last[c.event];
  if (seen === undefined || seen <= from) return false;
  if (c.kind === 'behaviour') return true;
  const followUp = last[c.thenNo];
  return followUp === undefined || followUp < seen;
}

/** Whether any event lies after `now`: one short index range per event type. */
async function eventsAfter(data: AudienceData, now: number): Promise<boolean> {
  const after = new Date(now).toISOString();
  for (const type of EVENT_TYPES) {
    const found = await plainQuery(data.events, { selector: { type, at: { $gt: after } }, sort: [{ type: 'asc' }, { at: 'asc' }], limit: 1 });
    if (found.length > 0) return true;
  }
  return false;
}

/**
 * Prepares a rule. On the SQLite storage: one SQL condition over the customers' covering index,
 * behaviour sets from the events' covering index (`sql-audience.ts`). Otherwise: an RxDB
 * selector from the top-level AND, behaviour sets by indexed queries, the rest checked in JS.
 */
export async function compileAudience(rule: AudienceRule, data: AudienceData, options: AudienceOptions): Promise<CompiledAudience> {
  const source = options.evaluator === 'rxdb' ? undefined : sqlSourceOf(data);
  if (source) return { kind: 'sql', rule, sql: compileSql(rule, source, options) };
  return compileForRxdb(rule, data, options);
}

async function compileForRxdb(rule: AudienceRule, data: AudienceData, options: AudienceOptions): Promise<RxdbCompiledAudience> {
  const conjuncts = 'op' in rule.root && rule.root.op === 'and' ? rule.root.children : [rule.root];
  const parts = conjuncts.map((n) => conditionSelector(n, options)).filter((s): s is MangoQuerySelector<CustomerDoc> => s !== undefined);
  const selector: MangoQuerySelector<CustomerDoc> = parts.length === 0 ? {} : parts.length === 1 ? (parts[0] ?? {}) : { $and: parts };

  // Unfiltered conditions are answered from each customer's lastEventAt, but only when no
  // event lies after `now` (evaluating at the present); otherwise from the events themselves.
  const conditions = behaviourConditions(rule.root);
  const fromDigest = conditions.some(digestAnswers) && !(await eventsAfter(data, options.now));
  const sets = new Map<BehaviourLike, Set<string>>();
  for (const c of conditions) if (!(fromDigest && digestAnswers(c))) sets.set(c, await customersWithBehaviour(data, c, options.now));
  let candidates: Set<string> | undefined;
  for (const node of conjuncts) {
    const set = 'op' in node ? undefined : sets.get(node as BehaviourLike);
    if (set && set.size <= MAX_DRIVER_SET && (!candidates || set.size < candidates.size)) candidates = set;
  }
  const zone = (storeId: string) => options.zoneOf?.(storeId) ?? options.defaultZone;
  return {
    kind: 'rxdb',
    rule,
    selector,
    ...(candidates ? { candidates } : {}),
    oracle: (c, customer) => {
      const set = sets.get(c);
      return set ? set.has(customer.externalId) : digestMatches(c, (customer as CustomerDoc).lastEventAt ?? {}, options.now);
    },
    ctx: { now: options.now, zoneOf: zone, ...(options.leapDay ? { leapDay: options.leapDay } : {}) },
  };
}
