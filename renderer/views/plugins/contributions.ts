/**
 * What enabled plugins contribute besides marketing types (audience conditions, time modes,
 * right types, message channels) and how the screens use them: a plugin condition joins the
 * rule group it was added to, a time mode's timing goes over the timing step's, a right type
 * becomes a custom right's field schema, a message channel a `plugin` delivery channel.
 * Pure functions, tested without a browser.
 */
import type { InputOf, OutputOf, RuleNode } from '../../../main/api/service-api.ts';
import type { FormField, FormSchema, PlanTime } from '../plans/types.ts';

export type Contribution = OutputOf<'plugins/list-contributions'>[number];
export type ContributionKind = InputOf<'plugins/list-contributions'>['kind'];
export type ResolvedTiming = OutputOf<'plugins/resolve-time-mode'>;
export type Localized = Contribution['name'];
export type UiLocale = 'en' | 'zh-CN';
/** Parameters sent to a plugin (plain JSON). */
export type JsonParams = InputOf<'plugins/expand-condition'>['params'];

/** A plugin's text in the screen's language (the other one when a plugin left it empty). */
export function textOf(text: Localized | undefined, locale: string): string {
  if (!text) return '';
  const lang: UiLocale = locale === 'en' ? 'en' : 'zh-CN';
  return text[lang] || text[lang === 'en' ? 'zh-CN' : 'en'] || '';
}

/** One contribution among all plugins' (ids are unique only within a plugin). */
export function contributionKey(c: Pick<Contribution, 'pluginId' | 'id'>): string {
  return `${c.pluginId}/${c.id}`;
}

// ---- audience conditions ----------------------------------------------------------------

/**
 * A rule node with `child` added: appended to a group (and/or), or joined with `and` to a
 * condition or a negation (as the rule builder's "add condition" does).
 */
export function insertChild(node: RuleNode, child: RuleNode): RuleNode {
  if ('op' in node && node.op !== 'not') return { ...node, children: [...node.children, child] };
  return { op: 'and', children: [node, child] };
}

// ---- time modes -------------------------------------------------------------------------

/**
 * The timing step's time after a time mode resolved: its execution replaces the step's; the
 * effective dates and the operation period it names (a value, or null to clear) replace
 * those, and what it leaves out stays as it was. The store's zone stays.
 */
export function applyTiming(time: PlanTime, timing: ResolvedTiming): PlanTime {
  const next: PlanTime = { ...time, effective: { ...time.effective }, execution: JSON.parse(JSON.stringify(timing.execution)) as PlanTime['execution'] };
  const effective = (timing.effective ?? {}) as Record<string, unknown>;
  for (const which of ['start', 'end'] as const) {
    if (!(which in effective)) continue;
    const value = effective[which];
    if (typeof value === 'string' && value) next.effective[which] = value;
    else delete next.effective[which];
  }
  if ('period' in timing) {
    if (typeof timing.period === 'string' && timing.period) next.period = timing.period;
    else delete next.period;
  }
  return next;
}

// ---- right types ------------------------------------------------------------------------

/** What a custom right's `schema` field takes (see main/core/rights/custom-schema.ts). */
export interface CustomRightSchema {
  type: 'object';
  title?: string;
  description?: string;
  properties: Record<string, FormField>;
  required?: string[];
}

/** Starting values of a form: the defaults, and for required fields without one an empty value of their type. */
export function formDefaults(schema: FormSchema): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const required = schema.required ?? [];
  for (const [name, field] of Object.entries(schema.properties)) {
    if (field.default !== undefined) out[name] = field.default;
    else if (!required.includes(name)) continue;
    else if (field.enum && field.enum.length > 0) out[name] = field.enum[0] as string | number;
    else if (field.type === 'boolean') out[name] = false;
    else if (field.type === 'number' || field.type === 'integer') out[name] = field.minimum ?? 0;
    else out[name] = '';
  }
  return out;
}

/**
 * A custom right of a plugin's right type: its name, and the params of a `custom` right whose
 * field schema is the type's paramsSchema, titled with the type's name (so the catalog can say
 * which type it is), its values starting at the defaults.
 */
export function customRightOf(type: Pick<Contribution, 'name' | 'description' | 'paramsSchema'>, locale: string): { name: string; description: string; params: { schema: CustomRightSchema; values: Record<string, string | number | boolean>; redeemable: boolean; validity: null } } {
  const name = textOf(type.name, locale).slice(0, 100);
  const description = textOf(type.description, locale);
  const form = JSON.parse(JSON.stringify(type.paramsSchema ?? { type: 'object', properties: {} })) as FormSchema;
  const schema: CustomRightSchema = { type: 'object', title: name, properties: form.properties };
  const about = form.description ?? description;
  if (about) schema.description = about.slice(0, 500);
  if (form.required && form.required.length > 0) schema.required = form.required;
  return { name, description, params: { schema, values: formDefaults(form), redeemable: true, validity: null } };
}

/** The right type a custom right was made from: the one whose name (either language) titles its schema. */
export function rightTypeOf(types: readonly Contribution[], params: unknown): Contribution | undefined {
  const title = (params as { schema?: { title?: unknown } } | null)?.schema?.title;
  if (typeof title !== 'string' || !title) return undefined;
  return types.find((c) => c.name.en === title || c.name['zh-CN'] === title);
}

// ---- message channels -------------------------------------------------------------------

/** Settings the service shows as '••••' (their names say they are secrets: API keys, tokens, passwords). */
export const SECRET_SETTING = /secret|key|token|pass/i;
export const HIDDEN = '••••';

export function secretFields(schema: FormSchema | null | undefined): string[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([name, field]) => field.type === 'string' && SECRET_SETTING.test(name))
    .map(([name]) => name);
}

export interface PluginChannelDraft {
  id: string;
  pluginId: string;
  provider: string;
  settings: Record<string, unknown>;
}

/**
 * What `engine/save-channel` takes for a plugin channel. Settings are the form's values (a
 * secret left as '••••' keeps the stored one), numbers and booleans as they are, no empty ones.
 */
export function pluginChannelInput(draft: PluginChannelDraft): { kind: 'plugin'; id: string; pluginId: string; provider: string; settings: Record<string, unknown> } {
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(draft.settings)) if (v !== undefined && v !== null && v !== '') settings[k] = v;
  return { kind: 'plugin', id: draft.id.trim(), pluginId: draft.pluginId, provider: draft.provider, settings };
}

/** A configured plugin channel's settings as a form starts from them: what is saved, over the form's defaults. */
export function channelSettingsForm(schema: FormSchema | null | undefined, saved: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = schema ? formDefaults(schema) : {};
  if (typeof saved === 'object' && saved !== null) for (const [k, v] of Object.entries(saved)) out[k] = v;
  return out;
}
