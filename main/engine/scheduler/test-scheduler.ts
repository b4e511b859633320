import { ManualClock } from '../../core/clock.ts';
import type { PlanInput } from '../../core/plans/plan.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import { openDatabase, type AppDatabase } from '../../db/open-database.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { RunStore } from '../executor/run-store.ts';
import { PlanStore } from '../plans/plan-store.ts';
import { Scheduler } from './scheduler.ts';

export const staff: Actor = { type: 'user', id: 'test' };

/** A plan input with one grant action; override what the test is about. */
export function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    name: 'Test plan',
    audienceId: 'aud-1',
    time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
    actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }],
    ...overrides,
  };
}

/** Plans, runs and a scheduler on a real database file in a temp dir, with a manual clock. */
export async function openSchedulerTest(start: number) {
  const temp = makeTempDir('campaign-desk-scheduler-');
  const clock = new ManualClock(start);
  const database: AppDatabase = await openDatabase({ dataDir: temp.path });
  let n = 0;
  const plans = new PlanStore(database.collections.plans, clock, () => `plan-${++n}`);
  const runs = new RunStore(database.collections, clock);
  const scheduler = new Scheduler({ plans: database.collections.plans, auditLog: database.collections.auditLog, runs, clock });
  return {
    clock,
    database,
    plans,
    runs,
    scheduler,
    async close() {
      scheduler.stop();
      await database.close();
      temp.remove();
    },
  };
}
