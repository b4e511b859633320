import { replicateRxCollection } from 'rxdb/plugins/replication';
import { ManualClock } from '../core/clock.ts';
import type { PlanDoc } from '../db/schemas/plans.ts';
import { openApiTest } from '../testing/api-client.ts';
import { isWriteFromServer } from './engine.ts';

const T0 = Date.UTC(2026, 2, 10, 2, 0);
const staff = { type: 'user', id: 'tester' } as const;

describe('Engine wakes its scheduler', () => {
  it('once per local plan command and once per plan pulled by sync, not for its own schedule writes', async () => {
    const t = await openApiTest(new ManualClock(T0));
    onTestFinished(() => t.dispose());
    const { engine, database } = t.services;
    const audience = await t.client.mutate('audiences/save-audience', { name: 'All', rule: { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 0 } } });
    const wake = vi.spyOn(engine.scheduler, 'wake');
    engine.start();
    onTestFinished(() => engine.close());

    const plan = await engine.plans.create(
      { name: '会员日', audienceId: audience.id, time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, actions: [{ id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，会员日快乐' } } }] },
      staff,
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(wake).toHaveBeenCalledTimes(1);
    await engine.plans.activate(plan.id, staff);
    await new Promise((resolve) => setImmediate(resolve));
    expect(wake).toHaveBeenCalledTimes(2);
    // The scheduler's own round writes the plan (fired, next fire time): no wake for that.
    await engine.scheduler.tick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(wake).toHaveBeenCalledTimes(2);

    // A plan HQ published arrives through RxDB's replication (its real pull protocol).
    const stored = (await database.collections.plans.findOne(plan.id).exec())?.toMutableJSON() as PlanDoc;
    const pulled = { ...stored, id: 'P-from-hq', name: 'HQ 会员日', _deleted: false };
    let served = false;
    const replication = replicateRxCollection<PlanDoc, number>({
      collection: database.collections.plans,
      replicationIdentifier: 'engine-wake-test',
      live: false,
      pull: {
        handler: () => {
          const documents = served ? [] : [pulled];
          served = true;
          return Promise.resolve({ documents, checkpoint: 1 });
        },
      },
    });
    await replication.awaitInitialReplication();
    await replication.cancel();
    expect(await database.collections.plans.findOne('P-from-hq').exec()).not.toBeNull();
    expect(wake).toHaveBeenCalledTimes(3);
  });

  it('tells writes from the server by the context RxDB gives them', () => {
    expect(isWriteFromServer('replication-downstream-abc123')).toBe(true);
    expect(isWriteFromServer('rx-collection-bulk-insert')).toBe(false);
    expect(isWriteFromServer('replication-up-write-conflict')).toBe(true);
    expect(isWriteFromServer('replication-up-write-meta')).toBe(false);
  });
});
