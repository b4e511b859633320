import { firstPlanExecution, nextPlanExecution } from '../../../main/core/time/index.ts';
import type { Json } from '../../sdk/campaign-desk-plugin.ts';
import { activateBuiltin, planViewOf, templateOf, timeSpecOf, validateTemplate } from '../../testing/builtin.ts';

const SH = 'Asia/Shanghai';
// A Wednesday.
const context = { now: '2026-06-10T12:00:00+08:00', timeZone: SH };
const { type } = await activateBuiltin('precise-audience');
const at = (iso: string) => Date.parse(iso);

describe('precise-audience template', () => {
  it('passes the app’s plan and audience validation, once or recurring', () => {
    const configs: Record<string, Json>[] = [{}, { recurring: true }, { recurring: true, expression: '0 30 8 1 * * * 1' }, { recurring: false, expression: '0 0 12 * * *' }];
    for (const config of configs) {
      const { plan, rule } = validateTemplate(templateOf(type, config, context), SH, 'precise-audience');
      expect(rule.root).toEqual({ kind: 'consent', channel: 'sms' });
      expect(plan.actions).toHaveLength(1);
    }
  });

  it('runs once on activation by default', () => {
    const template = templateOf(type, {}, context);
    expect(template.timing).toEqual({ effective: { start: '2026-06-10' }, execution: { mode: 'immediate' } });
    const activated = at('2026-06-10T15:00:00+08:00');
    expect(firstPlanExecution(timeSpecOf(template, SH), activated)).toBe(activated);
  });

  it('runs on its expression when recurring (default: Mondays 10:00)', () => {
    const spec = timeSpecOf(templateOf(type, { recurring: true }, context), SH);
    expect(spec.execution).toEqual({ mode: 'periodic', expression: '0 0 10 * * 1' });
    const first = nextPlanExecution(spec, at(context.now));
    expect(first).toBe(at('2026-06-15T10:00:00+08:00'));
    expect(nextPlanExecution(spec, first ?? 0)).toBe(at('2026-06-22T10:00:00+08:00'));
  });

  it('leaves the expression’s grammar to the app, which names the bad field', () => {
    const template = templateOf(type, { recurring: true, expression: '0 0 25 * * *' }, context);
    expect(() => validateTemplate(template, SH, 'precise-audience')).toThrow(expect.objectContaining({ code: 'PE_OUT_OF_RANGE' }));
    expect(() => type.template({ recurring: true, expression: 'every day' }, context)).toThrow(/expression/);
  });

  it('describes the plan in both languages', () => {
    const describe = (config: Record<string, Json>, locale: 'en' | 'zh-CN') => type.describe?.(planViewOf(templateOf(type, config, context), 'precise-audience', config), locale);
    expect(describe({}, 'en')).toBe('Reaches the chosen audience once, when the plan is activated');
    expect(describe({}, 'zh-CN')).toBe('触达所选人群：计划启用后立即执行一次');
    expect(describe({ recurring: true }, 'en')).toBe('Reaches the chosen audience every Monday at 10:00');
    expect(describe({ recurring: true }, 'zh-CN')).toBe('触达所选人群：每周一 10:00');
    expect(describe({ recurring: true, expression: '0 0 9 */2 * *' }, 'en')).toBe('Reaches the chosen audience on the schedule "0 0 9 */2 * *"');
  });
});
