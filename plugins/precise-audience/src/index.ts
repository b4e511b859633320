import { definePlugin, type ExecutionTime, type FormSchema } from '../../sdk/campaign-desk-plugin.ts';
import { configBoolean, configString } from '../../shared/config.ts';
import { todayIn } from '../../shared/dates.ts';
import { describeExecution } from '../../shared/describe.ts';
import { consent, messageAction, ruleOf } from '../../shared/plan.ts';

/** Precise audience (精准人群营销): the user builds the audience; the type gives the frame. */

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    recurring: { type: 'boolean', title: 'Repeat on a schedule', default: false },
    // Only the field count is checked here; the app parses the expression when the plan is saved.
    expression: {
      type: 'string',
      title: 'Schedule (period expression)',
      description: 'Used when repeating, e.g. 0 0 10 * * 1 = every Monday at 10:00',
      pattern: '^\\S+( \\S+){5,7}$',
      maxLength: 200,
      default: '0 0 10 * * 1',
    },
  },
};

function describePlan(execution: ExecutionTime, locale: 'en' | 'zh-CN'): string {
  const when = describeExecution(execution, locale);
  return locale === 'en' ? `Reaches the chosen audience ${when}` : `触达所选人群：${when}`;
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'precise-audience',
      name: { en: 'Precise audience', 'zh-CN': '精准人群营销' },
      description: {
        en: 'Pick customers by rules and reach them once or on a schedule.',
        'zh-CN': '按规则圈选顾客，执行一次或周期触达。',
      },
      icon: 'Aim',
      configSchema,
      template(config, context) {
        const execution: ExecutionTime = configBoolean(configSchema, config, 'recurring')
          ? { mode: 'periodic', expression: configString(configSchema, config, 'expression') }
          : { mode: 'immediate' };
        return {
          name: { en: 'Precise audience', 'zh-CN': '精准人群营销' },
          description: { en: describePlan(execution, 'en'), 'zh-CN': describePlan(execution, 'zh-CN') },
          // A starting point only: the user narrows it in the audience builder.
          audience: { name: { en: 'Customers reachable by SMS', 'zh-CN': '可短信触达的顾客' }, rule: ruleOf(consent('sms')) },
          timing: { effective: { start: todayIn(context.now, context.timeZone) }, execution },
          // No grant: which rights to give is the store's choice, made in the editor.
          actions: [
            messageAction('message', 'sms', {
              'zh-CN': '{{name|亲爱的顾客}}，本店为您准备了专属优惠，欢迎光临！',
              en: 'Hi {{name|there}}, we have something special for you. See you soon!',
            }),
          ],
        };
      },
      describe(plan, locale) {
        return describePlan(plan.timing.execution, locale);
      },
    });
  },
});
