import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { RIGHT_KINDS } from '../../core/rights/right-kind.ts';
import type { RightVersion } from '../../core/rights/right.ts';
import { epochMs, int, jsonObject, key, oneOf, text } from './schema-fields.ts';

/**
 * Every version of every right (权益) in the catalog, as `core/rights` defines it: editing a
 * right adds a version, and grants point at the version they got. The primary key
 * `versionId` is `versionId(id, version)`, set by `toRightDoc`.
 */
export type RightDoc = RightVersion & { versionId: string };

/** The primary key of one version of a right or package: `<id>@<version>`. */
export function versionId(id: string, version: number): string {
  return `${id}@${version}`;
}

export function toRightDoc(right: RightVersion): RightDoc {
  return { ...right, versionId: versionId(right.id, right.version) };
}

export function fromRightDoc(doc: RightDoc): RightVersion {
  const { versionId: _key, ...right } = doc;
  return right as RightVersion;
}

export const customerCapProperty = {
  type: ['object', 'null'],
  properties: { limit: int(1, 1000), per: oneOf(['ever', 'plan', 'day', 'week', 'month']) },
  required: ['limit', 'per'],
  additionalProperties: false,
} as const;

export const rightSchema: RxJsonSchema<RightDoc> = {
  title: 'rights',
  description: 'Versions of the rights in the catalog',
  version: 0,
  primaryKey: 'versionId',
  type: 'object',
  properties: {
    versionId: key(80),
    id: key(64),
    version: int(1, 1_000_000),
    kind: oneOf(RIGHT_KINDS),
    // Kind-specific parameters, validated by `core/rights` (`parseRightSpec`).
    params: jsonObject,
    name: text(100),
    description: text(1000),
    cap: customerCapProperty,
    archived: { type: 'boolean' },
    savedAt: epochMs,
    savedBy: text(100),
  },
  required: ['versionId', 'id', 'version', 'kind', 'params', 'name', 'description', 'cap', 'archived', 'savedAt', 'savedBy'],
  // A right's versions (the newest is the current one); the catalog by kind.
  indexes: [['id', 'version'], ['kind', 'savedAt']],
  additionalProperties: false,
};

export const rightMigrations: MigrationStrategies = {};
