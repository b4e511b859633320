import { ManualClock } from '../../core/clock.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import type { RightInput } from '../../core/rights/right.ts';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { RightsService } from './rights-service.ts';

/** 2026-03-10 10:00 in Shanghai, the zone of the test store. */
export const T0 = Date.UTC(2026, 2, 10, 2, 0, 0);
export const DAY = 86_400_000;
export const ZONE = 'Asia/Shanghai';
export const staff: Actor = { type: 'user', id: 'test' };

export const coupon: RightInput = {
  name: '满100减10',
  kind: 'coupon',
  params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } },
};
export const points: RightInput = { name: '100 积分', kind: 'points', params: { amount: 100 } };

/** A real database file in a temp dir with the rights service on it. Close it after the test. */
export async function openTestRights(options: { journal?: boolean; dir?: string } = {}) {
  const temp = options.dir ? null : makeTempDir('campaign-desk-rights-');
  const dataDir = options.dir ?? temp!.path;
  const clock = new ManualClock(T0);
  const database: AppDatabase = await openDatabase({ dataDir });
  const { service, repair } = await RightsService.open({
    collections: database.collections,
    clock,
    zone: () => ZONE,
    journalFile: options.journal ? `${dataDir}/rights-step.flag` : undefined,
  });
  return {
    dataDir,
    clock,
    database,
    rights: service,
    repair,
    async close() {
      await service.close();
      await database.close();
    },
    async dispose() {
      await service.close();
      await database.close();
      temp?.remove();
    },
  };
}
