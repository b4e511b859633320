import type { RxCollectionCreator } from 'rxdb';
import { customerEventSchema } from './schemas/customer-events.ts';
import { customerSchema } from './schemas/customers.ts';

/**
 * Every collection of the app's database, by name. A schema change bumps the schema's
 * version and adds a migration strategy here.
 */
export const collectionCreators = {
  customers: { schema: customerSchema },
  events: { schema: customerEventSchema },
} satisfies Record<string, RxCollectionCreator>;

export type CollectionName = keyof typeof collectionCreators;
