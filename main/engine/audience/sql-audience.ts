import { localDay, matchingMonthDays } from '../../core/audience/birthday.ts';
import { absenceMatches, behaviourMatches, windowMs } from '../../core/audience/evaluate.ts';
import type { AttributeCondition, AudienceRule, BirthdayCondition, Condition, FanCondition, RuleNode } from '../../core/audience/rule.ts';
import type { EventType } from '../../core/customers/customer.ts';
import { AUDIENCE_MONTH_DAY, audienceConsent, audienceCustomerColumns, audienceEventColumns, audienceLastEventAt } from '../../db/expression-indexes.ts';
import { DAY_MS } from '../../core/period/calendar.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';
import { fromEventDoc, type CustomerEventDoc } from '../../db/schemas/customer-events.ts';
import { KEY_END, keyPrefix, toSqliteKey, type SqlReader } from '../../db/storage-sqlite/sql-reader.ts';
import type { AudienceOptions } from './audience-data.ts';
import { digestAnswers, type BehaviourLike } from './behaviour-sets.ts';
import { registerSet, releaseSetsWith, withReader, type SqlSource } from './sql-source.ts';

/**
 * Audience rules as SQL over the storage's tables (see `sql-reader.ts`). The whole rule becomes
 * one WHERE clause over a covering expression index of customers (`audience`: the id, then
 * every field a condition reads), so counting reads index entries only and parses no document.
 *
 * - Attributes, birthday (the month-days that match in each store's zone), fan, consent and
 *   sample (`cd_audience_sample`) are expressions on the index's columns.
 * - Behaviour without a filter reads the customer's `lastEventAt`; the few customers with an
 *   event of those types after `now` are answered from their own events.
 * - Other behaviour is computed once per condition from a covering index of events
 *   (`audience`: type, time, customer, category, product, interaction: the window is one
 *   index range) and tested with `cd_audience_in` against the set of matching customers.
 * - A top-level birthday or small behaviour set drives the query (`Driver`): only its
 *   customers are looked up, by id, in the covering index.
 *
 * Every condition is two-valued (never NULL), so NOT and OR keep the reference evaluator's
 * meaning (`core/audience/evaluate.ts`) for missing values.
 */

/** The declared expression indexes (`main/db/expression-indexes.ts`) rules are answered from. */
const INDEX = 'audience';
const BIRTHDAY_INDEX = 'audience_birthday';
const C = audienceCustomerColumns;
const E = audienceEventColumns;
const MONTH_DAY = AUDIENCE_MONTH_DAY;
const lastEventAt = audienceLastEventAt;
const consent = audienceConsent;

export interface SqlAudience {
  source: SqlSource;
  /** The rule as a condition on a row of the customers table (`deleted = 0` not included). */
  where: string;
  params: unknown[];
  /**
   * A necessary condition from one top-level condition that keeps few customers (birthday
   * month-days, a small behaviour set): `id IN (SELECT <id> FROM <from> WHERE <where>)`, so
   * only those customers are looked up in the covering index.
   */
  driver?: Driver;
}

interface Driver {
  /** The candidate ids (as stored in the `id` column) and where they come from. */
  id: string;
  from: string;
  where: string;
  params: unknown[];
}

