import { Faker, zh_CN, en, base } from '@faker-js/faker';
import type { Customer, CustomerEvent } from '../../main/core/customers/customer.ts';

/** A store of the demo chain. */
export interface DemoStore {
  id: string;
  name: string;
  zone: string;
}

export interface DemoOptions {
  stores: number;
  customers: number;
  /** Same seed, same chain. */
  seed?: number;
  /** "Now" for the demo (epoch ms): events fall in the 90 days before it. */
  now: number;
  /** Scales how many shopping sessions a customer has (1 ≈ 11 events per customer). */
  activity?: number;
}

const STORE_NAMES = ['上海南京路店', '北京三里屯店', '广州天河店', '深圳万象城店', '杭州西湖店', '成都春熙路店', '南京新街口店', '武汉江汉路店', '西安钟楼店', '重庆解放碑店'];
const CATEGORIES = ['咖啡', '茶饮', '烘焙', '零食', '美妆', '服饰', '鞋靴', '家居', '母婴', '数码'];
const TAGS = ['新客', '老客', '高价值', '价格敏感', '夜猫子', '周末党', '咖啡爱好者', '宝妈', '学生', '白领'];
const LEVEL_WEIGHTS = [40, 25, 18, 10, 5, 2];
const DAY = 86_400_000;

function weighted(f: Faker, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = f.number.float({ min: 0, max: total });
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

export function demoStores(count: number): DemoStore[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `S${String(i + 1).padStart(2, '0')}`,
    name: STORE_NAMES[i % STORE_NAMES.length] + (i >= STORE_NAMES.length ? ` ${Math.floor(i / STORE_NAMES.length) + 1}` : ''),
    zone: 'Asia/Shanghai',
  }));
}

/**
 * A realistic chain: zh-CN names, a level pyramid, birthdays spread over the year (some
 * missing, some on Feb 29), and behaviour that follows a funnel (browse → add to cart →
 * order → sometimes refund) over the last 90 days. Yields each customer with their events.
 */
export function* generateDemo(options: DemoOptions): Generator<{ customer: Customer; events: CustomerEvent[] }> {
  const f = new Faker({ locale: [zh_CN, en, base], seed: options.seed ?? 20261125 });
  const stores = demoStores(options.stores);
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let n = 1; n <= options.customers; n++) {
    const externalId = `M${String(n).padStart(7, '0')}`;
    const store = f.helpers.arrayElement(stores);
    const gender = f.helpers.weightedArrayElement([
      { weight: 55, value: 'female' as const },
      { weight: 40, value: 'male' as const },
      { weight: 5, value: 'unknown' as const },
    ]);
    const registeredAt = options.now - f.number.int({ min: 1, max: 5 * 365 }) * DAY;
    const isFan = f.datatype.boolean(0.45);
    const birthday = f.datatype.boolean(0.93)
      ? n % 1000 === 29
        ? `${f.helpers.arrayElement([1988, 1992, 1996, 2000])}-02-29`
        : iso(f.date.between({ from: '1960-01-01', to: '2006-12-31' }).getTime()).slice(0, 10)
      : undefined;
    const level = weighted(f, LEVEL_WEIGHTS);
    const events: CustomerEvent[] = [];
    let seq = 0;
    const push = (type: CustomerEvent['type'], at: number, extra: Partial<CustomerEvent> = {}) =>
      events.push({ eventId: `${externalId}-${++seq}`, customerId: externalId, storeId: store.id, type, at: iso(at), ...extra });
    const sessions = f.number.int({ min: 0, max: Math.round((3 + level * 2) * (options.activity ?? 1)) });
    let totalSpend = 0;
    let lastOrderAt = 0;
    for (let s = 0; s < sessions; s++) {
      const start = options.now - f.number.int({ min: 60_000, max: 90 * DAY });
      const category = f.helpers.arrayElement(CATEGORIES);
      const productId = `P${f.number.int({ min: 1000, max: 1999 })}`;
      const browses = f.number.int({ min: 1, max: 5 });
      for (let b = 0; b < browses; b++) push('browse', start + b * 60_000, { category, productId });
      if (!f.datatype.boolean(0.35)) continue;
      const cartAt = start + browses * 60_000;
      push('addToCart', cartAt, { category, productId });
      if (!f.datatype.boolean(0.55)) continue;
      const orderAt = Math.min(options.now, cartAt + f.number.int({ min: 60_000, max: 2 * DAY }));
      const amount = f.number.int({ min: 19, max: 899 }) * 100;
      push('order', orderAt, { category, productId, amount, itemCount: f.number.int({ min: 1, max: 4 }) });
      totalSpend += amount;
      lastOrderAt = Math.max(lastOrderAt, orderAt);
      if (f.datatype.boolean(0.05)) {
        push('refund', Math.min(options.now, orderAt + DAY), { category, productId, amount });
        totalSpend -= amount;
      }
    }
    const fanSince = isFan ? Math.max(registeredAt, options.now - f.number.int({ min: 1, max: 3 * 365 }) * DAY) : undefined;
    if (isFan) {
      for (let i = f.number.int({ min: 0, max: 4 }); i > 0; i--) {
        push('interaction', options.now - f.number.int({ min: 60_000, max: 60 * DAY }), { interaction: f.helpers.arrayElement(['message', 'like', 'share'] as const) });
      }
    }
    events.sort((a, b) => a.at.localeCompare(b.at));
    const customer: Customer = {
      externalId,
      storeId: store.id,
      name: f.person.fullName(),
      phone: `1${f.helpers.arrayElement(['3', '5', '7', '8', '9'])}${f.string.numeric(9)}`,
      gender,
      ...(birthday ? { birthday } : {}),
      level,
      tags: f.helpers.arrayElements(TAGS, { min: 0, max: 3 }),
      points: f.number.int({ min: 0, max: 2000 * (level + 1) }),
      growth: f.number.int({ min: 0, max: 1000 * (level + 1) }),
      isFan,
      ...(fanSince !== undefined ? { fanSince: iso(fanSince) } : {}),
      registeredAt: iso(registeredAt),
      totalSpend,
      ...(lastOrderAt > 0 ? { lastOrderAt: iso(lastOrderAt) } : {}),
      consent: { sms: f.datatype.boolean(0.8), wechat: isFan, app: f.datatype.boolean(0.5), email: false },
    };
    yield { customer, events };
  }
}
