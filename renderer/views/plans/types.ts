/**
 * The shapes the Plans screen and the plan editor work with, taken from the service API's
 * own types (the renderer imports main only for types, through main/api).
 */
import type { OutputOf } from '../../../main/api/service-api.ts';

export type PlanDetailData = OutputOf<'plans/get-plan'>;
export type Plan = PlanDetailData['plan'];
export type PlanRun = PlanDetailData['runs'][number];
export type PlanStatus = Plan['status'];
export type PlanTime = Plan['time'];
export type ExecutionTime = PlanTime['execution'];
export type PlanAction = Plan['actions'][number];
export type GrantAction = Extract<PlanAction, { type: 'grant' }>;
export type MessageAction = Extract<PlanAction, { type: 'message' }>;
export type PlanLimits = Plan['limits'];
export type MisfirePolicy = Plan['misfire'];
export type CustomerChannel = MessageAction['channel'];
export type DryRun = OutputOf<'plans/dry-run'>;
export type MessagePreview = OutputOf<'plans/preview-message'>;
export type MarketingType = OutputOf<'plugins/list-marketing-types'>[number];
export type PlanTemplate = OutputOf<'plugins/plan-template'>;
export type AudienceDoc = OutputOf<'audiences/get-audience'>;
export type ChannelView = OutputOf<'engine/list-channels'>[number];
export type EngineSettings = OutputOf<'engine/get-settings'>;

/** What `plans/create-plan` and `plans/update-plan` take (validated by the service). */
export interface PlanInput {
  name: string;
  description: string;
  storeId: string;
  marketingType: string;
  pluginId: string;
  audienceId: string;
  time: PlanTime;
  misfire: MisfirePolicy;
  actions: PlanAction[];
  limits: PlanLimits;
  config: Record<string, unknown>;
  /** Share of the audience kept as a control group (0–50, one decimal). */
  holdoutPercent?: number;
  /** Chain-wide plans: the fields stores may set for themselves. */
  overridable?: Plan['overridable'];
}

export type PlanSiteView = PlanDetailData['site'];

/** A JSON-schema form of a marketing type's or a plugin's settings (a flat object). */
export type FormSchema = NonNullable<MarketingType['configSchema']>;
export type FormField = FormSchema['properties'][string];
