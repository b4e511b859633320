import { z } from 'zod';
import type { Json, Localized, PlanTemplate, PlanTiming, RuleNode } from '../../plugins/sdk/campaign-desk-plugin.ts';
import type { Clock } from '../core/clock.ts';
import { validateRule } from '../core/audience/validate.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { validatePlanInput, type Plan } from '../core/plans/plan.ts';
import type { Run } from '../core/plans/run.ts';
import { formatInstant } from '../core/time/instant.ts';
import { validatePlanTime } from '../core/time/plan-time.ts';
import type { PlanTimeSpec } from '../core/time/types.ts';
import type { CustomerDoc } from '../db/schemas/customers.ts';
import type { CustomerVerdict, EligibilityHook } from '../engine/executor/chunk-processor.ts';
import type { ContributionDescriptor } from './host/protocol.ts';
import type { PluginManager } from './plugin-manager.ts';
import { customerView, planViewOfPlan, planViewOfRun, runView } from './plugin-views.ts';

/** A marketing type as the plan editor's type picker shows it. */
export interface MarketingTypeInfo {
  pluginId: string;
  id: string;
  name: Localized;
  description: Localized | null;
  icon: string;
  configSchema: ContributionDescriptor['configSchema'] | null;
  hooks: string[];
}

/** Eligibility hooks get a whole chunk of customers: this many plain calls' time per chunk. */
const ELIGIBILITY_CALLS = 3;

const localized = z.object({ en: z.string().max(2000), 'zh-CN': z.string().max(2000) }).strict();
const templateShape = z
  .object({
    name: localized,
    description: localized.optional(),
    audience: z.object({ name: localized, rule: z.unknown() }).strict(),
    timing: z.object({ effective: z.object({ start: z.string().nullable().optional(), end: z.string().nullable().optional() }), period: z.string().nullable().optional(), execution: z.unknown() }).strict(),
    actions: z.array(z.unknown()).max(10),
    limits: z.record(z.string(), z.unknown()).optional(),
    misfire: z.enum(['fire-once', 'skip']).optional(),
  })
  .strict();

function badResult(id: string, call: string, reason: string): CampaignError {
  return new CampaignError('PL_BAD_RESULT', { id, call, reason });
}

/**
 * The app's side of marketing types: lists them, asks for plan templates and descriptions,
 * and turns their hooks into the executor's eligibility hook. Everything a plugin returns
 * is checked here before the app uses it.
 */
export class MarketingTypes {
  constructor(
    private readonly plugins: PluginManager,
    private readonly clock: Clock,
    private readonly zone: string,
    /** A plain call's time limit (the plugin workers' `callTimeoutMs`). */
    private readonly callTimeoutMs = 5_000,
  ) {}

  async list(): Promise<MarketingTypeInfo[]> {
    const found = await this.plugins.contributions('marketingType');
    return found.map((c) => ({ pluginId: c.pluginId, id: c.id, name: c.name, description: c.description ?? null, icon: c.icon ?? 'Promotion', configSchema: c.configSchema ?? null, hooks: c.hooks }));
  }

