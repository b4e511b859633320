/**
 * The plan editor's state and how it becomes a plan input: started from a marketing type's
 * template or from a saved plan, edited step by step, then sent to `plans/create-plan` or
 * `plans/update-plan`. Pure functions, tested without a browser.
 */
import type { RuleNode } from '../../../main/api/service-api.ts';
import type {
  AudienceDoc,
  CustomerChannel,
  ExecutionTime,
  FormSchema,
  GrantAction,
  MarketingType,
  MessageAction,
  MisfirePolicy,
  Plan,
  PlanAction,
  PlanInput,
  PlanLimits,
  PlanTemplate,
  PlanTime,
} from './types.ts';

export const STEPS = ['type', 'audience', 'timing', 'actions', 'limits', 'review'] as const;
export type StepName = (typeof STEPS)[number];

export type UiLocale = 'en' | 'zh-CN';
export type LocalizedText = { en: string; 'zh-CN': string };

/** Where a limit comes from: the app's settings, none for this plan, or the plan's own value. */
export type LimitSource = 'app' | 'none' | 'custom';

export interface LimitsForm {
  quietHours: LimitSource;
  quietStart: string;
  quietEnd: string;
  frequencyCap: LimitSource;
  capMax: number;
  capDays: number;
  /** null = the app's setting (the downstream budgets). */
  maxRate: number | null;
  maxAttempts: number | null;
}

export interface AudienceState {
  /** The saved audience the plan uses; null until the editor saves one. */
  id: string | null;
  name: string;
  root: RuleNode;
  /** The rule or name changed since it was saved (it is saved again with the plan). */
  dirty: boolean;
}

export interface EditorState {
  pluginId: string;
  marketingType: string;
  config: Record<string, unknown>;
  name: string;
  description: string;
  storeId: string;
  audience: AudienceState;
  time: PlanTime;
  misfire: MisfirePolicy;
  actions: PlanAction[];
  limits: LimitsForm;
  /** Share of the audience kept as a control group (0–50, one decimal). */
  holdoutPercent: number;
  /** A chain-wide (HQ) plan: the fields stores may set for themselves. */
  overridable: StoreOverrideField[];
  /** The plan as loaded let stores set something (so clearing the list is sent). */
  hadOverridable?: boolean;
}

/** What HQ can let stores set on its plans: the service's type (`main/core/plans/plan.ts`), listed in its order. */
export type StoreOverrideField = NonNullable<Plan['overridable']>[number];
export const STORE_OVERRIDE_FIELDS = ['quietHours', 'maxRate', 'timeZone'] as const satisfies readonly StoreOverrideField[];

/** The app's default zone (`createAppServices`), used when the service does not say its zone. */
export const DEFAULT_ZONE = 'Asia/Shanghai';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// ---- limits ---------------------------------------------------------------------------

export function limitsFormOf(limits: PlanLimits = {}): LimitsForm {
  const source = (v: unknown): LimitSource => (v === undefined ? 'app' : v === null ? 'none' : 'custom');
  return {
    quietHours: source(limits.quietHours),
    quietStart: limits.quietHours?.start ?? '21:00',
    quietEnd: limits.quietHours?.end ?? '08:00',
    frequencyCap: source(limits.frequencyCap),
    capMax: limits.frequencyCap?.max ?? 2,
    capDays: limits.frequencyCap?.days ?? 7,
    maxRate: limits.maxRate ?? null,
    maxAttempts: limits.maxAttempts ?? null,
  };
}

/** The plan's limits: a field is left out where the app's setting applies. */
export function limitsOfForm(form: LimitsForm): PlanLimits {
  const out: PlanLimits = {};
  if (form.quietHours === 'none') out.quietHours = null;
  if (form.quietHours === 'custom') out.quietHours = { start: form.quietStart, end: form.quietEnd };
  if (form.frequencyCap === 'none') out.frequencyCap = null;
  if (form.frequencyCap === 'custom') out.frequencyCap = { max: form.capMax, days: form.capDays };
  if (form.maxRate !== null && form.maxRate > 0) out.maxRate = form.maxRate;
  if (form.maxAttempts !== null && form.maxAttempts > 0) out.maxAttempts = form.maxAttempts;
  return out;
}

