import type { MigrationStrategies, RxCollection, RxJsonSchema } from 'rxdb';

/**
 * A collection's current schema, and how documents written with its older versions become
 * current ones: `migrationStrategies[n]` turns a version n-1 document into a version n one
 * (RxDB runs them in order when the database opens). Invariant: one strategy for every
 * version from 1 to `schema.version`.
 */
export interface CollectionDefinition<DocType> {
  schema: RxJsonSchema<DocType>;
  migrationStrategies: MigrationStrategies;
}

/** Collection definitions by collection name. */
export type CollectionDefinitions = { [name: string]: CollectionDefinition<never> };

export type DocTypeOf<D> = D extends CollectionDefinition<infer T> ? T : never;

/** The RxDB collections that a set of definitions opens. */
export type CollectionsOf<D> = { [K in keyof D]: RxCollection<DocTypeOf<D[K]>> };

/** Pairs a schema with its migrations, keeping the document type for `CollectionsOf`. */
export function defineCollection<DocType>(schema: RxJsonSchema<DocType>, migrationStrategies: MigrationStrategies): CollectionDefinition<DocType> {
  return { schema, migrationStrategies };
}
