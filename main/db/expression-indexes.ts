import { CHANNELS, EVENT_TYPES, type Channel, type EventType } from '../core/customers/customer.ts';

/**
 * Expression indexes of the SQLite storage, declared per collection. SQL readers
 * (`storage-sqlite/sql-reader.ts`) answer aggregations from them without parsing documents:
 * a query whose columns are all among an index's expressions is answered from the index alone
 * (covering).
 *
 * The storage creates each one with its collection's table (every schema version's table),
 * and when it opens an existing file where one is missing or declared differently (created
 * once, then kept: on a large table this takes a while, about as long as writing those
 * documents' keys). SQLite keeps them current on every write, so each index costs every write
 * of its collection: declare only what a reader uses.
 *
 * Adding one is one entry here. A query names it with `INDEXED BY` (`SqlReader.indexName`) and
 * must repeat its expressions word for word (import them from here); with `where` it is a
 * partial index and the query must repeat that condition too.
 */
export interface ExpressionIndex {
  /** RxDB collection name. */
  readonly collection: string;
  /** The SQLite index is named `<table>:<name>` (e.g. `grants__v0:insight`). */
  readonly name: string;
  /** SQL expressions over the table's columns, mostly `data` (the document as JSON); `deleted` is appended. */
  readonly expressions: readonly string[];
  /** Partial index: only rows where this holds. */
  readonly where?: string;
}

/** A top-level field of the document as SQL (`data->>'field'`): the text indexes and queries share. */
export function field(name: string, alias?: string): string {
  return `${alias ? `${alias}.` : ''}data->>'${name}'`;
}

/**
 * An ISO 8601 UTC instant with milliseconds as stored (`2026-10-01T02:00:00.000Z`, events'
 * `at`) as epoch ms, in SQL: deterministic, so it can be indexed, and equal to `Date.parse`.
 */
export function isoMs(iso: string): string {
  return `(unixepoch(substr(${iso}, 1, 19)) * 1000 + CAST(substr(${iso}, 21, 3) AS INTEGER))`;
}

/** `events` of type order only (the `orders` index is partial). */
export function isOrder(alias?: string): string {
  return `${field('type', alias)} = 'order'`;
}

const fields = (...names: string[]) => names.map((name) => field(name));

/** The columns of the `orders` index of `events` (time as epoch ms), under an alias for queries. */
export function orderColumns(alias?: string): { customerId: string; at: string; amount: string; storeId: string; type: string } {
  return { customerId: field('customerId', alias), at: isoMs(field('at', alias)), amount: field('amount', alias), storeId: field('storeId', alias), type: field('type', alias) };
}
const orders = orderColumns();

/**
 * Audiences (`main/engine/audience/sql-audience.ts`): a rule is one WHERE clause over a
 * covering index of customers with every field a condition reads (the id first: pages in id
 * order); customers by birthday month-day (`MM-DD`); events by type and time with the customer
 * and what behaviour filters on (a window is one range).
 */
export const audienceCustomerColumns = {
  externalId: field('externalId'),
  storeId: field('storeId'),
  level: field('level'),
  birthday: field('birthday'),
  gender: field('gender'),
  points: field('points'),
  growth: field('growth'),
  totalSpend: field('totalSpend'),
  registeredAt: field('registeredAt'),
  lastOrderAt: field('lastOrderAt'),
  isFan: field('isFan'),
  fanSince: field('fanSince'),
  /** The tags as JSON text (an array). */
  tags: `data->'tags'`,
} as const;
export const audienceLastEventAt = (type: EventType): string => field(`$.lastEventAt.${type}`);
export const audienceConsent = (channel: Channel): string => field(`$.consent.${channel}`);
export const AUDIENCE_MONTH_DAY = `substr(${audienceCustomerColumns.birthday}, 6)`;
export const audienceEventColumns = fieldsOf('type', 'at', 'customerId', 'category', 'productId', 'interaction');
function fieldsOf<K extends string>(...names: K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, field(name)])) as Record<K, string>;
}

/**
 * Sent messages by when they were sent (epoch ms), newest first from the end: the Records
 * screen's `message-sent` lines of every customer, by date (`main/engine/rights/records-query.ts`).
 * Partial (sent messages only); a query repeats `SENT_MESSAGES.where`.
 */
export const SENT_MESSAGES = { index: 'sent', sentAt: field('sentAt'), where: `${field('state')} = 'sent'` } as const;

export const EXPRESSION_INDEXES: readonly ExpressionIndex[] = [
  // Campaign results (`main/engine/insight/sql-plan-facts.ts`): a plan's grants by customer;
  // a plan's grants by run, right and time; every grant of a customer over time (other plans'
  // touches); a plan's messages; orders of a customer by time (epoch ms) with amount and store.
  { collection: 'grants', name: 'insight', expressions: fields('planKey', 'customerId', 'grantedAt') },
  { collection: 'grants', name: 'rights', expressions: fields('planKey', 'runId', 'rightId', 'rightVersion', 'grantedAt', 'usedAt') },
  { collection: 'grants', name: 'touches', expressions: fields('customerId', 'grantedAt', 'planKey', 'runId') },
  { collection: 'messages', name: 'insight', expressions: fields('planId', 'runId', 'channel', 'state') },
  { collection: 'messages', name: SENT_MESSAGES.index, expressions: [SENT_MESSAGES.sentAt, 'id'], where: SENT_MESSAGES.where },
  { collection: 'events', name: 'orders', expressions: [orders.customerId, orders.at, orders.amount, orders.storeId, orders.type], where: isOrder() },
  // Audiences (see `audienceCustomerColumns`).
  { collection: 'customers', name: 'audience', expressions: ['id', ...Object.values(audienceCustomerColumns), ...EVENT_TYPES.map(audienceLastEventAt), ...CHANNELS.map(audienceConsent)] },
  { collection: 'customers', name: 'audience_birthday', expressions: [AUDIENCE_MONTH_DAY, 'id'] },
  { collection: 'events', name: 'audience', expressions: Object.values(audienceEventColumns) },
];

/** The declared indexes of one collection. */
export function expressionIndexesOf(collection: string, declared: readonly ExpressionIndex[] = EXPRESSION_INDEXES): ExpressionIndex[] {
  return declared.filter((index) => index.collection === collection);
}
