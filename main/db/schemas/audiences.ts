import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { AudienceRule } from '../../core/audience/rule.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from './schema-fields.ts';

/**
 * An audience (人群): a rule tree over customer attributes and behaviour, evaluated live at
 * execution time or frozen as a snapshot (its member ids are the `members.txt` attachment,
 * one id per line, taken at `lastSizedAt`).
 */
export interface AudienceDoc {
  id: string;
  /** '' = chain-wide (from HQ), else the store it belongs to. */
  storeId: string;
  name: string;
  description: string;
  /** Validated by `core/audience` (`audienceRuleSchema`); carries its own format version. */
  rule: AudienceRule;
  mode: 'live' | 'snapshot';
  /** Size at the last evaluation or snapshot, and when that was (0 = never). */
  lastSize: number;
  lastSizedAt: number;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export const AUDIENCE_MODES = ['live', 'snapshot'] as const;

export const audienceSchema: RxJsonSchema<AudienceDoc> = {
  title: 'audiences',
  description: 'Audiences (rule trees over customers)',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    storeId: key(),
    name: text(100),
    description: text(1000),
    rule: jsonObject,
    mode: oneOf(AUDIENCE_MODES),
    lastSize: int(0, 1_000_000_000),
    lastSizedAt: epochMs,
    archived: { type: 'boolean' },
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: ['id', 'storeId', 'name', 'description', 'rule', 'mode', 'lastSize', 'lastSizedAt', 'archived', 'createdAt', 'updatedAt'],
  // The audience list: active ones, newest first.
  indexes: [['archived', 'updatedAt']],
  additionalProperties: false,
  attachments: {},
};

/** Version n's strategy turns a version n-1 document into a version n one. */
export const audienceMigrations: MigrationStrategies = {};
