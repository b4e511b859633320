import { matchesRule } from '../../core/audience/evaluate.ts';
import type { AudienceRule, RuleNode } from '../../core/audience/rule.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';
import type { AudienceData, AudienceOptions } from './audience-data.ts';
import { compileAudience, type CompiledAudience, type RxdbCompiledAudience } from './compile-audience.ts';
import { countSql, sqlPages } from './sql-audience.ts';
import { plainQuery } from './plain-query.ts';

const PAGE = 2000;

/**
 * Customers that pass the first (index) pass, in pages ordered by id, in constant memory:
 * either the behaviour-driven candidates fetched by id, or a keyset scan of the selector.
 */
async function* candidatePages(compiled: RxdbCompiledAudience, data: AudienceData, signal?: AbortSignal): AsyncGenerator<CustomerDoc[]> {
  if (compiled.candidates) {
    const ids = [...compiled.candidates].sort();
    for (let i = 0; i < ids.length; i += PAGE) {
      if (signal?.aborted) return;
      const found = await data.customers.findByIds(ids.slice(i, i + PAGE)).exec();
      yield [...found.values()].map((d) => d.toMutableJSON() as CustomerDoc).sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
    }
    return;
  }
  let after = '';
  for (;;) {
    if (signal?.aborted) return;
    const selector = after === '' ? compiled.selector : { $and: [compiled.selector, { externalId: { $gt: after } }] };
    const page = await plainQuery(data.customers, { selector, sort: [{ externalId: 'asc' }], limit: PAGE });
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]?.externalId ?? after;
    if (page.length < PAGE) return;
  }
}

/**
 * Members of a compiled audience, page by page in id order: from SQL, or from RxDB queries with
 * a second pass that applies the whole rule.
 */
export async function* memberPages(compiled: CompiledAudience, data: AudienceData, signal?: AbortSignal): AsyncGenerator<CustomerDoc[]> {
  if (compiled.kind === 'sql') {
    yield* sqlPages(compiled.sql, 'docs', signal);
    return;
  }
  for await (const page of candidatePages(compiled, data, signal)) {
    // The stored document carries lastEventAt, which the oracle may read.
    const members = page.filter((doc) => matchesRule(compiled.rule.root, doc, compiled.oracle, compiled.ctx));
    if (members.length > 0) yield members;
  }
}

/**
 * Member ids of a compiled audience, page by page in id order: from SQL without reading the
 * documents (the executor's split), or the ids of `memberPages`.
 */
export async function* memberIdPages(compiled: CompiledAudience, data: AudienceData, signal?: AbortSignal): AsyncGenerator<string[]> {
  if (compiled.kind === 'sql') {
    yield* sqlPages(compiled.sql, 'ids', signal);
    return;
  }
  for await (const page of memberPages(compiled, data, signal)) yield page.map((c) => c.externalId);
}

export async function countMembers(rule: AudienceRule, data: AudienceData, options: AudienceOptions, signal?: AbortSignal): Promise<number> {
  const compiled = await compileAudience(rule, data, options);
  if (compiled.kind === 'sql') return signal?.aborted ? 0 : countSql(compiled.sql);
  let n = 0;
  for await (const page of memberPages(compiled, data, signal)) n += page.length;
  return n;
}

/** Member ids in pages, for the executor and exports. */
export async function* streamMemberIds(rule: AudienceRule, data: AudienceData, options: AudienceOptions, signal?: AbortSignal): AsyncGenerator<string[]> {
  const compiled = await compileAudience(rule, data, options);
  if (compiled.kind === 'sql') {
    yield* sqlPages(compiled.sql, 'ids', signal);
    return;
  }
  for await (const page of memberPages(compiled, data, signal)) yield page.map((d) => d.externalId);
}

/** The first `limit` members by id (for previews). */
export async function sampleMembers(rule: AudienceRule, data: AudienceData, options: AudienceOptions, limit = 10): Promise<CustomerDoc[]> {
  const compiled = await compileAudience(rule, data, options);
  const out: CustomerDoc[] = [];
  const pages = compiled.kind === 'sql' ? sqlPages(compiled.sql, 'docs', undefined, limit) : memberPages(compiled, data);
  for await (const page of pages) {
    out.push(...page.slice(0, limit - out.length));
    if (out.length >= limit) break;
  }
  return out;
}

export interface ExplainStep {
  /** Path of the condition in the rule, e.g. `root.children[1]`. */
  path: string;
  node: RuleNode;
  /** Customers matching this condition alone. */
  alone: number;
  /** Customers left after this and every condition before it. */
  remaining: number;
}

/** How many customers each top-level condition keeps, alone and in sequence. */
export async function explainAudience(rule: AudienceRule, data: AudienceData, options: AudienceOptions): Promise<{ total: number; steps: ExplainStep[] }> {
  const total = await data.customers.count().exec();
  const conjuncts = 'op' in rule.root && rule.root.op === 'and' ? rule.root.children : [rule.root];
  const steps: ExplainStep[] = [];
  for (let i = 0; i < conjuncts.length; i++) {
    const node = conjuncts[i] as RuleNode;
    const path = conjuncts.length === 1 && conjuncts[0] === rule.root ? 'root' : `root.children[${i}]`;
    const alone = await countMembers({ version: rule.version, root: node }, data, options);
    const remaining = await countMembers({ version: rule.version, root: { op: 'and', children: conjuncts.slice(0, i + 1) } }, data, options);
    steps.push({ path, node, alone, remaining });
  }
  return { total, steps };
}