// ---- config ---------------------------------------------------------------------------

/** A config form's starting values: its defaults, over what was already filled in. */
export function defaultConfig(schema: FormSchema | null | undefined, current: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema?.properties ?? {})) {
    const value = current[key];
    if (value !== undefined && value !== null && value !== '') out[key] = value;
    else if (field.default !== undefined) out[key] = field.default;
  }
  return out;
}

/**
 * The problems of a config against its form, as [field, reason] pairs: required fields,
 * number bounds, patterns and choices (the service checks again).
 */
export function configProblems(schema: FormSchema | null | undefined, config: Record<string, unknown>): { field: string; reason: 'required' | 'min' | 'max' | 'pattern' | 'choice' | 'type' }[] {
  const problems: { field: string; reason: 'required' | 'min' | 'max' | 'pattern' | 'choice' | 'type' }[] = [];
  for (const [key, f] of Object.entries(schema?.properties ?? {})) {
    const v = config[key];
    if (v === undefined || v === null || v === '') {
      if ((schema?.required ?? []).includes(key)) problems.push({ field: key, reason: 'required' });
      continue;
    }
    if (f.enum && !f.enum.includes(v as string | number)) problems.push({ field: key, reason: 'choice' });
    else if (f.type === 'number' || f.type === 'integer') {
      if (typeof v !== 'number' || (f.type === 'integer' && !Number.isInteger(v))) problems.push({ field: key, reason: 'type' });
      else if (f.minimum !== undefined && v < f.minimum) problems.push({ field: key, reason: 'min' });
      else if (f.maximum !== undefined && v > f.maximum) problems.push({ field: key, reason: 'max' });
    } else if (f.type === 'string') {
      if (typeof v !== 'string') problems.push({ field: key, reason: 'type' });
      else if (f.pattern !== undefined && !new RegExp(f.pattern).test(v)) problems.push({ field: key, reason: 'pattern' });
    } else if (f.type === 'boolean' && typeof v !== 'boolean') problems.push({ field: key, reason: 'type' });
  }
  return problems;
}

// ---- starting points ------------------------------------------------------------------

/**
 * A rule with the defaults the rule format fills in when it reads one (behaviour filters,
 * minimum counts, birthday offsets, fan flags): a plugin's template may leave them out, and
 * the rule builder edits every field.
 */
export function withRuleDefaults(node: RuleNode): RuleNode {
  if ('op' in node) {
    if (node.op === 'not') return { op: 'not', child: withRuleDefaults(node.child) };
    return { op: node.op, children: node.children.map(withRuleDefaults) };
  }
  switch (node.kind) {
    case 'behaviour':
      return { ...node, filter: node.filter ?? {}, minCount: node.minCount ?? 1 };
    case 'absence':
      return { ...node, filter: node.filter ?? {} };
    case 'birthday':
      return { ...node, offsetDays: node.offsetDays ?? 0 };
    case 'fan':
      return { ...node, isFan: node.isFan ?? true };
    default:
      return node;
  }
}

/** A new plan from a marketing type's template; the template's timing gets the store's zone. */
export function stateFromTemplate(type: Pick<MarketingType, 'pluginId' | 'id'>, config: Record<string, unknown>, template: PlanTemplate, zone: string, locale: UiLocale): EditorState {
  const timing = clone(template.timing) as Omit<PlanTime, 'timeZone'>;
  const time: PlanTime = { timeZone: zone, effective: timing.effective ?? {}, execution: timing.execution as ExecutionTime };
  if (timing.period) time.period = timing.period;
  return {
    pluginId: type.pluginId,
    marketingType: type.id,
    config: clone(config),
    name: template.name[locale] || template.name.en,
    description: template.description?.[locale] ?? '',
    storeId: '',
    audience: { id: null, name: template.audience.name[locale] || template.audience.name.en, root: withRuleDefaults(clone(template.audience.rule.root) as RuleNode), dirty: true },
    time,
    misfire: template.misfire ?? 'fire-once',
    actions: clone(template.actions) as PlanAction[],
    limits: limitsFormOf((template.limits ?? {}) as PlanLimits),
    holdoutPercent: 0,
    overridable: [],
  };
}

