import { openDatabase, type AppDatabase } from '../db/open-database.ts';
import { defaultDataDir } from '../app/paths.ts';

/** Opens the data dir's database for one command and closes it afterwards. */
export async function withDatabase<T>(dataDir: string | undefined, fn: (database: AppDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: defaultDataDir(dataDir) });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}