/** The driver's condition; with `after`, only ids after a page's last id (one more parameter). */
function driverSql(driver: Driver, after: boolean): string {
  return `id IN (SELECT ${driver.id} FROM ${driver.from} WHERE ${driver.where}${after ? ` AND ${driver.id} > ?` : ''})`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `expr`, but 0 instead of NULL. */
const twoValued = (expr: string) => `coalesce(${expr}, 0)`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

class RuleCompiler {
  readonly params: unknown[] = [];
  readonly handles: number[] = [];
  /** Month-days each birthday condition may match (over all zones). */
  readonly monthDays = new Map<RuleNode, string[]>();
  /** Customers of each behaviour condition answered by a set alone. */
  readonly behaviourSets = new Map<RuleNode, ReadonlySet<string>>();
  private readonly zoneDays = new Map<string, number>();
  private storeIds: string[] | undefined;

  constructor(
    private readonly reader: SqlReader,
    private readonly source: SqlSource,
    private readonly options: AudienceOptions,
  ) {}

  private bind(...values: unknown[]): string {
    this.params.push(...values);
    return placeholders(values.length);
  }

  node(node: RuleNode): string {
    if ('op' in node) {
      if (node.op === 'not') return `(NOT ${this.node(node.child)})`;
      const parts = node.children.map((child) => this.node(child));
      return `(${parts.join(node.op === 'and' ? ' AND ' : ' OR ')})`;
    }
    return this.condition(node);
  }

  private condition(c: Condition): string {
    switch (c.kind) {
      case 'attribute':
        return this.attribute(c);
      case 'birthday':
        return this.birthday(c);
      case 'fan':
        return this.fan(c);
      case 'consent':
        return twoValued(`${consent(c.channel)} = 1`);
      case 'sample':
        return twoValued(`cd_audience_sample(${this.bind(c.seed)}, ${C.externalId}) < ${this.bind(Math.round(c.percent * 100))}`);
      case 'behaviour':
      case 'absence':
        return this.behaviour(c);
    }
  }

  private attribute(c: AttributeCondition): string {
    const col = C[c.field];
    if (c.cmp === 'exists') return c.value === true ? `(${col} IS NOT NULL)` : `(${col} IS NULL)`;
    const instant = c.field === 'registeredAt' || c.field === 'lastOrderAt';
    const list = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => (instant ? iso(Date.parse(String(v))) : typeof v === 'boolean' ? Number(v) : v));
    if (c.field === 'tags') return this.tags(c.cmp, list.map(String));
    const one = list[0];
    switch (c.cmp) {
      case 'eq':
        return twoValued(`${col} = ${this.bind(one)}`);
      case 'neq':
        return twoValued(`(${col} IS NULL OR ${col} <> ${this.bind(one)})`);
      case 'gt':
        return twoValued(`${col} > ${this.bind(one)}`);
      case 'gte':
        return twoValued(`${col} >= ${this.bind(one)}`);
      case 'lt':
        return twoValued(`${col} < ${this.bind(one)}`);
      case 'lte':
        return twoValued(`${col} <= ${this.bind(one)}`);
      case 'in':
        return twoValued(`${col} IN (${this.bind(...list)})`);
      case 'notIn':
        return twoValued(`(${col} IS NULL OR ${col} NOT IN (${this.bind(...list)}))`);
      case 'between':
        return twoValued(`${col} BETWEEN ${this.bind(list[0])} AND ${this.bind(list[1])}`);
      default:
        return '0';
    }
  }

  /** Tags compare by membership: `eq` has the tag, `in`/`hasAny` any of them, `hasAll` all. */
  private tags(cmp: AttributeCondition['cmp'], values: string[]): string {
    const has = (list: string[]) => `EXISTS (SELECT 1 FROM json_each(${C.tags}) WHERE value IN (${this.bind(...list)}))`;
    switch (cmp) {
      case 'eq':
        return has(values.slice(0, 1));
      case 'neq':
        return `(NOT ${has(values.slice(0, 1))})`;
      case 'in':
      case 'hasAny':
        return has(values);
      case 'notIn':
        return `(NOT ${has(values)})`;
      case 'hasAll': {
        const distinct = [...new Set(values)];
        return `((SELECT count(DISTINCT value) FROM json_each(${C.tags}) WHERE value IN (${this.bind(...distinct)})) = ${distinct.length})`;
      }
      default:
        return '0';
    }
  }

  private fan(c: FanCondition): string {
    if (!c.isFan) return `(coalesce(${C.isFan}, 0) = 0)`;
    const parts = [`${C.isFan} = 1`];
    if (c.minDays !== undefined || c.maxDays !== undefined) parts.push(`${C.fanSince} IS NOT NULL`);
    if (c.minDays !== undefined) parts.push(`${C.fanSince} <= ${this.bind(iso(this.options.now - c.minDays * DAY_MS))}`);
    if (c.maxDays !== undefined) parts.push(`${C.fanSince} >= ${this.bind(iso(this.options.now - c.maxDays * DAY_MS))}`);
    return twoValued(`(${parts.join(' AND ')})`);
  }

  /** The local day (plus offset) in a zone, memoized. */
  private targetDay(zone: string, offset: number): number {
    let day = this.zoneDays.get(zone);
    if (day === undefined) this.zoneDays.set(zone, (day = localDay(this.options.now, zone)));
    return day + offset;
  }

  /**
   * A birthday `YYYY-MM-DD` whose month-day is one that matches (Feb 29 included when it is
   * celebrated that day). With per-store zones, stores whose local day differs from the
   * default zone's get their own month-days.
   */
  private birthday(c: BirthdayCondition): string {
    const all = new Set<string>();
    this.monthDays.set(c, []);
    const monthDays = (day: number) => {
      const keys = matchingMonthDays(c.when, day, this.options.leapDay);
      for (const k of keys) all.add(k);
      this.monthDays.set(c, [...all]);
      return twoValued(`(${C.birthday} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND ${MONTH_DAY} IN (${this.bind(...keys)}))`);
    };
    const defaultDay = this.targetDay(this.options.defaultZone, c.offsetDays);
    const zoneOf = this.options.zoneOf;
    if (!zoneOf) return monthDays(defaultDay);
    const byDay = new Map<number, string[]>();
    for (const store of this.stores()) {
      const day = this.targetDay(zoneOf(store) ?? this.options.defaultZone, c.offsetDays);
      if (day === defaultDay) continue;
      const list = byDay.get(day);
      if (list) list.push(store);
      else byDay.set(day, [store]);
    }
    if (byDay.size === 0) return monthDays(defaultDay);
    let sql = 'CASE';
    for (const [day, stores] of byDay) sql += ` WHEN ${C.storeId} IN (${this.bind(...stores)}) THEN ${monthDays(day)}`;
    return `(${sql} ELSE ${monthDays(defaultDay)} END)`;
  }

  private stores(): string[] {
    if (!this.storeIds) {
      const table = this.reader.table(this.source.customers.collection, this.source.customers.version);
      const indexed = `${table} INDEXED BY ${this.reader.indexName(table, INDEX)}`;
      this.storeIds = this.reader.rows<[string]>(`SELECT DISTINCT ${C.storeId} FROM ${indexed} WHERE deleted = 0`).map(([s]) => s);
    }
    return this.storeIds;
  }

  private memberOf(c: BehaviourLike, set: ReadonlySet<string>): string {
    this.behaviourSets.set(c, set);
    return this.member(set);
  }

  private member(set: ReadonlySet<string>): string {
    const handle = registerSet(set);
    this.handles.push(handle);
    return `cd_audience_in(${this.bind(handle)}, ${C.externalId})`;
  }

  /**
   * Unfiltered behaviour comes from each customer's newest event time per type
   * (`lastEventAt`), which answers exactly for customers with no event of those types after
   * `now`; the few who have one (evaluating in the past, events stamped ahead) are answered
   * from their own events. Other behaviour: the set of customers from the events index.
   */
  private behaviour(c: BehaviourLike): string {
    if (!digestAnswers(c)) return this.memberOf(c, customersWithBehaviourSql(this.reader, this.source, c, this.options.now));
    const late = customersWithEventsAfter(this.reader, this.source, c.kind === 'absence' ? [c.event, c.thenNo] : [c.event], this.options.now);
    if (late.size === 0) return this.digest(c);
    if (late.size > sqlTuning.maxLate) return this.memberOf(c, customersWithBehaviourSql(this.reader, this.source, c, this.options.now));
    const exact = new Set<string>();
    for (const id of late) if (matchesOwnEvents(this.reader, this.source, id, c, this.options.now)) exact.add(id);
    return `(CASE WHEN ${this.member(late)} THEN ${this.member(exact)} ELSE ${this.digest(c)} END)`;
  }

  /** Behaviour from the newest event time per type, for customers with no such event after now. */
  private digest(c: BehaviourLike): string {
    const seen = lastEventAt(c.event);
    const from = this.bind(iso(this.options.now - windowMs(c.within)));
    if (c.kind === 'behaviour') return twoValued(`(${seen} IS NOT NULL AND ${seen} > ${from})`);
    const followUp = lastEventAt(c.thenNo);
    return twoValued(`(${seen} IS NOT NULL AND ${seen} > ${from} AND (${followUp} IS NULL OR ${followUp} < ${seen}))`);
  }
}

