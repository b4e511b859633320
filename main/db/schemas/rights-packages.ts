import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { PackageVersion } from '../../core/rights/rights-package.ts';
import { customerCapProperty, versionId } from './rights.ts';
import { epochMs, int, key, text } from './schema-fields.ts';

/**
 * Every version of every rights package (权益组合), as `core/rights` defines it. The primary
 * key `versionId` is `versionId(id, version)`, set by `toPackageDoc`.
 */
export type PackageDoc = PackageVersion & { versionId: string };

export function toPackageDoc(pkg: PackageVersion): PackageDoc {
  return { ...pkg, versionId: versionId(pkg.id, pkg.version) };
}

export function fromPackageDoc(doc: PackageDoc): PackageVersion {
  const { versionId: _key, ...pkg } = doc;
  return pkg;
}

export const rightsPackageSchema: RxJsonSchema<PackageDoc> = {
  title: 'rights packages',
  description: 'Versions of the rights packages',
  version: 0,
  primaryKey: 'versionId',
  type: 'object',
  properties: {
    versionId: key(80),
    id: key(64),
    version: int(1, 1_000_000),
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
