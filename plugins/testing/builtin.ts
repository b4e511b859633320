/**
 * Tests only: the built-in marketing types activated in-process, and the app's own checks and
 * models applied to what they return (tests may use main/; plugin sources may not).
 */
import path from 'node:path';
import type { AudienceRule as RuleInApp } from '../../main/core/audience/rule.ts';
import { validateRule } from '../../main/core/audience/validate.ts';
import { customerSchema, type Customer, type CustomerEvent, type CustomerInput } from '../../main/core/customers/customer.ts';
import { validatePlanInput, type ValidPlanInput } from '../../main/core/plans/plan.ts';
import type { PlanTimeSpec } from '../../main/core/time/types.ts';
import type {
  CancellationToken,
  CustomerView,
  Json,
  MarketingType,
  PlanTemplate,
  PlanView,
  PluginDefinition,
  RunView,
  TemplateContext,
} from '../sdk/campaign-desk-plugin.ts';
import { activateInProcess, readManifest, throughJson, type ActivatedPlugin } from './activate-in-process.ts';
import { toCustomerDoc } from '../../main/db/schemas/customers.ts';
import { customerView as hostCustomerView } from '../../main/plugins/plugin-views.ts';

export const BUILTIN_TYPES = ['birthday', 'festival', 'member-day', 'precise-audience', 'interest-audience', 'interactive-fans'] as const;
export type BuiltinType = (typeof BUILTIN_TYPES)[number];

export const PLUGINS_DIR = path.resolve(import.meta.dirname, '..');

export async function activateBuiltin(name: BuiltinType): Promise<{ plugin: ActivatedPlugin; type: MarketingType }> {
  const dir = path.join(PLUGINS_DIR, name);
  const module = (await import(path.join(dir, 'src', 'index.ts'))) as { default: PluginDefinition };
  const plugin = await activateInProcess(module.default, readManifest(dir));
  return { plugin, type: plugin.marketingType(name) };
}

/** The template as the app receives it (through JSON), with the type's config form defaults. */
export function templateOf(type: MarketingType, config: Record<string, Json>, context: TemplateContext): PlanTemplate {
  const template = type.template(config, context);
  const received = throughJson(template);
  // Anything that does not survive JSON (undefined members, functions, dates, NaN) is a bug.
  if (!sameShape(received, template)) throw new Error('the template does not survive JSON');
  return received;
}

function sameShape(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameShape(v, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}

/** The plan time spec the app would store for a template in a zone. */
export function timeSpecOf(template: PlanTemplate, timeZone: string): PlanTimeSpec {
  return { timeZone, ...template.timing } as PlanTimeSpec;
}

/**
 * The app's own validation of a template: the plan input the editor would save, through
 * validatePlanInput (time, actions, templates, limits), and the audience rule through
 * validateRule. Returns both, parsed.
 */
export function validateTemplate(template: PlanTemplate, timeZone: string, marketingType: string): { plan: ValidPlanInput; rule: RuleInApp } {
  // The app keeps plan and audience names to 100 characters, descriptions to 1000.
  for (const [what, text, max] of [
    ['name', template.name, 100],
    ['audience.name', template.audience.name, 100],
    ['description', template.description ?? { en: '', 'zh-CN': '' }, 1000],
  ] as const) {
    for (const locale of ['en', 'zh-CN'] as const) {
      if (text[locale].trim() === '' && what !== 'description') throw new Error(`${what}.${locale} is empty`);
      if (text[locale].length > max) throw new Error(`${what}.${locale} is longer than ${max}: ${text[locale]}`);
    }
  }
  const plan = validatePlanInput({
    name: template.name['zh-CN'],
    description: template.description?.['zh-CN'] ?? '',
    marketingType,
    pluginId: `campaign-desk.${marketingType}`,
    audienceId: 'a1',
    time: timeSpecOf(template, timeZone),
    actions: template.actions,
    ...(template.limits ? { limits: template.limits } : {}),
    ...(template.misfire ? { misfire: template.misfire } : {}),
  });
  return { plan, rule: validateRule(template.audience.rule) };
}

/** A plan as hooks see it, made from a template. */
export function planViewOf(template: PlanTemplate, marketingType: string, config: Record<string, Json>, timeZone = 'Asia/Shanghai'): PlanView {
  return { id: 'p1', name: template.name.en, storeId: 's1', marketingType, timeZone, timing: template.timing, actions: template.actions, config };
}

export const RUN: RunView = { id: 'r1', planId: 'p1', occurrence: '2027-01-01T02:00:00.000Z' };

export const NO_CANCEL: CancellationToken = {
  isCancellationRequested: false,
  onCancellationRequested: () => ({ dispose: () => undefined }),
};

/** A customer in the app's model (defaults filled by its schema). */
export function customer(input: Partial<CustomerInput> & { externalId: string }): Customer {
  return customerSchema.parse({ storeId: 's1', registeredAt: '2024-01-01T00:00:00Z', ...input });
}

/** The customer as plugin hooks see it (the host's own view: no contact data). */
export function customerView(c: Customer): CustomerView {
  return hostCustomerView(toCustomerDoc(c));
}

let eventSeq = 0;
export function event(customerId: string, type: CustomerEvent['type'], at: string, extra: Partial<CustomerEvent> = {}): CustomerEvent {
  return { eventId: `e${++eventSeq}`, customerId, storeId: 's1', type, at, ...extra };
}