export const sqlTuning = {
  /** Above this many customers with events after `now`, behaviour is read from the events index. */
  maxLate: 5000,
};

/** Customers with an event of one of `types` after `now`: short ranges of the [type, at] key index. */
function customersWithEventsAfter(reader: SqlReader, source: SqlSource, types: EventType[], now: number): Set<string> {
  const table = reader.table(source.events.collection, source.events.version);
  const column = source.events.byTypeAt;
  const out = new Set<string>();
  for (const type of new Set(types)) {
    const rows = reader.rows<[string]>(
      `SELECT DISTINCT ${E.customerId} FROM ${reader.keyed(table, Number(column.slice(1)), 'e')} WHERE ${column} > ? AND ${column} < ?`,
      keyPrefix(type, iso(now)) + KEY_END,
      keyPrefix(type) + KEY_END,
    );
    for (const [id] of rows) out.add(id);
  }
  return out;
}

/** One customer's events (the [customerId, at] key index) checked like the reference evaluator. */
function matchesOwnEvents(reader: SqlReader, source: SqlSource, customerId: string, c: BehaviourLike, now: number): boolean {
  const table = reader.table(source.events.collection, source.events.version);
  const column = source.events.byCustomerAt;
  const prefix = keyPrefix(customerId);
  const events = reader.rows<[string]>(`SELECT data FROM ${table} WHERE ${column} >= ? AND ${column} < ?`, prefix, prefix + KEY_END).map(([json]) => fromEventDoc(JSON.parse(json) as CustomerEventDoc));
  return c.kind === 'behaviour' ? behaviourMatches(c, events, now) : absenceMatches(c, events, now);
}