/** A saved plan to edit; `audience` is its saved audience (null when it cannot be read). */
export function stateFromPlan(plan: Plan, audience: Pick<AudienceDoc, 'id' | 'name' | 'rule'> | null): EditorState {
  return {
    pluginId: plan.pluginId,
    marketingType: plan.marketingType,
    config: clone(plan.config),
    name: plan.name,
    description: plan.description,
    storeId: plan.storeId,
    audience: audience
      ? { id: audience.id, name: audience.name, root: withRuleDefaults(clone(audience.rule.root)), dirty: false }
      : { id: plan.audienceId, name: plan.audienceId, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 }, dirty: false },
    time: clone(plan.time),
    misfire: plan.misfire,
    actions: clone(plan.actions),
    limits: limitsFormOf(plan.limits),
    holdoutPercent: plan.holdoutPercent ?? 0,
    overridable: [...(plan.overridable ?? [])],
    hadOverridable: (plan.overridable ?? []).length > 0,
  };
}

// ---- actions --------------------------------------------------------------------------

/** `grant-1`, `message-2`, …: the first id of that kind not taken. */
export function nextActionId(actions: readonly PlanAction[], type: PlanAction['type']): string {
  const taken = new Set(actions.map((a) => a.id));
  for (let n = 1; ; n++) if (!taken.has(`${type}-${n}`)) return `${type}-${n}`;
}

export function newGrantAction(actions: readonly PlanAction[], subject: GrantAction['subject']): GrantAction {
  return { id: nextActionId(actions, 'grant'), type: 'grant', subject: { ...subject } };
}

export function newMessageAction(actions: readonly PlanAction[], via: string, channel: CustomerChannel = 'sms'): MessageAction {
  return { id: nextActionId(actions, 'message'), type: 'message', channel, via, template: { 'zh-CN': { body: '' }, en: { body: '' } } };
}

/** Channels whose messages have a subject line. */
export const SUBJECT_CHANNELS: readonly CustomerChannel[] = ['email', 'app'];

/** A message's texts as saved: empty subjects are left out, and a language without a body too. */
export function cleanMessage(action: MessageAction): MessageAction {
  const template: MessageAction['template'] = {};
  for (const locale of ['zh-CN', 'en'] as const) {
    const text = action.template[locale];
    if (!text || text.body.trim() === '') continue;
    template[locale] = text.subject && text.subject.trim() !== '' ? { subject: text.subject, body: text.body } : { body: text.body };
  }
  return { ...action, template };
}

export function cleanActions(actions: readonly PlanAction[]): PlanAction[] {
  return actions.map((a) => (a.type === 'message' ? cleanMessage(a) : clone(a)));
}

// ---- timing ---------------------------------------------------------------------------

export const EXECUTION_MODES = ['birthday', 'periodic', 'fixed', 'immediate', 'delayed'] as const satisfies readonly ExecutionTime['mode'][];

/** Switching the execution mode: the new mode starts from sensible values, keeping the time of day. */
export function switchExecution(previous: ExecutionTime, mode: ExecutionTime['mode'], today: string): ExecutionTime {
  if (previous.mode === mode) return previous;
  const time = previous.mode === 'birthday' ? previous.time : '10:00';
  const [hh = '10', mm = '00'] = time.split(':');
  switch (mode) {
    case 'birthday':
      return { mode, scope: 'day', offsetDays: 0, time };
    case 'periodic':
      return { mode, expression: `0 ${Number(mm)} ${Number(hh)} * * *` };
    case 'fixed':
      return { mode, at: `${today}T${time}` };
    case 'immediate':
      return { mode };
    case 'delayed':
      return { mode, delay: { amount: 1, unit: 'hours' } };
  }
}

