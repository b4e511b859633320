import { describe, expect, it } from 'vitest';
import type { RuleNode } from '../../../main/api/service-api.ts';
import type { PlanTime } from '../plans/types.ts';
import {
  applyTiming,
  channelSettingsForm,
  contributionKey,
  customRightOf,
  formDefaults,
  insertChild,
  pluginChannelInput,
  rightTypeOf,
  secretFields,
  textOf,
  type Contribution,
} from './contributions.ts';

const bigSpenders: RuleNode = { kind: 'attribute', field: 'totalSpend', cmp: 'gte', value: 100_000 };
const sms: RuleNode = { kind: 'consent', channel: 'sms' };

const vipCard: Contribution = {
  pluginId: 'com.acme.loyalty',
  kind: 'rightType',
  id: 'vip-card',
  name: { en: 'VIP card', 'zh-CN': '贵宾卡' },
  description: { en: 'A card for the lounge', 'zh-CN': '贵宾室用卡' },
  paramsSchema: {
    type: 'object',
    properties: {
      lounge: { type: 'string', title: 'Lounge', enum: ['north', 'south'] },
      visits: { type: 'integer', title: 'Visits', minimum: 1, default: 3 },
      note: { type: 'string', title: 'Note' },
      guest: { type: 'boolean', title: 'Guest allowed' },
    },
    required: ['lounge', 'visits', 'guest'],
  },
  hooks: [],
};

describe('plugin contributions in the screens', () => {
  it('shows a plugin’s text in the screen’s language, else in the other one', () => {
    expect(textOf({ en: 'VIP card', 'zh-CN': '贵宾卡' }, 'en')).toBe('VIP card');
    expect(textOf({ en: 'VIP card', 'zh-CN': '贵宾卡' }, 'zh-CN')).toBe('贵宾卡');
    expect(textOf({ en: 'VIP card', 'zh-CN': '' }, 'zh-CN')).toBe('VIP card');
    expect(textOf(undefined, 'en')).toBe('');
    expect(contributionKey(vipCard)).toBe('com.acme.loyalty/vip-card');
  });

  it('adds a plugin’s expanded condition to the group, or joins a single condition with AND', () => {
    expect(insertChild({ op: 'or', children: [sms] }, bigSpenders)).toEqual({ op: 'or', children: [sms, bigSpenders] });
    expect(insertChild(sms, bigSpenders)).toEqual({ op: 'and', children: [sms, bigSpenders] });
    expect(insertChild({ op: 'not', child: sms }, bigSpenders)).toEqual({ op: 'and', children: [{ op: 'not', child: sms }, bigSpenders] });
    // An expanded group stays one child of the group it joins.
    const group: RuleNode = { op: 'and', children: [bigSpenders, sms] };
    expect(insertChild({ op: 'and', children: [sms] }, group)).toEqual({ op: 'and', children: [sms, group] });
  });

  it('applies a time mode’s timing: execution replaced, dates and period only where the mode names them', () => {
    const time: PlanTime = { timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01', end: '2026-12-31' }, period: '* * * * * 1-5 * 32', execution: { mode: 'birthday', scope: 'day', time: '10:00' } };
    const periodic = applyTiming(time, { effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * 5L' } });
    expect(periodic).toEqual({ timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01', end: '2026-12-31' }, period: '* * * * * 1-5 * 32', execution: { mode: 'periodic', expression: '0 0 10 * * 5L' } });
    const dated = applyTiming(time, { effective: { start: '2026-04-01', end: null }, period: null, execution: { mode: 'fixed', at: '2026-04-03T10:00' } });
    expect(dated).toEqual({ timeZone: 'Asia/Shanghai', effective: { start: '2026-04-01' }, execution: { mode: 'fixed', at: '2026-04-03T10:00' } });
    const windowed = applyTiming({ ...time, period: undefined }, { effective: {}, period: '* 0-59 18-21 * * 5 * 31', execution: { mode: 'immediate' } });
    expect(windowed.period).toBe('* 0-59 18-21 * * 5 * 31');
    // The step's time is not changed in place.
    expect(time.execution.mode).toBe('birthday');
  });

  it('makes a custom right of a plugin’s right type: its fields, titled with its name, values at their defaults', () => {
    const custom = customRightOf(vipCard, 'en');
    expect(custom.name).toBe('VIP card');
    expect(custom.description).toBe('A card for the lounge');
    expect(custom.params).toEqual({
      schema: {
        type: 'object',
        title: 'VIP card',
        description: 'A card for the lounge',
        properties: vipCard.paramsSchema?.properties,
        required: ['lounge', 'visits', 'guest'],
      },
      values: { lounge: 'north', visits: 3, guest: false },
      redeemable: true,
      validity: null,
    });
    expect(customRightOf(vipCard, 'zh-CN').params.schema.title).toBe('贵宾卡');
    // Recognised again from the title, in either language.
    expect(rightTypeOf([vipCard], custom.params)?.id).toBe('vip-card');
    expect(rightTypeOf([vipCard], customRightOf(vipCard, 'zh-CN').params)?.id).toBe('vip-card');
    expect(rightTypeOf([vipCard], { schema: { type: 'object', title: 'Parking' } })).toBeUndefined();
    expect(rightTypeOf([vipCard], null)).toBeUndefined();
  });

  it('starts a form at its defaults; required fields without one get an empty value of their type', () => {
    expect(formDefaults({ type: 'object', properties: { n: { type: 'number', minimum: 5 }, s: { type: 'string' }, o: { type: 'string' } }, required: ['n', 's'] })).toEqual({ n: 5, s: '' });
  });

  it('configures a plugin channel: secrets are password fields, "••••" is sent back as it came', () => {
    const schema = {
      type: 'object' as const,
      properties: { apiKey: { type: 'string' as const }, sender: { type: 'string' as const, default: 'ACME' }, password: { type: 'string' as const }, retries: { type: 'integer' as const, default: 2 }, keyCount: { type: 'integer' as const } },
    };
    expect(secretFields(schema)).toEqual(['apiKey', 'password']);
    expect(secretFields(undefined)).toEqual([]);
    expect(channelSettingsForm(schema, { apiKey: '••••', sender: 'Shop' })).toEqual({ apiKey: '••••', sender: 'Shop', retries: 2 });
    expect(channelSettingsForm(schema, undefined)).toEqual({ sender: 'ACME', retries: 2 });
    expect(pluginChannelInput({ id: ' acme ', pluginId: 'com.acme.sms', provider: 'acme-sms', settings: { apiKey: '••••', sender: '', retries: 0, loud: false } })).toEqual({
      kind: 'plugin',
      id: 'acme',
      pluginId: 'com.acme.sms',
      provider: 'acme-sms',
      settings: { apiKey: '••••', retries: 0, loud: false },
    });
  });
});
