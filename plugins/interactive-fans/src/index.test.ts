import { matchesRule } from '../../../main/core/audience/evaluate.ts';
import type { Customer, CustomerEvent } from '../../../main/core/customers/customer.ts';
import { nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, customer, event, planViewOf, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';

const SH = 'Asia/Shanghai';
const context = { now: '2026-06-10T12:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('interactive-fans');
const at = (iso: string) => Date.parse(iso);
const daysAgo = (n: number) => new Date(at(context.now) - n * 86_400_000).toISOString();

type Interaction = 'message' | 'like' | 'share';
const people: { c: Customer; events: CustomerEvent[] }[] = [
  { id: 'liker', interactions: [['like', 1]] },
  { id: 'chatty', interactions: [['message', 1], ['message', 2], ['share', 3]] },
  { id: 'old-sharer', interactions: [['share', 10]] },
  { id: 'not-a-fan', fan: false, interactions: [['like', 1]] },
  { id: 'silent-fan', interactions: [] },
  { id: 'no-wechat', wechat: false, interactions: [['like', 1]] },
].map(({ id, interactions, fan = true, wechat = true }) => ({
  c: customer({ externalId: id, isFan: fan, ...(fan ? { fanSince: '2025-01-01T00:00:00Z' } : {}), consent: { wechat } }),
  events: (interactions as [Interaction, number][]).map(([interaction, days]) => event(id, 'interaction', daysAgo(days), { interaction })),
}));

function audience(config: Record<string, Json>): string[] {
  const { rule } = validateTemplate(templateOf(type, config, context), SH, 'interactive-fans');
  const ctx = { now: at(context.now), zoneOf: () => SH };
  return people.filter((p) => matchesRule(rule.root, p.c, p.events, ctx)).map((p) => p.c.externalId);
}

describe('interactive-fans template', () => {
  it('passes the app’s plan and audience validation for several configs', () => {
    const configs: Record<string, Json>[] = [{}, { withinDays: 90, minInteractions: 100, interaction: 'share' }, { withinDays: 1, interaction: 'message' }];
    for (const config of configs) {
      const { plan } = validateTemplate(templateOf(type, config, context), SH, 'interactive-fans');
      expect(plan.actions).toEqual([expect.objectContaining({ type: 'message', channel: 'wechat', via: 'outbox' })]);
    }
  });

  it('finds fans who interacted in the window, reachable on WeChat (the app’s evaluator)', () => {
    expect(audience({})).toEqual(['liker', 'chatty']);
    expect(audience({ withinDays: 30 })).toEqual(['liker', 'chatty', 'old-sharer']);
    expect(audience({ minInteractions: 2 })).toEqual(['chatty']);
    expect(audience({ interaction: 'share' })).toEqual(['chatty']);
    expect(audience({ interaction: 'like' })).toEqual(['liker']);
    expect(audience({ interaction: 'message', minInteractions: 3 })).toEqual([]);
  });

  it('runs daily at 10:00 Shanghai time', () => {
    const spec = timeSpecOf(templateOf(type, {}, context), SH);
    expect(nextPlanExecution(spec, at(context.now))).toBe(at('2026-06-11T10:00:00+08:00'));
  });

  it('describes the plan in both languages', () => {
    const describe = (config: Record<string, Json>, locale: 'en' | 'zh-CN') => type.describe?.(planViewOf(templateOf(type, config, context), 'interactive-fans', config), locale);
    expect(describe({}, 'en')).toBe('Fans with at least 1 interaction in the last 7 days; daily at 10:00');
    expect(describe({}, 'zh-CN')).toBe('近 7 天互动至少 1 次的粉丝；每天 10:00');
    expect(describe({ interaction: 'share', minInteractions: 2, withinDays: 30 }, 'en')).toBe('Fans with at least 2 shares in the last 30 days; daily at 10:00');
    expect(describe({ interaction: 'message' }, 'zh-CN')).toBe('近 7 天留言至少 1 次的粉丝；每天 10:00');
  });
});
