import { AsyncLocalStorage } from 'node:async_hooks';

/** A file that holds a group's open transaction (`SqliteFile`). */
export interface GroupedFile {
  commitGroup(): void;
}

/**
 * Writes made by one piece of work (and the async work it starts) that SQLite commits
 * together: one transaction instead of one per bulk write. A commit's fixed cost (writing the
 * transaction's pages to the WAL, which most index pages of a large table are dirtied again
 * by the next write) is then paid once per group. Measured on a 100,000-item run: the
 * executor's commits took 5.5 s of 25 s in 5 ms slices and 4.2 s of 24 s with a group per
 * chunk phase (CPU profiles; README, Engine benchmark).
 *
 * Invariants (kept by `SqliteFile`):
 * - Any read or write from outside the group commits the group's transaction first, so
 *   nothing else ever sees (or is answered with) data a crash could still undo, and no write
 *   of anyone else waits inside it.
 * - Change events of the group's writes are held until the commit, so replication never
 *   pushes what a crash would undo; a failed commit drops them with the writes.
 * - A group that has ended never opens a transaction again: async work it left behind (a
 *   timer) writes on its own, as if outside any group.
 */
export class WriteGroup {
  readonly files = new Set<GroupedFile>();
  ended = false;
  /** Why a commit of this group failed (its writes were rolled back); thrown to the group. */
  failure: unknown = undefined;
}

const current = new AsyncLocalStorage<WriteGroup>();

/** The group the running code writes in, if any (and not ended). */
export function currentWriteGroup(): WriteGroup | undefined {
  const group = current.getStore();
  return group && !group.ended ? group : undefined;
}

/** Runs `fn` outside any group: change listeners, so work they start is not the group's. */
export function outsideWriteGroup(fn: () => void): void {
  current.exit(fn);
}

/**
 * Runs `work` with its SQLite writes grouped (see `WriteGroup`), and commits them when it
 * ends, also when it fails (every write that succeeded stays, as without a group). Inside a
 * group already, `work` simply joins it.
 */
export async function runInWriteGroup<T>(work: () => Promise<T>): Promise<T> {
  if (currentWriteGroup()) return work();
  const group = new WriteGroup();
  let result: T;
  try {
    result = await current.run(group, work);
  } finally {
    group.ended = true;
    commitGroup(group, false);
  }
  if (group.failure !== undefined) throw group.failure;
  return result;
}

/**
 * Commits the current group's writes now (e.g. before a message names what they granted);
 * throws if this or an earlier commit of the group failed. Outside a group, nothing to do.
 */
export function commitWriteGroup(): void {
  const group = currentWriteGroup();
  if (group) commitGroup(group, true);
}

function commitGroup(group: WriteGroup, rethrow: boolean): void {
  for (const file of [...group.files]) file.commitGroup();
  if (rethrow && group.failure !== undefined) throw group.failure;
}
