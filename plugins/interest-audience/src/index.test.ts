import { matchesRule } from '../../../main/core/audience/evaluate.ts';
import type { Customer, CustomerEvent } from '../../../main/core/customers/customer.ts';
import { nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, customer, event, planViewOf, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';

const SH = 'Asia/Shanghai';
const context = { now: '2026-06-10T12:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('interest-audience');
const at = (iso: string) => Date.parse(iso);
const daysAgo = (n: number) => new Date(at(context.now) - n * 86_400_000).toISOString();

/** Customers and their events, named for what they did. */
const people: { c: Customer; events: CustomerEvent[] }[] = [
  { id: 'cart-tea', events: [['addToCart', 2, 'tea']] },
  { id: 'cart-then-order', events: [['addToCart', 3, 'tea'], ['order', 1]] },
  { id: 'cart-long-ago', events: [['addToCart', 10, 'tea']] },
  { id: 'order-then-cart', events: [['order', 5], ['addToCart', 2, 'tea']] },
  { id: 'browse-tea', events: [['browse', 1, 'tea']] },
  { id: 'cart-coffee', events: [['addToCart', 1, 'coffee', 'P-9']] },
  { id: 'cart-no-consent', events: [['addToCart', 1, 'tea']], consent: false },
].map(({ id, events, consent = true }) => ({
  c: customer({ externalId: id, consent: { sms: consent } }),
  events: (events as [CustomerEvent['type'], number, string?, string?][]).map(([type, days, category, productId]) =>
    event(id, type, daysAgo(days), { ...(category ? { category } : {}), ...(productId ? { productId } : {}) }),
  ),
}));

/** Who the app's evaluator puts in the template's audience. */
function audience(config: Record<string, Json>): string[] {
  const { rule } = validateTemplate(templateOf(type, config, context), SH, 'interest-audience');
  const ctx = { now: at(context.now), zoneOf: () => SH };
  return people.filter((p) => matchesRule(rule.root, p.c, p.events, ctx)).map((p) => p.c.externalId);
}

describe('interest-audience template', () => {
  it('passes the app’s plan and audience validation for several configs', () => {
    const configs: Record<string, Json>[] = [
      {},
      { event: 'browse', category: 'tea', withinDays: 90, noOrderDays: 0 },
      { productId: 'P-9', noOrderDays: 365 },
      { category: 'x'.repeat(64), productId: 'y'.repeat(64) },
      { category: 'Tea {{couponCode}}' },
    ];
    for (const config of configs) {
      const { plan } = validateTemplate(templateOf(type, config, context), SH, 'interest-audience');
      expect(plan.limits.frequencyCap).toEqual({ max: 1, days: typeof config.withinDays === 'number' ? config.withinDays : 7 });
    }
  });

  it('finds who added to cart in the last 7 days and has not ordered since, nor in those 7 days', () => {
    expect(audience({})).toEqual(['cart-tea', 'cart-coffee']);
    expect(audience({ category: 'tea' })).toEqual(['cart-tea']);
    expect(audience({ productId: 'P-9' })).toEqual(['cart-coffee']);
    expect(audience({ event: 'browse' })).toEqual(['browse-tea']);
  });

  it('reads noOrderDays: 0 drops the extra look-back, a longer one widens it', () => {
    expect(audience({ noOrderDays: 0 })).toEqual(['cart-tea', 'order-then-cart', 'cart-coffee']);
    expect(audience({ noOrderDays: 4 })).toEqual(['cart-tea', 'order-then-cart', 'cart-coffee']);
    expect(audience({ withinDays: 14 })).toEqual(['cart-tea', 'cart-long-ago', 'cart-coffee']);
    expect(audience({ withinDays: 14, noOrderDays: 0 })).toEqual(['cart-tea', 'cart-long-ago', 'order-then-cart', 'cart-coffee']);
  });

  it('runs daily at 10:00 Shanghai time, from today', () => {
    const spec = timeSpecOf(templateOf(type, {}, context), SH);
    expect(spec.effective).toEqual({ start: '2026-06-10' });
    expect(nextPlanExecution(spec, at(context.now))).toBe(at('2026-06-11T10:00:00+08:00'));
    expect(nextPlanExecution(spec, at('2026-06-11T10:00:00+08:00'))).toBe(at('2026-06-12T10:00:00+08:00'));
  });

  it('writes the category into the message, never as a placeholder', () => {
    const [action] = templateOf(type, { category: 'Tea {{couponCode}}' }, context).actions;
    expect(action?.type === 'message' && action.template.en?.body).toBe('Hi {{name|there}}, the Tea couponCode items in your cart are still waiting for you. Come back and complete your order!');
  });

  it('describes the plan in both languages', () => {
    const describe = (config: Record<string, Json>, locale: 'en' | 'zh-CN') => type.describe?.(planViewOf(templateOf(type, config, context), 'interest-audience', config), locale);
    expect(describe({}, 'en')).toBe('Added to cart in the last 7 days without ordering since, and no order in the last 7 days; daily at 10:00');
    expect(describe({}, 'zh-CN')).toBe('近 7 天加购后未下单的顾客，且近 7 天无订单；每天 10:00');
    expect(describe({ event: 'browse', category: 'tea', noOrderDays: 0 }, 'en')).toBe('Browsed (category "tea") in the last 7 days without ordering since; daily at 10:00');
    expect(describe({ event: 'browse', category: 'tea', noOrderDays: 0 }, 'zh-CN')).toBe('近 7 天浏览（类目“tea”）后未下单的顾客；每天 10:00');
  });
});
