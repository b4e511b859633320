import { hash32 } from '../audience/sample.ts';
import { customerEventSchema, customerSchema, EVENT_TYPES, type Customer, type CustomerEvent, type EventType } from './customer.ts';
import type { CustomerColumn, EventColumn } from './columns.ts';
import { CellError, parseBool, parseDate, parseInstant, parseInteger, parseMoney, parseTags } from './parse-values.ts';

/** One problem in one cell (or the row as a whole when `column` is empty). */
export interface RowIssue {
  column: string;
  reason: string;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; issues: RowIssue[] };

export interface RowOptions {
  /** Zone for local times without an offset. */
  zone: string;
  /** Store for rows without a store column. */
  defaultStoreId: string;
  /** ISO instant used as registration time for rows without one. */
  importedAt: string;
}

const GENDER_WORDS: Record<string, Customer['gender']> = {
  f: 'female', female: 'female', woman: 'female', 女: 'female', 女性: 'female',
  m: 'male', male: 'male', man: 'male', 男: 'male', 男性: 'male',
  '': 'unknown', u: 'unknown', unknown: 'unknown', 未知: 'unknown',
};

const EVENT_WORDS: Record<string, EventType> = {
  browse: 'browse', view: 'browse', 浏览: 'browse',
  addtocart: 'addToCart', cart: 'addToCart', 加购: 'addToCart', 加入购物车: 'addToCart',
  order: 'order', purchase: 'order', 下单: 'order', 订单: 'order', 购买: 'order',
  refund: 'refund', 退款: 'refund',
  interaction: 'interaction', 互动: 'interaction',
};

const INTERACTION_WORDS: Record<string, 'message' | 'like' | 'share'> = {
  message: 'message', 留言: 'message', 消息: 'message', like: 'like', 点赞: 'like', share: 'share', 分享: 'share',
};

/** Reads cells through a field → header mapping, collecting issues instead of stopping. */
class RowReader<F extends string> {
  readonly issues: RowIssue[] = [];
  constructor(
    private readonly record: Record<string, string | undefined>,
    private readonly mapping: Partial<Record<F, string>>,
  ) {}

  text(field: F): string | undefined {
    const header = this.mapping[field];
    if (header === undefined) return undefined;
    const v = this.record[header]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  read<T>(field: F, parse: (text: string) => T | CellError): T | undefined {
    const text = this.text(field);
    if (text === undefined) return undefined;
    const value = parse(text);
    if (value instanceof CellError) {
      this.issues.push({ column: this.mapping[field] ?? field, reason: value.reason });
      return undefined;
    }
    return value;
  }

  required(field: F): string | undefined {
    const text = this.text(field);
    if (text === undefined) this.issues.push({ column: this.mapping[field] ?? field, reason: `${field} is required` });
    return text;
  }
}

function schemaIssues(error: { issues: { path: PropertyKey[]; message: string }[] }, header: (field: string) => string): RowIssue[] {
  return error.issues.map((i) => ({ column: header(String(i.path[0] ?? '')), reason: i.message }));
}

/** One CSV record → a customer, or every problem found in it. */
export function rowToCustomer(record: Record<string, string | undefined>, mapping: Partial<Record<CustomerColumn, string>>, options: RowOptions): RowResult<Customer> {
  const r = new RowReader(record, mapping);
  const externalId = r.required('externalId');
  const gender = r.read('gender', (t) => GENDER_WORDS[t.toLowerCase()] ?? new CellError(`"${t}" is not a gender (男/女, male/female)`));
  const consent: Customer['consent'] = {};
  for (const [column, channel] of [['consentSms', 'sms'], ['consentEmail', 'email'], ['consentWechat', 'wechat'], ['consentApp', 'app']] as const) {
    const v = r.read(column, parseBool);
    if (v !== undefined) consent[channel] = v;
  }
  const candidate = {
    externalId,
    storeId: r.text('storeId') ?? options.defaultStoreId,
    name: r.text('name') ?? '',
    phone: r.text('phone'),
    email: r.text('email'),
    gender: gender ?? 'unknown',
    birthday: r.read('birthday', parseDate),
    level: r.read('level', (t) => parseInteger(t, 0)) ?? 0,
    tags: r.read('tags', parseTags) ?? [],
    points: r.read('points', (t) => parseInteger(t, 0)) ?? 0,
    growth: r.read('growth', (t) => parseInteger(t, 0)) ?? 0,
    isFan: r.read('isFan', parseBool) ?? false,
    fanSince: r.read('fanSince', (t) => parseInstant(t, options.zone)),
    registeredAt: r.read('registeredAt', (t) => parseInstant(t, options.zone)) ?? options.importedAt,
    totalSpend: r.read('totalSpend', parseMoney) ?? 0,
    lastOrderAt: r.read('lastOrderAt', (t) => parseInstant(t, options.zone)),
    consent,
  };
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  const parsed = customerSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, (f) => mapping[f as CustomerColumn] ?? f) };
  return { ok: true, value: parsed.data };
}

/** A stable 64-bit id from the event's content, so re-importing a file without ids adds nothing. */
export function contentEventId(parts: readonly (string | number | undefined)[]): string {
  const text = parts.map((p) => p ?? '').join('\u0001');
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `ev-${hex(hash32(text, 1))}${hex(hash32(text, 2))}`;
}

/** One CSV record → a behaviour event, or every problem found in it. */
export function rowToEvent(record: Record<string, string | undefined>, mapping: Partial<Record<EventColumn, string>>, options: RowOptions): RowResult<CustomerEvent> {
  const r = new RowReader(record, mapping);
  const customerId = r.required('customerId');
  const type = r.read('type', (t) => EVENT_WORDS[t.toLowerCase().replace(/[\s_-]/g, '')] ?? new CellError(`"${t}" is not an event type (${EVENT_TYPES.join(', ')})`));
  if (r.text('type') === undefined) r.required('type');
  const at = r.read('at', (t) => parseInstant(t, options.zone));
  if (r.text('at') === undefined) r.required('at');
  const candidate = {
    customerId,
    storeId: r.text('storeId') ?? options.defaultStoreId,
    type,
    at,
    productId: r.text('productId'),
    category: r.text('category'),
    amount: r.read('amount', parseMoney),
    itemCount: r.read('itemCount', (t) => parseInteger(t, 0)),
    interaction: r.read('interaction', (t) => INTERACTION_WORDS[t.toLowerCase()] ?? new CellError(`"${t}" is not an interaction (message, like, share)`)),
  };
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  const eventId = r.text('eventId') ?? contentEventId([candidate.customerId, candidate.type, candidate.at, candidate.productId, candidate.category, candidate.amount, candidate.interaction]);
  const parsed = customerEventSchema.safeParse({ eventId, ...candidate });
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, (f) => mapping[f as EventColumn] ?? f) };
  return { ok: true, value: parsed.data };
}
