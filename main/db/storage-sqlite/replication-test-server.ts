// Test-only: a minimal in-memory replication master speaking RxDB's replication protocol
// (pull by checkpoint, push with conflict detection, a live stream). Not exported by index.ts.
import { Subject } from 'rxjs';
import { deepEqual, type RxCollection, type RxReplicationPullStreamItem, type RxReplicationWriteToMasterRow, type WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';

export interface ServerCheckpoint {
  id: string;
  lwt: number;
}

type Doc = WithDeleted<Record<string, unknown>>;

export class ReplicationTestServer<T extends Doc = Doc> {
  private readonly docs = new Map<string, { doc: T; lwt: number }>();
  private clock = 0;
  readonly stream$ = new Subject<RxReplicationPullStreamItem<T, ServerCheckpoint>>();
  /** Every pull's incoming checkpoint and every push's row count, for assertions. */
  readonly pulls: (ServerCheckpoint | undefined)[] = [];
  readonly pushes: number[] = [];

  constructor(private readonly primaryPath: string) {}

  allDocs(): T[] {
    return [...this.docs.values()].map((entry) => entry.doc);
  }

  clear(): void {
    this.docs.clear();
    this.pulls.length = 0;
    this.pushes.length = 0;
  }

  pull(checkpoint: ServerCheckpoint | undefined, batchSize: number): { documents: T[]; checkpoint: ServerCheckpoint | undefined } {
    this.pulls.push(checkpoint);
    const sorted = [...this.docs.entries()]
      .map(([id, entry]) => ({ id, ...entry }))
      .filter((e) => !checkpoint || e.lwt > checkpoint.lwt || (e.lwt === checkpoint.lwt && e.id > checkpoint.id))
      .sort((a, b) => a.lwt - b.lwt || (a.id < b.id ? -1 : 1))
      .slice(0, batchSize);
    const last = sorted[sorted.length - 1];
    return { documents: sorted.map((e) => e.doc), checkpoint: last ? { id: last.id, lwt: last.lwt } : checkpoint };
  }

  push(rows: RxReplicationWriteToMasterRow<T>[]): T[] {
    this.pushes.push(rows.length);
    const conflicts: T[] = [];
    const written: { id: string; lwt: number; doc: T }[] = [];
    for (const row of rows) {
      const id = row.newDocumentState[this.primaryPath] as string;
      const current = this.docs.get(id);
      if (current && (!row.assumedMasterState || !deepEqual(current.doc, row.assumedMasterState))) {
        conflicts.push(current.doc);
        continue;
      }
      const entry = { doc: row.newDocumentState, lwt: ++this.clock };
      this.docs.set(id, entry);
      written.push({ id, ...entry });
    }
    const last = written[written.length - 1];
    if (last) this.stream$.next({ documents: written.map((w) => w.doc), checkpoint: { id: last.id, lwt: last.lwt } });
    return conflicts;
  }

  replicate(collection: RxCollection, live: boolean): RxReplicationState<T, ServerCheckpoint> {
    return replicateRxCollection<T, ServerCheckpoint>({
      collection: collection as unknown as RxCollection<T>,
      replicationIdentifier: 'replication-test-server',
      live,
      pull: { handler: (checkpoint, batchSize) => Promise.resolve(this.pull(checkpoint, batchSize)), stream$: this.stream$.asObservable() },
      push: { handler: (rows) => Promise.resolve(this.push(rows)) },
    });
  }

  /** One non-live run until both sides are in sync. */
  async syncOnce(collection: RxCollection): Promise<void> {
    const state = this.replicate(collection, false);
    await state.awaitInitialReplication();
    await state.cancel();
  }
}
