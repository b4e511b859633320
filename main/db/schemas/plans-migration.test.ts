import { openDatabaseWith } from '../open-database.ts';
import { defineCollection } from '../collection-definition.ts';
import { tempDir } from '../storage-sqlite/sqlite-test-support.ts';
import { planSchemaV0, type PlanDocV0 } from './history/plans-v0.ts';
import { planMigrations, planSchema } from './plans.ts';
import { NEVER } from './schema-fields.ts';

const v0Plan: PlanDocV0 = {
  id: 'p1', storeId: 'S1', name: 'Weekly', description: '', marketingType: 'member-day', pluginId: 'campaign-desk.member-day',
  status: 'ended', audienceId: 'a1', effectiveFrom: 0, effectiveTo: NEVER, period: '', execution: { mode: 'periodic', expression: '0 0 9 * * 3 * 1' },
  actions: [], config: {}, zone: 'Asia/Shanghai', nextFireAt: NEVER, version: 3, source: 'local', createdAt: 1, updatedAt: 2, updatedBy: 'user:a',
};

describe('plans schema v0 → v1', () => {
  it('moves the time parts into `time` and maps the old statuses, on a real file', async () => {
    const dataDir = tempDir();
    const old = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchemaV0, {}) });
    await old.collections.plans.insert(v0Plan);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchema, planMigrations) });
    onTestFinished(() => current.close());
    const doc = (await current.collections.plans.findOne('p1').exec())?.toMutableJSON();
    expect(doc).toMatchObject({
      status: 'completed',
      version: 3,
      time: { timeZone: 'Asia/Shanghai', effective: {}, period: null, execution: { mode: 'periodic', expression: '0 0 9 * * 3 * 1' } },
      misfire: 'fire-once',
      limits: {},
      activatedAt: 0,
      lastFiredAt: 0,
    });
    expect(doc).not.toHaveProperty('zone');
  });
});
