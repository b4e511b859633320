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
import { countMembers, explainAudience, sampleMembers, streamMemberIds } from './evaluate-audience.ts';
import { openCustomerDatabase } from './test-database.ts';

const now = Date.parse('2026-11-25T04:00:00Z');
const options: AudienceOptions = { now, defaultZone: 'Asia/Shanghai' };
const ctx: EvaluationContext = { now, zoneOf: () => 'Asia/Shanghai' };

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
  async function fromDb(root: RuleNode, at = now): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of streamMemberIds({ version: 1, root }, data, { ...options, now: at })) ids.push(...page);
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
      expect(await fromDb(rule.root)).toEqual(expected);
      expect(await countMembers(rule, data, options)).toBe(expected.length);
    });
  }

  it('agrees on random rules', async () => {
    const leaf = fc.oneof(
      fc.record({ kind: fc.constant('attribute'), field: fc.constant('level'), cmp: fc.constantFrom('eq', 'gte', 'lt', 'neq'), value: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('attribute'), field: fc.constant('points'), cmp: fc.constantFrom('gt', 'lte'), value: fc.integer({ min: 0, max: 8000 }) }),
      fc.record({ kind: fc.constant('attribute'), field: fc.constant('gender'), cmp: fc.constantFrom('eq', 'neq'), value: fc.constantFrom('female', 'male') }),
      fc.record({ kind: fc.constant('birthday'), when: fc.constantFrom('today', 'thisWeek', 'thisMonth'), offsetDays: fc.integer({ min: -40, max: 40 }) }),
      fc.record({ kind: fc.constant('fan'), isFan: fc.boolean() }),
      fc.record({ kind: fc.constant('behaviour'), event: fc.constantFrom('browse', 'order', 'addToCart'), within: fc.record({ days: fc.integer({ min: 1, max: 60 }) }), minCount: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('absence'), event: fc.constant('addToCart'), within: fc.record({ days: fc.integer({ min: 1, max: 30 }) }), thenNo: fc.constant('order') }),
    );
    const node = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ op: fc.constantFrom('and', 'or'), children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ op: fc.constant('not'), child: tie('node') }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(node, async (root) => {
        const rule = validateRule({ version: 1, root });
        expect(await fromDb(rule.root)).toEqual(reference(rule.root));
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('agrees when evaluated in the past, with events after that instant', async () => {
    // Then lastEventAt cannot answer; behaviour comes from the events themselves.
    const earlier = now - 20 * 86_400_000;
    for (const name of ['abandoned carts in 24 hours', 'gold members with a birthday this month who browsed but did not buy']) {
      const rule = validateRule({ version: 1, root: rules[name] });
      expect(await fromDb(rule.root, earlier)).toEqual(reference(rule.root, earlier));
    }
  });

  it('samples and explains', async () => {
    const rule = validateRule({ version: 1, root: rules['gold members with a birthday this month who browsed but did not buy'] });
    const expected = reference(rule.root);
    const sample = await sampleMembers(rule, data, options, 3);
    expect(sample.map((c) => c.externalId)).toEqual(expected.slice(0, 3));
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
