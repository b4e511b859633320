import { definePlugin, type EventFilter, type FormSchema, type Json, type Localized, type RuleNode } from '../../sdk/campaign-desk-plugin.ts';
import { configChoice, configNumber, configOptionalNumber, configOptionalString } from '../../shared/config.ts';
import { todayIn } from '../../shared/dates.ts';
import { describeExecution } from '../../shared/describe.ts';
import { consent, fitName, messageAction, ruleOf } from '../../shared/plan.ts';

/** Interest audience (兴趣人群营销): browsed or added to cart, then did not order. */

const EVENTS = ['browse', 'addToCart'] as const;
type Interest = (typeof EVENTS)[number];

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    event: { type: 'string', title: 'Interest shown by', description: 'browse: viewed; addToCart: added to the cart', enum: [...EVENTS], default: 'addToCart' },
    category: { type: 'string', title: 'Product category (optional)', maxLength: 64 },
    productId: { type: 'string', title: 'Product id (optional)', maxLength: 64 },
    withinDays: { type: 'integer', title: 'Within the last days', minimum: 1, maximum: 90, default: 7 },
    noOrderDays: {
      type: 'integer',
      title: 'No order in the last days',
      description: 'Empty: the same as "within the last days"; 0: only no order since the interest',
      minimum: 0,
      maximum: 365,
    },
  },
};

const DAILY = '0 0 10 * * *';

interface Settings {
  event: Interest;
  category: string | undefined;
  productId: string | undefined;
  withinDays: number;
  noOrderDays: number;
}

function settings(config: Record<string, Json>): Settings {
  const withinDays = configNumber(configSchema, config, 'withinDays');
  return {
    event: configChoice(configSchema, config, 'event', EVENTS),
    category: configOptionalString(configSchema, config, 'category'),
    productId: configOptionalString(configSchema, config, 'productId'),
    withinDays,
    noOrderDays: configOptionalNumber(configSchema, config, 'noOrderDays') ?? withinDays,
  };
}

function rule(s: Settings): RuleNode[] {
  const filter: EventFilter = {};
  if (s.category !== undefined) filter.category = s.category;
  if (s.productId !== undefined) filter.productId = s.productId;
  const nodes: RuleNode[] = [{ kind: 'absence', event: s.event, within: { days: s.withinDays }, filter, thenNo: 'order' }];
  if (s.noOrderDays > 0) nodes.push({ op: 'not', child: { kind: 'behaviour', event: 'order', within: { days: s.noOrderDays } } });
  nodes.push(consent('sms'));
  return nodes;
}

/** Text the user typed goes into a message template: braces would be read as placeholders. */
const literal = (text: string) => text.replace(/[{}]/g, '');

function what(s: Settings): Localized {
  const parts: Localized[] = [];
  if (s.category !== undefined) parts.push({ en: `category "${s.category}"`, 'zh-CN': `类目“${s.category}”` });
  if (s.productId !== undefined) parts.push({ en: `product ${s.productId}`, 'zh-CN': `商品 ${s.productId}` });
  return { en: parts.map((p) => ` (${p.en})`).join(''), 'zh-CN': parts.map((p) => `（${p['zh-CN']}）`).join('') };
}

function describeInterest(s: Settings, expression: string | null, locale: 'en' | 'zh-CN'): string {
  const n = s.withinDays;
  const m = s.noOrderDays;
  const when = expression === null ? '' : describeExecution({ mode: 'periodic', expression }, locale);
  const filter = what(s)[locale];
  if (locale === 'zh-CN') {
    const did = s.event === 'browse' ? '浏览' : '加购';
    const none = m > 0 ? `，且近 ${m} 天无订单` : '';
    return `近 ${n} 天${did}${filter}后未下单的顾客${none}${when ? `；${when}` : ''}`;
  }
  const did = s.event === 'browse' ? 'Browsed' : 'Added to cart';
  const none = m > 0 ? `, and no order in the last ${m} days` : '';
  return `${did}${filter} in the last ${n} days without ordering since${none}${when ? `; ${when}` : ''}`;
}

/** Audience names are short (the app keeps 100 characters): the category only if it fits. */
function audienceName(s: Settings): Localized {
  const n = s.withinDays;
  const name: Localized =
    s.event === 'browse' ? { en: `Browsed, no order (last ${n} days)`, 'zh-CN': `近 ${n} 天浏览未下单` } : { en: `Added to cart, no order (last ${n} days)`, 'zh-CN': `近 ${n} 天加购未下单` };
  const filter = what(s);
  return {
    en: fitName(name.en + filter.en, name.en),
    'zh-CN': fitName(name['zh-CN'] + filter['zh-CN'], name['zh-CN']),
  };
}

function message(s: Settings): Localized {
  const cat = s.category === undefined ? undefined : literal(s.category);
  if (s.event === 'addToCart') {
    return {
      'zh-CN': `{{name|亲爱的顾客}}，您购物车里的${cat ? `“${cat}”` : ''}商品还在等您，欢迎回来下单！`,
      en: `Hi {{name|there}}, the ${cat ? `${cat} ` : ''}items in your cart are still waiting for you. Come back and complete your order!`,
    };
  }
  return {
    'zh-CN': `{{name|亲爱的顾客}}，您最近看过的${cat ? `“${cat}”` : ''}商品还在等您，欢迎回来看看！`,
    en: `Hi {{name|there}}, the ${cat ? `${cat} ` : ''}items you looked at recently are still waiting for you. Come back and take another look!`,
  };
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'interest-audience',
      name: { en: 'Interest audience', 'zh-CN': '兴趣人群营销' },
      description: {
        en: 'Customers who browsed or added to cart and did not order, reached every day.',
        'zh-CN': '每天触达浏览或加购后未下单的顾客。',
      },
      icon: 'ShoppingCart',
      configSchema,
      template(config, context) {
        const s = settings(config);
        return {
          name: { en: 'Interest audience', 'zh-CN': '兴趣人群营销' },
          description: { en: describeInterest(s, DAILY, 'en'), 'zh-CN': describeInterest(s, DAILY, 'zh-CN') },
          audience: { name: audienceName(s), rule: ruleOf(...rule(s)) },
          timing: { effective: { start: todayIn(context.now, context.timeZone) }, execution: { mode: 'periodic', expression: DAILY } },
          // No grant: which rights to give is the store's choice, made in the editor.
          actions: [messageAction('reminder', 'sms', message(s))],
          // The daily run finds the same customers for days on end: one message per customer
          // in the look-back window (counted across plans) rather than one a day.
          limits: { frequencyCap: { max: 1, days: s.withinDays } },
        };
      },
      describe(plan, locale) {
        const e = plan.timing.execution;
        return describeInterest(settings(plan.config), e.mode === 'periodic' ? e.expression : null, locale);
      },
    });
  },
});
