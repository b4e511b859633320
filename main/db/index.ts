export { openDatabase, DATABASE_NAME, type AppDatabase, type AppCollections } from './open-database.ts';
export { collectionCreators, type CollectionName } from './collections.ts';
export { toCustomerDoc, fromCustomerDoc, type CustomerDoc } from './schemas/customers.ts';
export { toEventDoc, fromEventDoc, type CustomerEventDoc } from './schemas/customer-events.ts';
