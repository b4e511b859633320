export { createSyncServer, type SyncServer, type SyncServerOptions } from './create-sync-server.ts';
export { APP_SYNC_SCHEMAS, type SyncSchema } from './collections.ts';
export { parseDatabaseUrl } from './db/open-database.ts';
export type { Checkpoint, PushRow, Targets } from './db/document-store.ts';
export type { CredentialInfo, IssuedCredential, StoreInfo, UserInfo } from './db/identity-store.ts';
export { HQ_ROLES, type HqRole, type Principal } from './auth/principal.ts';
export type { ErrorBody } from './errors.ts';