/** Customer id and count (behaviour) or newest time (absence) of the events in the window. */
function windowRows(reader: SqlReader, source: SqlSource, type: EventType, c: BehaviourLike | undefined, from: string, to: string, aggregate: 'count(*)' | 'max(at)'): [string, number | string][] {
  const table = reader.table(source.events.collection, source.events.version);
  const filters: string[] = [];
  const params: unknown[] = [type, from, to];
  const filterBy = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    filters.push(`AND ${column} = ?`);
    params.push(value);
  };
  filterBy(E.category, c?.filter.category);
  filterBy(E.productId, c?.filter.productId);
  filterBy(E.interaction, c?.filter.interaction);
  const value = aggregate === 'count(*)' ? 'count(*)' : `max(${E.at})`;
  return reader.rows<[string, number | string]>(
    `SELECT ${E.customerId}, ${value} FROM ${table} INDEXED BY ${reader.indexName(table, INDEX)}
     WHERE ${E.type} = ? AND ${E.at} > ? AND ${E.at} <= ? AND deleted = 0 ${filters.join(' ')} GROUP BY 1`,
    ...params,
  );
}

/**
 * The ids of customers who satisfy one behaviour or absence condition at `now`: one range of
 * the events index per event type involved, answered from the index alone.
 */
export function customersWithBehaviourSql(reader: SqlReader, source: SqlSource, c: BehaviourLike, now: number): Set<string> {
  const from = iso(now - windowMs(c.within));
  const to = iso(now);
  if (c.kind === 'behaviour') {
    const result = new Set<string>();
    for (const [id, n] of windowRows(reader, source, c.event, c, from, to, 'count(*)')) if (Number(n) >= c.minCount) result.add(id);
    return result;
  }
  const latest = new Map<string, string>();
  for (const [id, at] of windowRows(reader, source, c.event, c, from, to, 'max(at)')) latest.set(id, String(at));
  if (latest.size === 0) return new Set();
  // A follow-up after the latest matching event is itself inside the window.
  for (const [id, at] of windowRows(reader, source, c.thenNo, undefined, from, to, 'max(at)')) {
    const last = latest.get(id);
    if (last !== undefined && String(at) >= last) latest.delete(id);
  }
  return new Set(latest.keys());
}

/** Compiles a rule to SQL (behaviour sets computed now). */
export function compileSql(rule: AudienceRule, source: SqlSource, options: AudienceOptions): SqlAudience {
  return withReader(source, (reader) => {
    const table = reader.table(source.customers.collection, source.customers.version);
    const compiler = new RuleCompiler(reader, source, options);
    const where = compiler.node(rule.root);
    const driver = chooseDriver(reader, table, rule, compiler);
    const compiled: SqlAudience = { source, where, params: compiler.params, ...(driver ? { driver } : {}) };
    releaseSetsWith(compiled, compiler.handles);
    return compiled;
  });
}

