// The audit log schema as version 1 wrote it (kept to test the migration to version 2).
import type { RxJsonSchema } from 'rxdb';
import { ACTOR_TYPES, type Actor } from '../../../core/rights/operation-record.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from '../schema-fields.ts';

/** One changed field of an edit: its dotted path and the values before and after (absent = none). */
interface AuditChangeV1 {
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * One entry of the append-only, hash-chained audit log: who did what to which document, from
 * which device, how it ended and what changed. Invariants: entries are only ever inserted, by
 * `AuditLog` (main/engine/audit), never updated or deleted; `seq` runs 1, 2, 3… in this data
 * dir; `prevHash` is the `hash` of entry `seq - 1` ('' for seq 1); `hash` is `entryHash(entry)`.
 */
export interface AuditLogDocV1 {
  id: string;
  /** Position in the chain, from 1. */
  seq: number;
  at: number;
  /** The installation that wrote it (`auditDeviceId`). */
  device: string;
  actor: Actor;
  /** The service API method, `area/verb-noun` (or `scheduler/fire` and the like). */
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
  /** For edits: the fields that changed (small values only, secrets hidden). */
  changes?: AuditChangeV1[];
  prevHash: string;
  /** SHA-256 hex of the entry's canonical JSON (see `audit-chain.ts`). */
  hash: string;
}

/** The largest number of changed fields one entry keeps. */
const MAX_AUDIT_CHANGES = 50;

export const auditLogSchemaV1: RxJsonSchema<AuditLogDocV1> = {
  title: 'audit log',
  description: 'Append-only, hash-chained log of changes',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(),
    seq: int(1, 1_000_000_000_000),
    at: epochMs,
    device: key(64),
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
    changes: {
      type: 'array',
      maxItems: MAX_AUDIT_CHANGES,
      items: { type: 'object', properties: { path: text(200) }, required: ['path'] },
    },
    prevHash: text(64),
    hash: text(64),
  },
  required: ['id', 'seq', 'at', 'device', 'actor', 'method', 'targetCollection', 'targetId', 'outcome', 'errorCode', 'summary', 'prevHash', 'hash'],
  // The chain; the log by time; by method; what one person did; the history of one document.
  indexes: ['seq', 'at', ['method', 'at'], ['actor.id', 'at'], ['targetId', 'at']],
  additionalProperties: false,
};
