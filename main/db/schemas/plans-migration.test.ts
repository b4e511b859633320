import { openDatabaseWith } from '../open-database.ts';
import { defineCollection } from '../collection-definition.ts';
import { tempDir } from '../storage-sqlite/sqlite-test-support.ts';
import { planSchemaV0, type PlanDocV0 } from './history/plans-v0.ts';
import { planSchemaV1, type PlanDocV1 } from './history/plans-v1.ts';
import { planSchemaV2, type PlanDocV2 } from './history/plans-v2.ts';
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

describe('plans schema v1 → v2', () => {
  it('adds no holdout and no approval to plans stored before them, keeps the rest, and takes the new status, on a real file', async () => {
    const dataDir = tempDir();
    const v1Plan: PlanDocV1 = {
      id: 'p2', storeId: 'S1', name: 'Spring', description: 'd', marketingType: 'precise-audience', pluginId: 'campaign-desk.precise-audience',
      status: 'active', audienceId: 'a1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * 3 * 1' } },
      misfire: 'skip', actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }], limits: { maxRate: 20 }, config: {},
      nextFireAt: 1_773_000_000_000, activatedAt: 5, lastFiredAt: 6, version: 4, source: 'hq', createdAt: 1, updatedAt: 2, updatedBy: 'user:a',
    };
    const old = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchemaV1, {}) });
    await old.collections.plans.insert(v1Plan);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchema, planMigrations) });
    onTestFinished(() => current.close());
    const doc = (await current.collections.plans.findOne('p2').exec())?.toMutableJSON();
    expect(doc).toEqual({ ...v1Plan, holdoutPercent: 0, approval: null, editedAtStore: false });
    // The new status is storable and found by the scheduler's index.
    await (await current.collections.plans.findOne('p2').exec())?.incrementalPatch({ status: 'pending-approval' });
    const pending = await current.collections.plans.find({ selector: { status: 'pending-approval' } }).exec();
    expect(pending.map((d) => d.id)).toEqual(['p2']);
  });
});

describe('plans schema v2 → v3', () => {
  it('keeps every plan as it was (no store may override anything yet), and stores overrides after, on a real file', async () => {
    const dataDir = tempDir();
    const v2Plan: PlanDocV2 = {
      id: 'p3', storeId: '', name: 'HQ member day', description: '', marketingType: 'member-day', pluginId: 'campaign-desk.member-day',
      status: 'scheduled', audienceId: 'a1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'periodic', expression: '0 0 10 * * 3 * 1' } },
      misfire: 'fire-once', actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }], limits: {}, config: {}, holdoutPercent: 5,
      approval: null, editedAtStore: false, nextFireAt: 1_773_000_000_000, activatedAt: 5, lastFiredAt: 0, version: 2, source: 'hq', createdAt: 1, updatedAt: 2, updatedBy: 'user:hq',
    };
    const old = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchemaV2, {}) });
    await old.collections.plans.insert(v2Plan);
    await old.close();

    const current = await openDatabaseWith({ dataDir }, { plans: defineCollection(planSchema, planMigrations) });
    onTestFinished(() => current.close());
    const doc = await current.collections.plans.findOne('p3').exec();
    expect(doc?.toMutableJSON()).toEqual(v2Plan);
    await doc?.incrementalPatch({ overridable: ['quietHours', 'timeZone'], storeOverrides: { S1: { quietHours: null, timeZone: 'Asia/Urumqi' } } });
    expect((await current.collections.plans.findOne('p3').exec())?.toMutableJSON()).toMatchObject({ overridable: ['quietHours', 'timeZone'], storeOverrides: { S1: { quietHours: null } } });
  });
});