  /**
   * The type's starting plan for a config. It is checked as the plan editor would save it
   * (audience rule, time, actions and templates), so a broken plugin is caught here.
   */
  async template(pluginId: string, typeId: string, config: Record<string, Json>): Promise<PlanTemplate> {
    const now = formatInstant(this.clock.now(), this.zone);
    const value = await this.plugins.call(pluginId, 'marketingType', typeId, 'template', [config, { now, timeZone: this.zone }]);
    const shape = templateShape.safeParse(value);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      throw badResult(pluginId, `${typeId}.template`, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const template = value as unknown as PlanTemplate;
    const call = `${typeId}.template`;
    try {
      validateRule(template.audience.rule);
      validatePlanTime({ timeZone: this.zone, ...template.timing } as PlanTimeSpec);
      // A template may leave the actions to the user; the ones it gives must be valid.
      if (template.actions.length > 0) {
        validatePlanInput({
          name: template.name.en || typeId,
          audienceId: 'template-check',
          marketingType: typeId,
          pluginId,
          time: { timeZone: this.zone, ...template.timing },
          actions: template.actions,
          limits: template.limits ?? {},
          ...(template.misfire ? { misfire: template.misfire } : {}),
          config,
        });
      }
    } catch (error) {
      throw badResult(pluginId, call, error instanceof Error ? error.message : String(error));
    }
    return template;
  }

  /** One line about a plan from its type's `describe` hook, or null when it has none. */
  async describe(plan: Plan, locale: 'en' | 'zh-CN'): Promise<string | null> {
    const type = await this.plugins.descriptor(plan.pluginId, 'marketingType', plan.marketingType);
    if (!type.hooks.includes('describe')) return null;
    const text = await this.plugins.call(plan.pluginId, 'marketingType', plan.marketingType, 'describe', [planViewOfPlan(plan) as unknown as Json, locale]);
    if (typeof text !== 'string') throw badResult(plan.pluginId, `${plan.marketingType}.describe`, 'expected a string');
    return text.slice(0, 500);
  }

  /** Expands a plugin's audience condition into the rule language (checked). */
  async expandCondition(pluginId: string, id: string, params: Record<string, Json>): Promise<RuleNode> {
    const node = await this.plugins.call(pluginId, 'audienceCondition', id, 'expand', [params]);
    try {
      validateRule({ version: 1, root: node });
    } catch (error) {
      throw badResult(pluginId, `${id}.expand`, error instanceof Error ? error.message : String(error));
    }
    return node as unknown as RuleNode;
  }

  /** Resolves a plugin's time mode into plan timing. */
  async resolveTimeMode(pluginId: string, id: string, params: Record<string, Json>): Promise<PlanTiming> {
    const timing = await this.plugins.call(pluginId, 'timeMode', id, 'resolve', [params]);
    const parsed = templateShape.shape.timing.safeParse(timing);
    if (!parsed.success) throw badResult(pluginId, `${id}.resolve`, parsed.error.issues[0]?.message ?? 'invalid');
    return timing as unknown as PlanTiming;
  }

  /**
   * The executor's hook: asks the plan's marketing type about a chunk's customers (eligibility,
   * then per-customer execution times). A plugin that is not running throws PL_UNAVAILABLE,
   * which pauses the run.
   */
  readonly eligibility: EligibilityHook = async (run: Run, customers: readonly CustomerDoc[]) => {
    const verdicts = new Map<string, CustomerVerdict>();
    if (customers.length === 0) return verdicts;
    const { pluginId, marketingType } = run.plan;
    const type = await this.plugins.descriptor(pluginId, 'marketingType', marketingType);
    const views = customers.map(customerView);
    const plan = planViewOfRun(run) as unknown as Json;
    const runJson = runView(run) as unknown as Json;
    if (type.hooks.includes('eligibility')) {
      const result = await this.plugins.call(pluginId, 'marketingType', marketingType, 'eligibility', [views as unknown as Json, plan, runJson], { timeoutMs: this.callTimeoutMs * ELIGIBILITY_CALLS });
      if (!Array.isArray(result) || result.length !== views.length || !result.every((r) => r === null || typeof r === 'string')) {
        throw badResult(pluginId, `${marketingType}.eligibility`, `expected ${views.length} entries of a reason or null`);
      }
      result.forEach((r, i) => verdicts.set(views[i]!.id, r === null || r === '' ? null : (r as string)));
    }
    if (type.hooks.includes('executionTime')) {
      const open = views.filter((v) => verdicts.get(v.id) == null);
      const times = await Promise.all(open.map((v) => this.plugins.call(pluginId, 'marketingType', marketingType, 'executionTime', [v as unknown as Json, plan, runJson])));
      times.forEach((t, i) => {
        const id = open[i]!.id;
        if (t === null) return;
        const at = typeof t === 'string' ? Date.parse(t) : NaN;
        if (Number.isNaN(at)) throw badResult(pluginId, `${marketingType}.executionTime`, `expected an ISO 8601 time or null for ${id}`);
        verdicts.set(id, { waitUntil: at });
      });
    }
    return verdicts;
  };
}