/** The period expression of a birthday plan's daily sweep (who is due is checked at `time`). */
export function sweepExpression(time: string): string {
  const [hh = '0', mm = '0'] = time.split(':');
  return `0 ${Number(mm)} ${Number(hh)} * * *`;
}

// ---- the plan input -------------------------------------------------------------------

export function toPlanInput(state: EditorState, audienceId: string): PlanInput {
  const time = clone(state.time);
  if (time.period === null || time.period === '') delete time.period;
  const effective: PlanTime['effective'] = {};
  if (time.effective.start) effective.start = time.effective.start;
  if (time.effective.end) effective.end = time.effective.end;
  time.effective = effective;
  return {
    name: state.name.trim(),
    description: state.description,
    storeId: state.storeId,
    marketingType: state.marketingType,
    pluginId: state.pluginId,
    audienceId,
    time,
    misfire: state.misfire,
    actions: cleanActions(state.actions),
    limits: limitsOfForm(state.limits),
    config: clone(state.config),
    // Left out at 0: the service's default (an edit back to 0 clears it).
    ...(state.holdoutPercent > 0 ? { holdoutPercent: state.holdoutPercent } : {}),
    // Chain-wide plans only; sent when set, or emptied (an edit that clears it must say so).
    ...(state.storeId === '' && (state.overridable.length > 0 || state.hadOverridable) ? { overridable: [...state.overridable] } : {}),
  };
}

/** Compares an audience with the one saved: name and rule. */
export function audienceKey(audience: Pick<AudienceState, 'name' | 'root'>): string {
  return JSON.stringify([audience.name.trim(), audience.root]);
}

/** The audience to save with the plan: a name and a versioned rule. */
export function audienceInput(audience: AudienceState): { id?: string; name: string; rule: { version: 1; root: RuleNode } } {
  return { ...(audience.id ? { id: audience.id } : {}), name: audience.name.trim(), rule: { version: 1, root: clone(audience.root) } };
}

// ---- errors ---------------------------------------------------------------------------

/**
 * The step a failure belongs to, so the editor shows it there: the bad path of
 * EN_PLAN_INVALID, or the error's area (time model, period, templates, audience rules).
 */
export function stepOfError(code: string, params: Record<string, unknown> = {}): StepName {
  if (code === 'EN_PLAN_INVALID') {
    const path = String(params.path ?? '');
    const head = path.split('.')[0] ?? '';
    if (head === 'audienceId') return 'audience';
    if (head === 'time' || head === 'misfire') return 'timing';
    if (head === 'actions') return 'actions';
    if (head === 'limits') return 'limits';
    if (head === 'config' || head === 'marketingType' || head === 'pluginId') return 'type';
    return 'review';
  }
  if (code.startsWith('TM_') || code.startsWith('PE_')) return 'timing';
  if (code.startsWith('TP_') || code === 'EN_CHANNEL_UNKNOWN' || code.startsWith('RT_')) return 'actions';
  if (code.startsWith('AU_') || code === 'EN_AUDIENCE_UNAVAILABLE') return 'audience';
  if (code.startsWith('PL_')) return 'type';
  if (code === 'GV_HOLDOUT_INVALID') return 'limits';
  return 'review';
}

/** An editor before a marketing type is picked: nothing but the zone. */
export function blankState(zone: string): EditorState {
  return {
    pluginId: '',
    marketingType: '',
    config: {},
    name: '',
    description: '',
    storeId: '',
    audience: { id: null, name: '', root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 }, dirty: true },
    time: { timeZone: zone, effective: {}, execution: { mode: 'immediate' } },
    misfire: 'fire-once',
    actions: [],
    limits: limitsFormOf({}),
    holdoutPercent: 0,
    overridable: [],
  };
}
