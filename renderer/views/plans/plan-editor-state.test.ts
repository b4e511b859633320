import { describe, expect, it } from 'vitest';
import {
  audienceInput,
  cleanMessage,
  configProblems,
  defaultConfig,
  limitsFormOf,
  limitsOfForm,
  newGrantAction,
  newMessageAction,
  nextActionId,
  stateFromPlan,
  stateFromTemplate,
  stepOfError,
  sweepExpression,
  switchExecution,
  toPlanInput,
  withRuleDefaults,
} from './plan-editor-state.ts';
import type { RuleNode } from '../../../main/api/service-api.ts';
import type { FormSchema, Plan, PlanTemplate } from './types.ts';

const template: PlanTemplate = {
  name: { en: 'Birthday care', 'zh-CN': '生日关怀' },
  description: { en: "On each customer's birthday at 10:00", 'zh-CN': '每位顾客生日当天 10:00' },
  audience: { name: { en: 'Customers reachable by SMS', 'zh-CN': '可短信触达的顾客' }, rule: { version: 1, root: { kind: 'consent', channel: 'sms' } } },
  timing: { effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00', leapDay: 'feb28' } },
  actions: [{ id: 'greeting', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '生日快乐' }, en: { body: 'Happy birthday' } } }],
};

const birthdayType = { pluginId: 'campaign-desk.birthday', id: 'birthday' };

function plan(over: Partial<Plan> = {}): Plan {
  return {
    id: 'p1',
    storeId: '',
    name: 'Spring',
    description: 'd',
    marketingType: 'birthday',
    pluginId: 'campaign-desk.birthday',
    status: 'draft',
    audienceId: 'a1',
    time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
    misfire: 'skip',
    actions: [{ id: 'g', type: 'grant', subject: { type: 'right', id: 'r1' } }],
    limits: { quietHours: null, maxRate: 5 },
    config: { scope: 'day' },
    nextFireAt: 0,
    activatedAt: 0,
    lastFiredAt: 0,
    version: 3,
    source: 'local',
    createdAt: 1,
    updatedAt: 2,
    updatedBy: 'user:local',
    ...over,
  };
}

