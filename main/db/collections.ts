import { defineCollection, type CollectionsOf } from './collection-definition.ts';
import { stockMigrations, stockSchema } from './schemas/allotments.ts';
import { audienceMigrations, audienceSchema } from './schemas/audiences.ts';
import { auditLogMigrations, auditLogSchema } from './schemas/audit-log.ts';
import { customerEventSchema } from './schemas/customer-events.ts';
import { customerSchema } from './schemas/customers.ts';
import { grantMigrations, grantSchema } from './schemas/grants.ts';
import { messageMigrations, messageSchema } from './schemas/messages.ts';
import { operationRecordMigrations, operationRecordSchema } from './schemas/operation-records.ts';
import { planRunMigrations, planRunSchema } from './schemas/plan-runs.ts';
import { planMigrations, planSchema } from './schemas/plans.ts';
import { rightMigrations, rightSchema } from './schemas/rights.ts';
import { rightsPackageMigrations, rightsPackageSchema } from './schemas/rights-packages.ts';
import { taskMigrations, taskSchema } from './schemas/tasks.ts';

/**
 * Every collection of the Campaign Desk database. To change a schema: bump its `version`,
 * add the migration strategy for the new version beside it, and add a test that opens a file
 * written with the old version (see `open-database.test.ts`).
 *
 * Open-source RxDB opens at most 13 collections per process (more wait, then fail with
 * COL23), so this list stays at 13 or fewer: small whole-read data (settings, plugins) are
 * key-value stores in local documents instead (`AppDatabase.settings`, `.plugins`).
 */
export const collectionDefinitions = {
  customers: defineCollection(customerSchema, {}),
  events: defineCollection(customerEventSchema, {}),
  audiences: defineCollection(audienceSchema, audienceMigrations),
  plans: defineCollection(planSchema, planMigrations),
  planRuns: defineCollection(planRunSchema, planRunMigrations),
  tasks: defineCollection(taskSchema, taskMigrations),
  grants: defineCollection(grantSchema, grantMigrations),
  operationRecords: defineCollection(operationRecordSchema, operationRecordMigrations),
  rights: defineCollection(rightSchema, rightMigrations),
  rightsPackages: defineCollection(rightsPackageSchema, rightsPackageMigrations),
  allotments: defineCollection(stockSchema, stockMigrations),
  messages: defineCollection(messageSchema, messageMigrations),
  auditLog: defineCollection(auditLogSchema, auditLogMigrations),
};

export type AppCollections = CollectionsOf<typeof collectionDefinitions>;
export type CollectionName = keyof AppCollections;
