import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RxDatabase } from 'rxdb';
import { matchesRule, type EvaluationContext } from '../../core/audience/evaluate.ts';
import type { RuleNode } from '../../core/audience/rule.ts';
import { validateRule } from '../../core/audience/validate.ts';
import type { Customer, CustomerEvent } from '../../core/customers/customer.ts';
import { toEventDoc } from '../../db/schemas/customer-events.ts';
import { customerDocWithEvents } from '../customers/record-events.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { generateDemo } from '../../../resources/demo/generate-demo.ts';
import type { AudienceData, AudienceOptions } from './audience-data.ts';
import { compileAudience } from './compile-audience.ts';
import { countMembers, explainAudience, memberPages, sampleMembers, streamMemberIds } from './evaluate-audience.ts';
import { countSql, sqlPages, sqlTuning } from './sql-audience.ts';
import { openCustomerDatabase } from './test-database.ts';

const now = Date.parse('2026-11-25T04:00:00Z');
const options: AudienceOptions = { now, defaultZone: 'Asia/Shanghai' };
const ctx: EvaluationContext = { now, zoneOf: () => 'Asia/Shanghai' };
type Evaluator = NonNullable<AudienceOptions['evaluator']>;
/** SQL over the SQLite tables (the default) and RxDB queries (other storages). */
const EVALUATORS: Evaluator[] = ['sql', 'rxdb'];

