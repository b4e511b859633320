import { DAY_MS, HOUR_MS } from '../period/calendar.ts';
import type { Customer, CustomerEvent } from '../customers/customer.ts';
import { birthdayMatches, localDay, parseBirthday, type LeapDayRule } from './birthday.ts';
import type { AbsenceCondition, AttributeCondition, BehaviourCondition, Condition, RuleNode, TimeWindow } from './rule.ts';
import { inSample } from './sample.ts';

/** What a rule is evaluated against besides the customer: the instant and the zones. */
export interface EvaluationContext {
  /** Epoch ms: "today", "the last 7 days" are relative to this. */
  now: number;
  /** The IANA zone of a store (birthdays are local dates). */
  zoneOf(storeId: string): string;
  leapDay?: LeapDayRule;
}

export function windowMs(window: TimeWindow): number {
  return window.days !== undefined ? window.days * DAY_MS : (window.hours ?? 0) * HOUR_MS;
}

type Scalar = string | number | boolean;

function attributeValue(customer: Customer, field: AttributeCondition['field']): Scalar | string[] | undefined {
  switch (field) {
    case 'registeredAt':
    case 'lastOrderAt': {
      const v = customer[field];
      return v === undefined ? undefined : Date.parse(v);
    }
    default:
      return customer[field];
  }
}

function normalize(field: AttributeCondition['field'], v: Scalar): Scalar {
  return field === 'registeredAt' || field === 'lastOrderAt' ? Date.parse(String(v)) : v;
}

/**
 * Attribute comparison. A missing value (no last order, say) satisfies only `neq`, `notIn`
 * and `exists: false`, as a missing column would in SQL with IS DISTINCT FROM.
 */
export function matchesAttribute(c: AttributeCondition, customer: Customer): boolean {
  const actual = attributeValue(customer, c.field);
  const list = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => normalize(c.field, v));
  const one = list[0];
  if (c.cmp === 'exists') return (actual !== undefined) === c.value;
  if (Array.isArray(actual)) {
    const has = (v: Scalar) => actual.includes(String(v));
    switch (c.cmp) {
      case 'eq':
        return has(one as Scalar);
      case 'neq':
        return !has(one as Scalar);
      case 'in':
      case 'hasAny':
        return list.some(has);
      case 'notIn':
        return !list.some(has);
      case 'hasAll':
        return list.every(has);
      default:
        return false;
    }
  }
  if (actual === undefined) return c.cmp === 'neq' || c.cmp === 'notIn';
  switch (c.cmp) {
    case 'eq':
      return actual === one;
    case 'neq':
      return actual !== one;
    case 'gt':
      return one !== undefined && actual > one;
    case 'gte':
      return one !== undefined && actual >= one;
    case 'lt':
      return one !== undefined && actual < one;
    case 'lte':
      return one !== undefined && actual <= one;
    case 'in':
      return list.includes(actual);
    case 'notIn':
      return !list.includes(actual);
    case 'between':
      return list[0] !== undefined && list[1] !== undefined && actual >= list[0] && actual <= list[1];
    default:
      return false;
  }
}

export function eventMatches(e: CustomerEvent, c: BehaviourCondition | AbsenceCondition): boolean {
  if (e.type !== c.event) return false;
  if (c.filter.category !== undefined && e.category !== c.filter.category) return false;
  if (c.filter.productId !== undefined && e.productId !== c.filter.productId) return false;
  if (c.filter.interaction !== undefined && e.interaction !== c.filter.interaction) return false;
  return true;
}

/** Events count when `now - window < at <= now`. */
export function inWindow(at: number, now: number, window: TimeWindow): boolean {
  return at <= now && at > now - windowMs(window);
}

/**
 * Answers behaviour and absence conditions for a customer. The reference evaluator scans the
 * customer's events; the database evaluator looks the customer up in sets computed once per
 * condition with indexed queries.
 */
export type BehaviourOracle = (condition: BehaviourCondition | AbsenceCondition, customer: Customer) => boolean;

/** Behaviour from a list of the customer's events. */
export function eventsOracle(events: readonly CustomerEvent[], now: number): BehaviourOracle {
  return (c) => (c.kind === 'behaviour' ? behaviourMatches(c, events, now) : absenceMatches(c, events, now));
}

export function behaviourMatches(c: BehaviourCondition, events: readonly CustomerEvent[], now: number): boolean {
  let count = 0;
  for (const e of events) if (eventMatches(e, c) && inWindow(Date.parse(e.at), now, c.within) && ++count >= c.minCount) return true;
  return false;
}

export function absenceMatches(c: AbsenceCondition, events: readonly CustomerEvent[], now: number): boolean {
  let latest = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const at = Date.parse(e.at);
    if (eventMatches(e, c) && inWindow(at, now, c.within) && at > latest) latest = at;
  }
  if (latest === Number.NEGATIVE_INFINITY) return false;
  return !events.some((e) => e.type === c.thenNo && Date.parse(e.at) >= latest && Date.parse(e.at) <= now);
}

function matchesCondition(c: Condition, customer: Customer, behaviour: BehaviourOracle, ctx: EvaluationContext): boolean {
  switch (c.kind) {
    case 'attribute':
      return matchesAttribute(c, customer);
    case 'birthday': {
      const birthday = parseBirthday(customer.birthday);
      if (!birthday) return false;
      const target = localDay(ctx.now, ctx.zoneOf(customer.storeId)) + c.offsetDays;
      return birthdayMatches(birthday, c.when, target, ctx.leapDay);
    }
    case 'fan': {
      if (!c.isFan) return !customer.isFan;
      if (!customer.isFan) return false;
      if (c.minDays === undefined && c.maxDays === undefined) return true;
      if (customer.fanSince === undefined) return false;
      const since = Date.parse(customer.fanSince);
      if (c.minDays !== undefined && since > ctx.now - c.minDays * DAY_MS) return false;
      if (c.maxDays !== undefined && since < ctx.now - c.maxDays * DAY_MS) return false;
      return true;
    }
    case 'behaviour':
    case 'absence':
      return behaviour(c, customer);
    case 'sample':
      return inSample(c.seed, customer.externalId, c.percent);
    case 'consent':
      return customer.consent[c.channel] === true;
  }
}

/**
 * The reference evaluator: does one customer, with their events, match the rule? Indexed
 * evaluation over the database must agree with it (tests compare the two).
 */
export function matchesRule(node: RuleNode, customer: Customer, events: readonly CustomerEvent[] | BehaviourOracle, ctx: EvaluationContext): boolean {
  const behaviour = typeof events === 'function' ? events : eventsOracle(events, ctx.now);
  return matchesNode(node, customer, behaviour, ctx);
}

function matchesNode(node: RuleNode, customer: Customer, behaviour: BehaviourOracle, ctx: EvaluationContext): boolean {
  if ('op' in node) {
    switch (node.op) {
      case 'and':
        return node.children.every((child) => matchesNode(child, customer, behaviour, ctx));
      case 'or':
        return node.children.some((child) => matchesNode(child, customer, behaviour, ctx));
      case 'not':
        return !matchesNode(node.child, customer, behaviour, ctx);
    }
  }
  return matchesCondition(node, customer, behaviour, ctx);
}
