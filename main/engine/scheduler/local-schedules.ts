import type { RxDatabase } from 'rxdb';

/**
 * This store's own schedule of an HQ plan: the fire times it keeps for itself (see
 * `whoRunsPlan`). `basis` is what it was computed from (HQ's version, activation and status,
 * and this store's overrides): when any of it changes the schedule is computed again.
 */
export interface LocalSchedule {
  planId: string;
  basis: string;
  nextFireAt: number;
  lastFiredAt: number;
}

const PREFIX = 'plan-schedule:';

/**
 * Local schedules, kept as the database's local documents: they stay on this installation and
 * never replicate (each store has its own), and they survive restarts with the data.
 */
export class LocalSchedules {
  constructor(private readonly db: RxDatabase) {}

  async get(planId: string): Promise<LocalSchedule | null> {
    const doc = await this.db.getLocal<LocalSchedule>(PREFIX + planId);
    return doc ? (doc.toJSON().data as LocalSchedule) : null;
  }

  async set(schedule: LocalSchedule): Promise<void> {
    await this.db.upsertLocal<LocalSchedule>(PREFIX + schedule.planId, schedule);
  }
}