describe('audience evaluation on the database', () => {
  const dir = makeTempDir();
  let db: RxDatabase;
  let data: AudienceData;
  const chain: { customer: Customer; events: CustomerEvent[] }[] = [...generateDemo({ stores: 3, customers: 1500, now, seed: 11 })];

  beforeAll(async () => {
    ({ db, data } = await openCustomerDatabase(dir.path));
    await data.customers.bulkInsert(chain.map((c) => customerDocWithEvents(c.customer, c.events)));
    await data.events.bulkInsert(chain.flatMap((c) => c.events.map(toEventDoc)));
  });
  afterAll(async () => {
    await db.close();
    dir.remove();
  });

  function reference(root: RuleNode, at = now): string[] {
    return chain.filter((c) => matchesRule(root, c.customer, c.events, { ...ctx, now: at })).map((c) => c.customer.externalId).sort();
  }
  async function fromDb(root: RuleNode, at = now, evaluator: Evaluator = 'sql', extra: Partial<AudienceOptions> = {}): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of streamMemberIds({ version: 1, root }, data, { ...options, now: at, evaluator, ...extra })) ids.push(...page);
    return ids;
  }

  const rules: Record<string, unknown> = {
    'gold members with a birthday this month who browsed but did not buy': {
      op: 'and',
      children: [
        { kind: 'attribute', field: 'level', cmp: 'gte', value: 2 },
        { kind: 'birthday', when: 'thisMonth' },
        { kind: 'absence', event: 'browse', within: { days: 7 }, thenNo: 'order' },
      ],
    },
    'abandoned carts in 24 hours': { kind: 'absence', event: 'addToCart', within: { hours: 24 }, thenNo: 'order' },
    'browsed coffee at least twice in 30 days': { kind: 'behaviour', event: 'browse', within: { days: 30 }, filter: { category: '咖啡' }, minCount: 2 },
    'fans for a year, or VIP tags': { op: 'or', children: [{ kind: 'fan', minDays: 365 }, { kind: 'attribute', field: 'tags', cmp: 'hasAny', value: ['高价值', '老客'] }] },
    'not in store S01, birthday this week': { op: 'and', children: [{ kind: 'attribute', field: 'storeId', cmp: 'neq', value: 'S01' }, { kind: 'birthday', when: 'thisWeek', offsetDays: 7 }] },
    'registered in 2025, 20% sample': {
      op: 'and',
      children: [
        { kind: 'attribute', field: 'registeredAt', cmp: 'between', value: ['2025-01-01T00:00:00+08:00', '2025-12-31T23:59:59+08:00'] },
        { kind: 'sample', percent: 20, seed: 'holdout-1' },
      ],
    },
    'no order ever, not a fan': { op: 'and', children: [{ kind: 'attribute', field: 'lastOrderAt', cmp: 'exists', value: false }, { op: 'not', child: { kind: 'fan' } }] },
  };

  for (const [name, root] of Object.entries(rules)) {
    it(`agrees with the reference evaluator: ${name}`, async () => {
      const rule = validateRule({ version: 1, root });
      const expected = reference(rule.root);
      for (const evaluator of EVALUATORS) {
        expect(await fromDb(rule.root, now, evaluator)).toEqual(expected);
        expect(await countMembers(rule, data, { ...options, evaluator })).toBe(expected.length);
      }
    });
  }

  it('evaluates with SQL on the SQLite storage', async () => {
    const rule = validateRule({ version: 1, root: rules['browsed coffee at least twice in 30 days'] });
    expect((await compileAudience(rule, data, options)).kind).toBe('sql');
    expect((await compileAudience(rule, data, { ...options, evaluator: 'rxdb' })).kind).toBe('rxdb');
  });

  // Conditions of every kind, as random rules are built from them.
  const tag = fc.constantFrom('新客', '老客', '高价值', '价格敏感', '学生', '没有的标签');
  const instant = fc.integer({ min: -5 * 365, max: 0 }).map((d) => new Date(now + d * 86_400_000).toISOString());
  const leaf = fc.oneof(
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('level'), cmp: fc.constantFrom('eq', 'gte', 'lt', 'neq'), value: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constantFrom('points', 'growth', 'totalSpend'), cmp: fc.constantFrom('gt', 'lte'), value: fc.integer({ min: 0, max: 8000 }) }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('level'), cmp: fc.constantFrom('in', 'notIn', 'between'), value: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })) }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('gender'), cmp: fc.constantFrom('eq', 'neq'), value: fc.constantFrom('female', 'male') }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('storeId'), cmp: fc.constantFrom('in', 'notIn'), value: fc.subarray(['S01', 'S02', 'S03', 'S09'], { minLength: 1 }) }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('tags'), cmp: fc.constantFrom('eq', 'neq'), value: tag }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('tags'), cmp: fc.constantFrom('in', 'notIn', 'hasAny', 'hasAll'), value: fc.array(tag, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constantFrom('registeredAt', 'lastOrderAt'), cmp: fc.constantFrom('gt', 'lte', 'neq'), value: instant }),
    fc.record({ kind: fc.constant('attribute'), field: fc.constant('lastOrderAt'), cmp: fc.constant('exists'), value: fc.boolean() }),
    fc.record({ kind: fc.constant('birthday'), when: fc.constantFrom('today', 'thisWeek', 'thisMonth'), offsetDays: fc.integer({ min: -40, max: 40 }) }),
    fc.record({ kind: fc.constant('fan'), isFan: fc.boolean() }),
    fc.record({ kind: fc.constant('fan'), minDays: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ kind: fc.constant('fan'), maxDays: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ kind: fc.constant('consent'), channel: fc.constantFrom('sms', 'email', 'wechat', 'app') }),
    fc.record({ kind: fc.constant('sample'), percent: fc.constantFrom(0, 12.5, 50, 100), seed: fc.constantFrom('a', 'holdout-1') }),
    fc.record({ kind: fc.constant('behaviour'), event: fc.constantFrom('browse', 'order', 'addToCart'), within: fc.record({ days: fc.integer({ min: 1, max: 60 }) }), minCount: fc.integer({ min: 1, max: 3 }) }),
    fc.record({
      kind: fc.constant('behaviour'),
      event: fc.constantFrom('browse', 'addToCart'),
      within: fc.record({ days: fc.integer({ min: 1, max: 60 }) }),
      filter: fc.record({ category: fc.constantFrom('咖啡', '茶饮', '数码') }),
      minCount: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant('behaviour'), event: fc.constant('interaction'), within: fc.record({ hours: fc.integer({ min: 1, max: 2000 }) }), filter: fc.record({ interaction: fc.constantFrom('like', 'share') }) }),
    fc.record({ kind: fc.constant('absence'), event: fc.constant('addToCart'), within: fc.record({ days: fc.integer({ min: 1, max: 30 }) }), thenNo: fc.constant('order') }),
    fc.record({ kind: fc.constant('absence'), event: fc.constant('browse'), within: fc.record({ days: fc.integer({ min: 1, max: 30 }) }), filter: fc.record({ category: fc.constantFrom('咖啡', '烘焙') }), thenNo: fc.constantFrom('order', 'addToCart') }),
  );

  it('agrees on each kind of condition, alone and negated', async () => {
    for (const raw of fc.sample(leaf, { numRuns: 150, seed: 7 })) {
      for (const root of [raw, { op: 'not', child: raw }]) {
        const rule = validateRule({ version: 1, root });
        const expected = reference(rule.root);
        expect(await fromDb(rule.root), JSON.stringify(root)).toEqual(expected);
        expect(await countMembers(rule, data, { ...options, evaluator: 'rxdb' }), JSON.stringify(root)).toBe(expected.length);
      }
    }
  });

  it('agrees on random rules', async () => {
    const node = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ op: fc.constantFrom('and', 'or'), children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ op: fc.constant('not'), child: tie('node') }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(node, fc.constantFrom(0, -20), async (root, daysBack) => {
        const rule = validateRule({ version: 1, root });
        // In the past, events after that instant exist: behaviour comes from the events.
        const at = now + daysBack * 86_400_000;
        const expected = reference(rule.root, at);
        for (const evaluator of EVALUATORS) expect(await fromDb(rule.root, at, evaluator)).toEqual(expected);
        expect(await countMembers(rule, data, { ...options, now: at })).toBe(expected.length);
        sqlTuning.maxLate = 0;
        try {
          expect(await fromDb(rule.root, at)).toEqual(expected);
        } finally {
          sqlTuning.maxLate = 5000;
        }
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('agrees when evaluated in the past, with events after that instant', async () => {
    // Then lastEventAt cannot answer; behaviour comes from the events themselves.
    const earlier = now - 20 * 86_400_000;
    for (const name of ['abandoned carts in 24 hours', 'gold members with a birthday this month who browsed but did not buy']) {
      const rule = validateRule({ version: 1, root: rules[name] });
      for (const evaluator of EVALUATORS) expect(await fromDb(rule.root, earlier, evaluator)).toEqual(reference(rule.root, earlier));
      // With many such customers, SQL reads behaviour from the events index instead.
      sqlTuning.maxLate = 0;
      try {
        expect(await fromDb(rule.root, earlier)).toEqual(reference(rule.root, earlier));
      } finally {
        sqlTuning.maxLate = 5000;
      }
    }
  });

  it('agrees on birthdays with stores in other zones and Feb 29 on Mar 1, around midnight', async () => {
    // S01 is a day ahead of Shanghai around its midnight, S02 a day behind; S03 keeps the default.
    const zones: Record<string, string> = { S01: 'Pacific/Kiritimati', S02: 'America/Los_Angeles' };
    const zoneOf = (store: string) => zones[store];
    for (const at of ['2027-02-28T15:30:00Z', '2027-02-28T23:30:00Z', '2026-12-31T17:00:00Z', '2026-11-29T16:30:00Z']) {
      const instant = Date.parse(at);
      for (const when of ['today', 'thisWeek', 'thisMonth'] as const) {
        for (const offsetDays of [0, 1, -1]) {
          const root = validateRule({ version: 1, root: { kind: 'birthday', when, offsetDays } }).root;
          const expected = chain
            .filter((c) => matchesRule(root, c.customer, c.events, { now: instant, zoneOf: (s) => zoneOf(s) ?? 'Asia/Shanghai', leapDay: 'mar1' }))
            .map((c) => c.customer.externalId)
            .sort();
          for (const evaluator of EVALUATORS) expect(await fromDb(root, instant, evaluator, { zoneOf, leapDay: 'mar1' })).toEqual(expected);
        }
      }
    }
  });

  it('pages the members of a large audience in id order', async () => {
    const rule = validateRule({ version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } });
    const pages: string[][] = [];
    for await (const page of streamMemberIds(rule, data, options)) pages.push(page);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.flat()).toEqual(chain.map((c) => c.customer.externalId).sort());
    const docs: string[] = [];
    for await (const page of memberPages(await compileAudience(rule, data, options), data)) docs.push(...page.map((d) => d.externalId));
    expect(docs).toEqual(pages.flat());
  });

  it('pages in id order from a driving condition (birthday month-days, a small behaviour set)', async () => {
    for (const root of [
      rules['gold members with a birthday this month who browsed but did not buy'],
      { op: 'and', children: [{ kind: 'birthday', when: 'thisMonth' }, { op: 'not', child: { kind: 'fan' } }] },
      { op: 'and', children: [rules['browsed coffee at least twice in 30 days'], { kind: 'attribute', field: 'level', cmp: 'lt', value: 3 }] },
    ]) {
      const rule = validateRule({ version: 1, root });
      const compiled = await compileAudience(rule, data, options);
      if (compiled.kind !== 'sql') throw new Error('expected SQL');
      expect(compiled.sql.driver).toBeDefined();
      const ids: string[] = [];
      for await (const page of sqlPages(compiled.sql, 'ids', undefined, 7)) ids.push(...page);
      expect(ids).toEqual(reference(rule.root));
      expect(countSql(compiled.sql)).toBe(ids.length);
    }
  });

  it('samples and explains', async () => {
    const rule = validateRule({ version: 1, root: rules['gold members with a birthday this month who browsed but did not buy'] });
    const expected = reference(rule.root);
    for (const evaluator of EVALUATORS) {
      const sample = await sampleMembers(rule, data, { ...options, evaluator }, 3);
      expect(sample.map((c) => c.externalId)).toEqual(expected.slice(0, 3));
      expect(sample[0]).toEqual(customerDocWithEvents(chain.find((c) => c.customer.externalId === expected[0])!.customer, chain.find((c) => c.customer.externalId === expected[0])!.events));
    }
    const explained = await explainAudience(rule, data, options);
    expect(explained.total).toBe(1500);
    expect(explained.steps.map((s) => s.path)).toEqual(['root.children[0]', 'root.children[1]', 'root.children[2]']);
    expect(explained.steps[2]?.remaining).toBe(expected.length);
    const remaining = explained.steps.map((s) => s.remaining);
    expect([...remaining].sort((a, b) => b - a)).toEqual(remaining);
    const first = 'op' in rule.root && rule.root.op === 'and' ? rule.root.children[0] : rule.root;
    expect(explained.steps[0]?.alone).toBe(reference(first as RuleNode).length);
  });
});
