import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { PackageVersion } from '../../core/rights/rights-package.ts';
import { customerCapProperty } from './rights.ts';
import { epochMs, int, key, text } from './schema-fields.ts';

/**
 * Every version of every rights package (权益组合), as `core/rights` defines it. The primary
 * key `versionId` is `<id>@<version>`, filled in by RxDB.
 */
export type RightsPackageDoc = PackageVersion & { versionId: string };

export const rightsPackageSchema: RxJsonSchema<RightsPackageDoc> = {
  title: 'rights packages',
  description: 'Versions of the rights packages',
  version: 0,
  primaryKey: { key: 'versionId', fields: ['id', 'version'], separator: '@' },
  type: 'object',
  properties: {
    versionId: key(80),
    id: { ...key(64), final: true },
    version: { ...int(1, 1_000_000), final: true },
    name: text(100),
    description: text(1000),
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { rightId: key(64), rightVersion: int(1, 1_000_000), quantity: int(1, 100) },
        required: ['rightId', 'rightVersion', 'quantity'],
        additionalProperties: false,
      },
    },
    cap: customerCapProperty,
    archived: { type: 'boolean' },
    savedAt: epochMs,
    savedBy: text(100),
  },
  required: ['versionId', 'id', 'version', 'name', 'description', 'items', 'cap', 'archived', 'savedAt', 'savedBy'],
  // A package's versions; the newest first in lists.
  indexes: [['id', 'version'], 'savedAt'],
  additionalProperties: false,
};

export const rightsPackageMigrations: MigrationStrategies = {};