/** A driver is used when it keeps at most this share of the customers. */
const DRIVER_SHARE = 0.25;

/**
 * The top-level condition that keeps the fewest customers, when few enough: a birthday (its
 * month-days, from an index of customers by month-day) or a behaviour set (its ids).
 */
function chooseDriver(reader: SqlReader, table: string, rule: AudienceRule, compiler: RuleCompiler): Driver | undefined {
  const conjuncts = 'op' in rule.root && rule.root.op === 'and' ? rule.root.children : [rule.root];
  const [total] = reader.rows<[number]>(`SELECT count(*) FROM ${table}`)[0] ?? [0];
  let best: { estimate: number; make: () => Driver } | undefined;
  for (const node of conjuncts) {
    const keys = compiler.monthDays.get(node);
    const set = compiler.behaviourSets.get(node);
    const estimate = keys ? (total * keys.length) / 366 : set ? set.size : Infinity;
    if (estimate > total * DRIVER_SHARE || (best && best.estimate <= estimate)) continue;
    if (keys) {
      best = {
        estimate,
        make: () => ({
          id: 'id',
          from: `${table} INDEXED BY ${reader.indexName(table, BIRTHDAY_INDEX)}`,
          where: `${MONTH_DAY} IN (${placeholders(keys.length)}) AND deleted = 0`,
          params: keys,
        }),
      };
    } else if (set) {
      best = { estimate, make: () => ({ id: 'value', from: 'json_each(?)', where: '1', params: [JSON.stringify([...set].map(toSqliteKey))] }) };
    }
  }
  return best?.make();
}

function customersFrom(reader: SqlReader, source: SqlSource): string {
  const table = reader.table(source.customers.collection, source.customers.version);
  return `${table} INDEXED BY ${reader.indexName(table, INDEX)}`;
}

/** How many customers match: one scan of the customers' covering index. */
export function countSql(compiled: SqlAudience): number {
  return withReader(compiled.source, (reader) => {
    const driver = compiled.driver;
    const [row] = reader.rows<[number]>(
      `SELECT count(*) FROM ${customersFrom(reader, compiled.source)} WHERE ${driver ? `${driverSql(driver, false)} AND ` : ''}deleted = 0 AND ${compiled.where}`,
      ...(driver?.params ?? []),
      ...compiled.params,
    );
    return row?.[0] ?? 0;
  });
}

const PAGE = 2000;

/**
 * Members in pages ordered by id (the index's order), each page a statement that continues
 * after the last id of the previous one (in the driver too, when there is one): constant
 * memory, no statement open between pages.
 * `ids`: only the external ids; otherwise the documents.
 */
export async function* sqlPages<T extends 'ids' | 'docs'>(
  compiled: SqlAudience,
  what: T,
  signal?: AbortSignal,
  pageSize = PAGE,
): AsyncGenerator<T extends 'ids' ? string[] : CustomerDoc[]> {
  type Page = T extends 'ids' ? string[] : CustomerDoc[];
  let after = '';
  for (;;) {
    if (signal?.aborted) return;
    const driver = compiled.driver;
    const rows = withReader(compiled.source, (reader) =>
      reader.rows<[string, string]>(
        `SELECT id, ${what === 'ids' ? C.externalId : 'data'} FROM ${customersFrom(reader, compiled.source)}
         WHERE ${driver ? `${driverSql(driver, true)} AND ` : ''}id > ? AND deleted = 0 AND ${compiled.where} ORDER BY id LIMIT ?`,
        ...(driver ? [...driver.params, after] : []),
        after,
        ...compiled.params,
        pageSize,
      ),
    );
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.[0] ?? after;
    yield (what === 'ids' ? rows.map((r) => r[1]) : rows.map((r) => plainDoc(r[1]))) as Page;
    if (rows.length < pageSize) return;
    // Lets other work run between pages (the statements themselves are synchronous).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A stored document without RxDB's own fields. */
function plainDoc(json: string): CustomerDoc {
  const { _deleted: _d, _attachments: _a, _rev: _r, _meta: _m, ...doc } = JSON.parse(json) as Record<string, unknown>;
  return doc as CustomerDoc;
}
