import type { Condition, RuleNode } from '../../../main/api/service-api.ts';

export type ConditionKind = Condition['kind'];

/** Fields the rule format fills in with defaults when it reads a rule (`filter`, `minCount`, `offsetDays`, `isFan`). */
type Defaulted = 'filter' | 'minCount' | 'offsetDays' | 'isFan';
type Loosen<C> = Omit<C, Defaulted> & Partial<Pick<C, Extract<Defaulted, keyof C>>>;
/**
 * A condition as a rule may hold it before the rule format read it: a plugin's expanded
 * condition or a template may leave out the defaulted fields, and the editor shows the default.
 */
export type LooseCondition = { [K in ConditionKind]: Loosen<Extract<Condition, { kind: K }>> }[ConditionKind];
export const CONDITION_KINDS: ConditionKind[] = ['attribute', 'birthday', 'fan', 'behaviour', 'absence', 'consent', 'sample'];
export const CHANNELS = ['sms', 'email', 'wechat', 'app'] as const;
export const EVENT_TYPES = ['browse', 'addToCart', 'order', 'refund', 'interaction'] as const;

/** Field → value type, mirrored from the rule format for the editor's inputs. */
export const FIELD_TYPES = {
  level: 'number',
  points: 'number',
  growth: 'number',
  totalSpend: 'number',
  storeId: 'string',
  gender: 'string',
  tags: 'tags',
  registeredAt: 'instant',
  lastOrderAt: 'instant',
} as const;
export type FieldName = keyof typeof FIELD_TYPES;

export function comparatorsFor(field: FieldName): string[] {
  switch (FIELD_TYPES[field]) {
    case 'number':
    case 'instant':
      return ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'];
    case 'tags':
      return ['hasAny', 'hasAll', 'notIn'];
    default:
      return ['eq', 'neq', 'in', 'notIn'];
  }
}

/** A new condition of a kind, filled with values that make a valid rule. */
export function newCondition(kind: ConditionKind): Condition {
  switch (kind) {
    case 'attribute':
      return { kind, field: 'level', cmp: 'gte', value: 1 };
    case 'birthday':
      return { kind, when: 'thisMonth', offsetDays: 0 };
    case 'fan':
      return { kind, isFan: true };
    case 'behaviour':
      return { kind, event: 'browse', within: { days: 7 }, filter: {}, minCount: 1 };
    case 'absence':
      return { kind, event: 'addToCart', within: { hours: 24 }, filter: {}, thenNo: 'order' };
    case 'sample':
      return { kind, percent: 10, seed: 'holdout' };
    case 'consent':
      return { kind, channel: 'sms' };
  }
}

export function newGroup(op: 'and' | 'or' = 'and'): RuleNode {
  return { op, children: [newCondition('attribute')] };
}
