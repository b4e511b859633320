import { CampaignError } from '../errors/campaign-error.ts';
import {
  ATTRIBUTE_FIELDS,
  AUDIENCE_RULE_VERSION,
  condition,
  GENDERS,
  type AttributeCondition,
  type AudienceRule,
  type Condition,
  type RuleNode,
} from './rule.ts';

function fail(path: string, reason: string): never {
  throw new CampaignError('AU_INVALID_RULE', { path, reason });
}

function isInstant(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value));
}

/** Checks that comparator and value fit the field's type. */
function checkAttribute(c: AttributeCondition, path: string): void {
  const type = ATTRIBUTE_FIELDS[c.field];
  const valuePath = `${path}.value`;
  const list = Array.isArray(c.value) ? c.value : undefined;
  const checkScalar = (v: unknown, at: string) => {
    if (type === 'number' && typeof v !== 'number') fail(at, `${c.field} compares with numbers, got ${JSON.stringify(v)}`);
    if ((type === 'string' || type === 'tags') && typeof v !== 'string') fail(at, `${c.field} compares with text, got ${JSON.stringify(v)}`);
    if (type === 'instant' && !isInstant(v)) fail(at, `${c.field} compares with an ISO 8601 instant such as 2026-01-31T00:00:00+08:00, got ${JSON.stringify(v)}`);
    if (c.field === 'gender' && !(GENDERS as readonly unknown[]).includes(v)) fail(at, `gender is one of ${GENDERS.join(', ')}`);
  };
  switch (c.cmp) {
    case 'exists':
      if (typeof c.value !== 'boolean') fail(valuePath, 'exists takes true or false');
      return;
    case 'in':
    case 'notIn':
    case 'hasAny':
    case 'hasAll':
      if (!list || list.length === 0) fail(valuePath, `${c.cmp} takes a non-empty list`);
      if ((c.cmp === 'hasAny' || c.cmp === 'hasAll') && type !== 'tags') fail(`${path}.cmp`, `${c.cmp} applies to tags only`);
      list.forEach((v, i) => checkScalar(v, `${valuePath}[${i}]`));
      return;
    case 'between':
      if (!list || list.length !== 2) fail(valuePath, 'between takes [low, high]');
      if (type === 'tags') fail(`${path}.cmp`, 'tags cannot be compared by range');
      list.forEach((v, i) => checkScalar(v, `${valuePath}[${i}]`));
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'tags' || type === 'string') fail(`${path}.cmp`, `${c.field} cannot be compared with ${c.cmp}`);
      if (list) fail(valuePath, `${c.cmp} takes a single value`);
      checkScalar(c.value, valuePath);
      return;
    case 'eq':
    case 'neq':
      if (list) fail(valuePath, `${c.cmp} takes a single value`);
      checkScalar(c.value, valuePath);
      return;
  }
}

function checkCondition(raw: Record<string, unknown>, path: string): Condition {
  const parsed = condition.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${path}.${issue.path.join('.')}` : path;
    fail(where, issue?.message ?? 'invalid condition');
  }
  const c = parsed.data;
  if (c.kind === 'attribute') checkAttribute(c, path);
  if (c.kind === 'fan' && c.minDays !== undefined && c.maxDays !== undefined && c.minDays > c.maxDays) {
    fail(`${path}.minDays`, 'minDays is greater than maxDays');
  }
  if (c.kind === 'absence' && c.event === c.thenNo) fail(`${path}.thenNo`, 'thenNo must differ from event');
  return c;
}

function checkNode(raw: unknown, path: string, depth: number): RuleNode {
  if (depth > 32) fail(path, 'the rule is nested more than 32 levels deep');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(path, 'expected an object');
  const node = raw as Record<string, unknown>;
  if ('op' in node) {
    if (node.op === 'and' || node.op === 'or') {
      if (!Array.isArray(node.children) || node.children.length === 0) fail(`${path}.children`, `${node.op} needs a non-empty list of children`);
      return { op: node.op, children: node.children.map((child, i) => checkNode(child, `${path}.children[${i}]`, depth + 1)) };
    }
    if (node.op === 'not') return { op: 'not', child: checkNode(node.child, `${path}.child`, depth + 1) };
    fail(`${path}.op`, `unknown operator ${JSON.stringify(node.op)} (use and, or, not)`);
  }
  if ('kind' in node) return checkCondition(node, path);
  fail(path, 'expected a condition (with "kind") or an operator (with "op")');
}

/**
 * Parses a rule from untrusted JSON. Errors name the bad node by its path, e.g.
 * `root.children[1].value`, and say why.
 */
export function validateRule(raw: unknown): AudienceRule {
  if (typeof raw !== 'object' || raw === null) fail('(rule)', 'expected a JSON object with "version" and "root"');
  const rule = raw as Record<string, unknown>;
  if (rule.version !== AUDIENCE_RULE_VERSION) {
    throw new CampaignError('AU_UNSUPPORTED_VERSION', { version: String(rule.version), supported: AUDIENCE_RULE_VERSION });
  }
  return { version: AUDIENCE_RULE_VERSION, root: checkNode(rule.root, 'root', 0) };
}
