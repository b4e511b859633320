import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { audienceSchema } from '../../main/db/schemas/audiences.ts';
import { auditLogSchema } from '../../main/db/schemas/audit-log.ts';
import { customerSchema } from '../../main/db/schemas/customers.ts';
import { grantSchema } from '../../main/db/schemas/grants.ts';
import { messageSchema } from '../../main/db/schemas/messages.ts';
import { operationRecordSchema } from '../../main/db/schemas/operation-records.ts';
import { planSchema } from '../../main/db/schemas/plans.ts';
import { rightSchema } from '../../main/db/schemas/rights.ts';
import { rightsPackageSchema } from '../../main/db/schemas/rights-packages.ts';

/** The parts of an RxDB JSON schema the server reads. */
export interface SyncSchema {
  primaryKey: string | { key: string };
  properties: object;
  required?: readonly string[];
}

/** A replicated collection as the server sees it. */
export interface SyncCollection {
  readonly name: string;
  readonly primaryPath: string;
  /**
   * The document field naming the owning store ('' = HQ), or null when documents are owned by
   * whoever pushed them first (a store's own, HQ's never published).
   */
  readonly storeField: string | null;
  /** Checks one pushed document (with `_deleted`); returns the reason it is invalid, or null. */
  validate(doc: unknown): string | null;
}

/**
 * The app's collections that replicate (DESIGN.md section 6): HQ publishes plans, audiences,
 * rights and packages; stores push grants, records, messages, customers and their audit log.
 * Run state (plan runs, tasks), customer events and allotments stay local.
 */
export const APP_SYNC_SCHEMAS: Record<string, SyncSchema> = {
  auditLog: auditLogSchema,
  customers: customerSchema,
  audiences: audienceSchema,
  plans: planSchema,
  grants: grantSchema,
  operationRecords: operationRecordSchema,
  rights: rightSchema,
  rightsPackages: rightsPackageSchema,
  messages: messageSchema,
};

/**
 * Collections whose documents belong to the credential that pushed them, whatever their
 * `storeId` says: an audit entry's `storeId` is part of its hash (set, or absent, when it was
 * written), so the server files it by who sent it and never asks the client to change it.
 */
const OWNED_BY_PUSHER = new Set(['auditLog']);

// strict: false lets RxDB's own keywords (primaryKey, indexes, final, ...) through unread.
const ajv = new Ajv({ strict: false, allErrors: false });
// ajv-formats is CommonJS: its default export arrives as the function or as { default }.
const applyFormats = ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as typeof addFormats;
applyFormats(ajv);

/** Compiles the server's view of each collection from its RxDB schema. */
export function buildCollections(schemas: Record<string, SyncSchema>): Map<string, SyncCollection> {
  const result = new Map<string, SyncCollection>();
  for (const [name, schema] of Object.entries(schemas)) {
    const primaryPath = typeof schema.primaryKey === 'string' ? schema.primaryKey : schema.primaryKey.key;
    const properties = schema.properties as Record<string, unknown>;
    // RxDB sends `_deleted` with every document and always forbids other fields.
    const validator: ValidateFunction = ajv.compile({
      type: 'object',
      properties: { ...properties, _deleted: { type: 'boolean' } },
      required: [...new Set([...(schema.required ?? []), primaryPath, '_deleted'])],
      additionalProperties: false,
    });
    result.set(name, {
      name,
      primaryPath,
      storeField: 'storeId' in properties && !OWNED_BY_PUSHER.has(name) ? 'storeId' : null,
      validate(doc) {
        if (validator(doc)) return null;
        const error = validator.errors?.[0];
        return error ? `${error.instancePath || '/'} ${error.message ?? 'is invalid'}` : 'is invalid';
      },
    });
  }
  return result;
}
