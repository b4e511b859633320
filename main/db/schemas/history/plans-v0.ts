// The plans schema as version 0 wrote it (kept to test the migration to version 1).
import type { RxJsonSchema } from 'rxdb';
import { epochMs, int, jsonObject, key, oneOf, text } from '../schema-fields.ts';

const PLAN_STATUSES_V0 = ['draft', 'active', 'paused', 'ended', 'archived'] as const;
type PlanStatusV0 = (typeof PLAN_STATUSES_V0)[number];

/**
 * An operation plan (运营计划): pick an audience at the right time and run actions on it.
 * The time parts are stored as the core's JSON (period expression text, execution spec);
 * `nextFireAt` is kept up to date by the scheduler so "what is due" is one index range.
 */
export interface PlanDocV0 {
  id: string;
  /** '' = chain-wide (published by HQ), else the store that owns it. */
  storeId: string;
  name: string;
  description: string;
  /** The marketing type (a plugin contribution), e.g. 'birthday', 'member-day'. */
  marketingType: string;
  /** The plugin that contributes the marketing type. */
  pluginId: string;
  status: PlanStatusV0;
  audienceId: string;
  /** Effective time (生效时间): the plan is live from..to (epoch ms; to = NEVER if open). */
  effectiveFrom: number;
  effectiveTo: number;
  /** Operation period (运营期限) as a period expression, '' when always. */
  period: string;
  /** Execution time (执行时间) spec, validated by the engine. */
  execution: Record<string, unknown>;
  /** Actions (grant rights, send messages), validated by the engine and plugins. */
  actions: Record<string, unknown>[];
  /** The marketing type's own settings (its plugin's config form). */
  config: Record<string, unknown>;
  /** IANA time zone the plan's times are read in. */
  zone: string;
  /** Next instant the scheduler fires it (NEVER when none). */
  nextFireAt: number;
  /** Increased on every edit; runs record the version they ran. */
  version: number;
  source: 'local' | 'hq';
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

export const planSchemaV0: RxJsonSchema<PlanDocV0> = {
  title: 'plans',
  description: 'Operation plans',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    storeId: key(),
    name: text(100),
    description: text(1000),
    marketingType: key(64),
    pluginId: key(100),
    status: oneOf(PLAN_STATUSES_V0),
    audienceId: key(),
    effectiveFrom: epochMs,
    effectiveTo: epochMs,
    period: text(200),
    execution: jsonObject,
    actions: { type: 'array', items: jsonObject },
    config: jsonObject,
    zone: text(64),
    nextFireAt: epochMs,
    version: int(1, 1_000_000),
    source: oneOf(['local', 'hq']),
    createdAt: epochMs,
    updatedAt: epochMs,
    updatedBy: text(100),
  },
  required: [
    'id', 'storeId', 'name', 'description', 'marketingType', 'pluginId', 'status', 'audienceId', 'effectiveFrom',
    'effectiveTo', 'period', 'execution', 'actions', 'config', 'zone', 'nextFireAt', 'version', 'source',
    'createdAt', 'updatedAt', 'updatedBy',
  ],
  // Due plans (scheduler); plans of a marketing type (its screen); recently edited.
  indexes: [['status', 'nextFireAt'], ['marketingType', 'status'], 'updatedAt'],
  additionalProperties: false,
};

