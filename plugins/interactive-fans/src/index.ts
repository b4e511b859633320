import { definePlugin, type EventFilter, type FormSchema, type Json, type Localized } from '../../sdk/campaign-desk-plugin.ts';
import { configChoice, configNumber } from '../../shared/config.ts';
import { todayIn } from '../../shared/dates.ts';
import { describeExecution } from '../../shared/describe.ts';
import { consent, messageAction, ruleOf } from '../../shared/plan.ts';

/** Interactive fans (互动粉丝营销): fans who interacted with the account lately, reached on WeChat. */

const INTERACTIONS = ['any', 'message', 'like', 'share'] as const;
type Interaction = (typeof INTERACTIONS)[number];

const configSchema: FormSchema = {
  type: 'object',
  properties: {
    withinDays: { type: 'integer', title: 'Within the last days', minimum: 1, maximum: 90, default: 7 },
    minInteractions: { type: 'integer', title: 'At least this many interactions', minimum: 1, maximum: 100, default: 1 },
    interaction: { type: 'string', title: 'Kind of interaction', description: 'any, message, like or share', enum: [...INTERACTIONS], default: 'any' },
  },
};

const DAILY = '0 0 10 * * *';

interface Settings {
  withinDays: number;
  minInteractions: number;
  interaction: Interaction;
}

function settings(config: Record<string, Json>): Settings {
  return {
    withinDays: configNumber(configSchema, config, 'withinDays'),
    minInteractions: configNumber(configSchema, config, 'minInteractions'),
    interaction: configChoice(configSchema, config, 'interaction', INTERACTIONS),
  };
}

const KIND: Record<Interaction, Localized> = {
  any: { en: 'interaction', 'zh-CN': '互动' },
  message: { en: 'message', 'zh-CN': '留言' },
  like: { en: 'like', 'zh-CN': '点赞' },
  share: { en: 'share', 'zh-CN': '分享' },
};

function audienceName(s: Settings, locale: 'en' | 'zh-CN'): string {
  const n = s.minInteractions;
  const kind = KIND[s.interaction][locale];
  if (locale === 'zh-CN') return `近 ${s.withinDays} 天${kind}至少 ${n} 次的粉丝`;
  return `Fans with at least ${n} ${kind}${n === 1 ? '' : 's'} in the last ${s.withinDays} days`;
}

function describeFans(s: Settings, expression: string | null, locale: 'en' | 'zh-CN'): string {
  const when = expression === null ? '' : describeExecution({ mode: 'periodic', expression }, locale);
  return when ? `${audienceName(s, locale)}${locale === 'en' ? '; ' : '；'}${when}` : audienceName(s, locale);
}

export default definePlugin({
  activate(ctx) {
    ctx.registerMarketingType({
      id: 'interactive-fans',
      name: { en: 'Interactive fans', 'zh-CN': '互动粉丝营销' },
      description: {
        en: 'Fans who recently interacted with the public account, reached on WeChat every day.',
        'zh-CN': '每天通过微信触达近期与公众号互动过的粉丝。',
      },
      icon: 'ChatDotRound',
      configSchema,
      template(config, context) {
        const s = settings(config);
        const filter: EventFilter = s.interaction === 'any' ? {} : { interaction: s.interaction };
        return {
          name: { en: 'Interactive fans', 'zh-CN': '互动粉丝营销' },
          description: { en: describeFans(s, DAILY, 'en'), 'zh-CN': describeFans(s, DAILY, 'zh-CN') },
          audience: {
            name: { en: audienceName(s, 'en'), 'zh-CN': audienceName(s, 'zh-CN') },
            rule: ruleOf(
              { kind: 'fan', isFan: true },
              { kind: 'behaviour', event: 'interaction', within: { days: s.withinDays }, filter, minCount: s.minInteractions },
              consent('wechat'),
            ),
          },
          timing: { effective: { start: todayIn(context.now, context.timeZone) }, execution: { mode: 'periodic', expression: DAILY } },
          // No grant: which rights to give is the store's choice, made in the editor.
          actions: [
            messageAction('thanks', 'wechat', {
              'zh-CN': '{{name|亲爱的粉丝}}，感谢您的关注与互动！粉丝专属活动正在进行，欢迎光临。',
              en: 'Thanks for staying in touch, {{name|friend}}! Fan-only offers are on now. Come and see us.',
            }),
          ],
          // The daily run finds an active fan again and again: one message per fan in the
          // look-back window (counted across plans) rather than one a day.
          limits: { frequencyCap: { max: 1, days: s.withinDays } },
        };
      },
      describe(plan, locale) {
        const e = plan.timing.execution;
        return describeFans(settings(plan.config), e.mode === 'periodic' ? e.expression : null, locale);
      },
    });
  },
});
