// The audit log schema as version 0 wrote it (kept to test the migration to version 1).
import type { RxJsonSchema } from 'rxdb';
import { ACTOR_TYPES, type Actor } from '../../../core/rights/operation-record.ts';
import { epochMs, jsonObject, key, oneOf, text } from '../schema-fields.ts';

/** One write through the service API: who called which method on what, and how it ended. */
export interface AuditLogDocV0 {
  id: string;
  at: number;
  actor: Actor;
  /** The service API method, `area/verb-noun`. */
  method: string;
  /** The collection and id it changed ('' when not one document). */
  targetCollection: string;
  targetId: string;
  outcome: 'ok' | 'error';
  /** The CampaignError code when it failed, else ''. */
  errorCode: string;
  /** A short human-readable line, e.g. the plan's name. */
  summary: string;
  /** Method-specific details (plain JSON, no secrets). */
  details?: Record<string, unknown>;
}

export const auditLogSchemaV0: RxJsonSchema<AuditLogDocV0> = {
  title: 'audit log',
  description: 'Writes through the service API',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    at: epochMs,
    actor: {
      type: 'object',
      properties: { type: oneOf(ACTOR_TYPES), id: key(100) },
      required: ['type', 'id'],
      additionalProperties: false,
    },
    method: key(100),
    targetCollection: text(64),
    targetId: key(),
    outcome: oneOf(['ok', 'error']),
    errorCode: text(64),
    summary: text(500),
    details: jsonObject,
  },
  required: ['id', 'at', 'actor', 'method', 'targetCollection', 'targetId', 'outcome', 'errorCode', 'summary'],
  // The log by time; by method; what one person did; the history of one document.
  indexes: ['at', ['method', 'at'], ['actor.id', 'at'], ['targetId', 'at']],
  additionalProperties: false,
};