describe('plan editor state', () => {
  it('starts from a template: names in the UI language, timing in the store zone, audience to save', () => {
    const s = stateFromTemplate(birthdayType, { scope: 'day' }, template, 'Asia/Shanghai', 'zh-CN');
    expect(s.name).toBe('生日关怀');
    expect(s.description).toBe('每位顾客生日当天 10:00');
    expect(s.audience).toEqual({ id: null, name: '可短信触达的顾客', root: { kind: 'consent', channel: 'sms' }, dirty: true });
    expect(s.time).toEqual({ timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00', leapDay: 'feb28' } });
    expect(s.misfire).toBe('fire-once');
    expect(s.limits).toMatchObject({ quietHours: 'app', frequencyCap: 'app', maxRate: null, maxAttempts: null });
    // A copy: editing the state leaves the template alone.
    s.actions.pop();
    expect(template.actions).toHaveLength(1);
    expect(stateFromTemplate(birthdayType, {}, template, 'UTC', 'en').name).toBe('Birthday care');
  });

  it('turns a template-started state into the plan input the service takes', () => {
    const s = stateFromTemplate(birthdayType, { scope: 'day', time: '10:00' }, template, 'Asia/Shanghai', 'en');
    expect(toPlanInput(s, 'aud-1')).toEqual({
      name: 'Birthday care',
      description: "On each customer's birthday at 10:00",
      storeId: '',
      marketingType: 'birthday',
      pluginId: 'campaign-desk.birthday',
      audienceId: 'aud-1',
      time: { timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: { mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00', leapDay: 'feb28' } },
      misfire: 'fire-once',
      actions: template.actions,
      limits: {},
      config: { scope: 'day', time: '10:00' },
    });
  });

  it('drops an empty operation period, empty effective ends, empty texts and trims the name', () => {
    const s = stateFromTemplate(birthdayType, {}, template, 'Asia/Shanghai', 'en');
    s.name = '  Birthday  ';
    s.time.period = '';
    s.time.effective = { start: '2026-03-01', end: '' };
    s.actions = [{ id: 'm', type: 'message', channel: 'email', via: 'outbox', template: { 'zh-CN': { subject: '', body: '生日快乐' }, en: { subject: 'Hi', body: '  ' } } }];
    const input = toPlanInput(s, 'a');
    expect(input.name).toBe('Birthday');
    expect(input.time).toEqual({ timeZone: 'Asia/Shanghai', effective: { start: '2026-03-01' }, execution: template.timing.execution });
    expect(input.actions).toEqual([{ id: 'm', type: 'message', channel: 'email', via: 'outbox', template: { 'zh-CN': { body: '生日快乐' } } }]);
  });

  it('edits a saved plan with its audience, and gives its limits back unchanged', () => {
    const s = stateFromPlan(plan(), { id: 'a1', name: 'VIP', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 3 } } });
    expect(s.audience).toEqual({ id: 'a1', name: 'VIP', root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 3 }, dirty: false });
    expect(s.misfire).toBe('skip');
    const input = toPlanInput(s, 'a1');
    expect(input.limits).toEqual({ quietHours: null, maxRate: 5 });
    expect(input.config).toEqual({ scope: 'day' });
    expect(input.actions).toEqual(plan().actions);
    // Without a readable audience the plan keeps its audience id.
    expect(stateFromPlan(plan(), null).audience.id).toBe('a1');
  });

  it('reads and writes limits: app setting, none, custom', () => {
    expect(limitsOfForm(limitsFormOf({}))).toEqual({});
    const all = { quietHours: { start: '22:00', end: '07:30' }, frequencyCap: { max: 3, days: 30 }, maxRate: 20, maxAttempts: 4 };
    expect(limitsOfForm(limitsFormOf(all))).toEqual(all);
    expect(limitsOfForm(limitsFormOf({ quietHours: null, frequencyCap: null }))).toEqual({ quietHours: null, frequencyCap: null });
    const form = limitsFormOf({});
    form.frequencyCap = 'custom';
    form.maxRate = 0; // zero = not set
    expect(limitsOfForm(form)).toEqual({ frequencyCap: { max: 2, days: 7 } });
  });

  it('names new actions uniquely', () => {
    expect(nextActionId([], 'grant')).toBe('grant-1');
    const actions = [newGrantAction([], { type: 'right', id: 'r1' })];
    actions.push(newGrantAction(actions, { type: 'package', id: 'k1' }));
    expect(actions.map((a) => a.id)).toEqual(['grant-1', 'grant-2']);
    const message = newMessageAction(actions, 'outbox');
    expect(message).toEqual({ id: 'message-1', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '' }, en: { body: '' } } });
    expect(cleanMessage({ ...message, template: { en: { subject: 'S', body: 'B' } } }).template).toEqual({ en: { subject: 'S', body: 'B' } });
  });

  it('switches execution modes keeping the time of day', () => {
    const birthday = { mode: 'birthday', scope: 'week', time: '09:30' } as const;
    expect(switchExecution(birthday, 'birthday', '2026-01-01')).toBe(birthday);
    expect(switchExecution(birthday, 'periodic', '2026-01-01')).toEqual({ mode: 'periodic', expression: '0 30 9 * * *' });
    expect(switchExecution(birthday, 'fixed', '2026-01-01')).toEqual({ mode: 'fixed', at: '2026-01-01T09:30' });
    expect(switchExecution({ mode: 'immediate' }, 'birthday', '2026-01-01')).toEqual({ mode: 'birthday', scope: 'day', offsetDays: 0, time: '10:00' });
    expect(switchExecution({ mode: 'immediate' }, 'delayed', '2026-01-01')).toEqual({ mode: 'delayed', delay: { amount: 1, unit: 'hours' } });
    expect(sweepExpression('08:05')).toBe('0 5 8 * * *');
  });

  it('fills config defaults and checks values against the form', () => {
    const schema: FormSchema = {
      type: 'object',
      properties: {
        scope: { type: 'string', enum: ['day', 'week'], default: 'day' },
        offsetDays: { type: 'integer', minimum: -30, maximum: 30, default: 0 },
        time: { type: 'string', pattern: '^\\d{2}:\\d{2}$', default: '10:00' },
        note: { type: 'string' },
      },
      required: ['note'],
    };
    expect(defaultConfig(schema)).toEqual({ scope: 'day', offsetDays: 0, time: '10:00' });
    expect(defaultConfig(schema, { scope: 'week', note: '' })).toEqual({ scope: 'week', offsetDays: 0, time: '10:00' });
    expect(defaultConfig(null)).toEqual({});
    expect(configProblems(schema, { scope: 'year', offsetDays: 31, time: '9am' })).toEqual([
      { field: 'scope', reason: 'choice' },
      { field: 'offsetDays', reason: 'max' },
      { field: 'time', reason: 'pattern' },
      { field: 'note', reason: 'required' },
    ]);
    expect(configProblems(schema, { offsetDays: 1.5, note: 'x' })).toEqual([{ field: 'offsetDays', reason: 'type' }]);
  });

  it('fills the rule defaults a template may leave out, at any depth', () => {
    const partial = {
      op: 'and',
      children: [{ kind: 'consent', channel: 'wechat' }, { op: 'not', child: { kind: 'absence', event: 'addToCart', within: { days: 7 }, thenNo: 'order' } }, { kind: 'behaviour', event: 'interaction', within: { days: 30 } }, { kind: 'fan' }, { kind: 'birthday', when: 'today' }],
    } as unknown as RuleNode;
    expect(withRuleDefaults(partial)).toEqual({
      op: 'and',
      children: [
        { kind: 'consent', channel: 'wechat' },
        { op: 'not', child: { kind: 'absence', event: 'addToCart', within: { days: 7 }, thenNo: 'order', filter: {} } },
        { kind: 'behaviour', event: 'interaction', within: { days: 30 }, filter: {}, minCount: 1 },
        { kind: 'fan', isFan: true },
        { kind: 'birthday', when: 'today', offsetDays: 0 },
      ],
    });
    const s = stateFromTemplate(birthdayType, {}, { ...template, audience: { name: template.audience.name, rule: { version: 1, root: { kind: 'behaviour', event: 'browse', within: { days: 7 } } } } }, 'UTC', 'en');
    expect(s.audience.root).toEqual({ kind: 'behaviour', event: 'browse', within: { days: 7 }, filter: {}, minCount: 1 });
  });

  it('builds the audience to save', () => {
    expect(audienceInput({ id: null, name: ' SMS ', root: { kind: 'consent', channel: 'sms' }, dirty: true })).toEqual({ name: 'SMS', rule: { version: 1, root: { kind: 'consent', channel: 'sms' } } });
    expect(audienceInput({ id: 'a1', name: 'X', root: { kind: 'consent', channel: 'sms' }, dirty: true }).id).toBe('a1');
  });

  it('sends each failure to the step it belongs to', () => {
    expect(stepOfError('EN_PLAN_INVALID', { path: 'actions.0.template' })).toBe('actions');
    expect(stepOfError('EN_PLAN_INVALID', { path: 'time.execution' })).toBe('timing');
    expect(stepOfError('EN_PLAN_INVALID', { path: 'limits.maxRate' })).toBe('limits');
    expect(stepOfError('EN_PLAN_INVALID', { path: 'audienceId' })).toBe('audience');
    expect(stepOfError('EN_PLAN_INVALID', { path: 'config' })).toBe('type');
    expect(stepOfError('EN_PLAN_INVALID', { path: 'name' })).toBe('review');
    expect(stepOfError('TM_BAD_DATE')).toBe('timing');
    expect(stepOfError('PE_SYNTAX')).toBe('timing');
    expect(stepOfError('TP_UNKNOWN_VARIABLE')).toBe('actions');
    expect(stepOfError('AU_INVALID_RULE')).toBe('audience');
    expect(stepOfError('PL_BAD_RESULT')).toBe('type');
    expect(stepOfError('EN_PLAN_CONFLICT')).toBe('review');
  });
});
