// Counting what is left to push on a real app database (SQLite file in a temp dir).
import { getChangedDocumentsSince, type RxCollection, type RxStorageDefaultCheckpoint } from 'rxdb';
import { openDatabase, type AppDatabase } from '../db/open-database.ts';
import type { PlanDoc } from '../db/schemas/plans.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { planDoc } from '../../sync-server/test/fixtures.ts';
import { changedSinceQueries, countChangedSince, statusDelayMs } from './pending-changes.ts';

const dir = makeTempDir('campaign-desk-pending-');
let database: AppDatabase;
let plans: RxCollection;

function plan(id: string): PlanDoc {
  const { _deleted: _d, ...doc } = planDoc(id, 'S01', { source: 'local' });
  return doc;
}

beforeAll(async () => {
  database = await openDatabase({ dataDir: dir.path });
  plans = database.collections.plans as unknown as RxCollection;
});

afterAll(async () => {
  await database?.close();
  dir.remove();
});

describe('countChangedSince', () => {
  it('counts the documents written after a checkpoint as the push reads them, deleted ones too, on index ranges only', async () => {
    expect(await countChangedSince(plans, undefined)).toBe(0);
    // One bulk: documents sharing a write time, told apart by id.
    await database.collections.plans.bulkInsert(['a', 'b', 'c', 'd'].map(plan));
    await database.collections.plans.insert(plan('e'));
    await (await database.collections.plans.findOne('b').exec())!.remove();
    await (await database.collections.plans.findOne('c').exec())!.incrementalPatch({ name: 'changed' });

    const all = await getChangedDocumentsSince(plans.storageInstance, 1000);
    expect(all.documents).toHaveLength(5);
    expect(await countChangedSince(plans, undefined)).toBe(5);
    for (let i = 0; i < all.documents.length; i++) {
      const doc = all.documents[i]!;
      const checkpoint: RxStorageDefaultCheckpoint = { id: doc['id'] as string, lwt: doc._meta.lwt };
      const after = await getChangedDocumentsSince(plans.storageInstance, 1000, checkpoint);
      expect(after.documents).toHaveLength(all.documents.length - i - 1);
      expect(await countChangedSince(plans, checkpoint)).toBe(after.documents.length);
    }
    // A checkpoint at a write time with a smaller id: the document of that time still counts.
    expect(await countChangedSince(plans, { id: '', lwt: all.documents[0]!._meta.lwt })).toBe(all.documents.length);
    for (const checkpoint of [undefined, { id: 'b', lwt: all.documents[0]!._meta.lwt }]) {
      for (const query of changedSinceQueries(plans, checkpoint)) {
        expect(query.queryPlan.selectorSatisfiedByIndex).toBe(true);
        expect((await plans.storageInstance.count(query)).mode).toBe('fast');
      }
    }
  });
});

describe('statusDelayMs', () => {
  it('waits 100 ms after a change, and 20 times as long as the last count when counting is slow', () => {
    expect(statusDelayMs(0)).toBe(100);
    expect(statusDelayMs(4)).toBe(100);
    // A count over a large backlog took 30 ms: the next waits 600 ms, so counting stays near 5%.
    expect(statusDelayMs(30)).toBe(600);
  });
});
