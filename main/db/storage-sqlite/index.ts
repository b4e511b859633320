export { getRxStorageSqlite, RxStorageSqlite, RX_STORAGE_NAME_SQLITE } from './rx-storage-sqlite.ts';
export { RxStorageInstanceSqlite } from './rx-storage-instance-sqlite.ts';
export { APPLICATION_ID, FORMAT_VERSION } from './sqlite-file.ts';
export { backupSqliteFile } from './sqlite-backup.ts';
export { toSqliteKey } from './sqlite-key.ts';
export type { SqliteStorageSettings, SqliteInstanceCreationOptions, SqliteStorageInternals } from './sqlite-types.ts';
