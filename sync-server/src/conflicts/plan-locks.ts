/**
 * The one place that says which fields of an HQ plan a store may change: its local overrides.
 * Every other field (name, audience, actions, schedule, status, `storeId`, `_deleted`, the
 * version counters...) is locked by HQ: a store's edit of it is dropped, and HQ's edit of it
 * wins over anything a store did.
 *
 * Paths are into the plan document (`core/plans/plan.ts`): `limits.quietHours` (no messages in
 * that window), `limits.maxRate` (items per second of its runs) and `time.timeZone` (the store's
 * zone for its schedule).
 */
export const PLAN_STORE_OVERRIDES: readonly (readonly string[])[] = [
  ['limits', 'quietHours'],
  ['limits', 'maxRate'],
  ['time', 'timeZone'],
];

/** Whether a store may change the plan field at `path` (the path is an override or inside one). */
export function isStoreOverride(path: readonly string[]): boolean {
  return PLAN_STORE_OVERRIDES.some((override) => override.length <= path.length && override.every((part, i) => path[i] === part));
}
