import { randomUUID } from 'node:crypto';
import type { RxCollection } from 'rxdb';
import { auditOrigin } from '../../db/audit-device.ts';
import { entryHash, GENESIS_HASH } from '../../db/schemas/audit-chain.ts';
import { MAX_AUDIT_CHANGES, type AuditLogDoc } from '../../db/schemas/audit-log.ts';
import { SerialQueue } from '../rights/serial-queue.ts';
import { noteAuditEntry } from './audit-scope.ts';

/** What a caller says about an entry; the writer adds id, seq, device, store and the hashes. */
export type AuditEntryInput = Omit<AuditLogDoc, 'id' | 'seq' | 'device' | 'storeId' | 'prevHash' | 'hash'>;

const writers = new WeakMap<RxCollection<AuditLogDoc>, AuditLog>();

/** Plain JSON as it will be stored (undefined members dropped), so the hash matches what is read back. */
function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The only writer of this device's audit entries. Appends are serialized (a promise queue):
 * each reads this device's last entry, computes the next seq and hash and inserts, so
 * concurrent writers never fork the chain. Other devices' entries (synced in) are never
 * touched and never chained onto. Entries are never updated or deleted. There is one writer per collection
 * (`AuditLog.of`): the API, the scheduler and the plugin manager all reach the same queue
 * without passing it around.
 */
export class AuditLog {
  private readonly queue = new SerialQueue();

  private constructor(private readonly collection: RxCollection<AuditLogDoc>) {}

  /** The writer of this audit log collection. */
  static of(collection: RxCollection<AuditLogDoc>): AuditLog {
    let writer = writers.get(collection);
    if (!writer) {
      writer = new AuditLog(collection);
      writers.set(collection, writer);
    }
    return writer;
  }

  append(entry: AuditEntryInput): Promise<AuditLogDoc> {
    return this.appendAll([entry]).then((docs) => docs[0]!);
  }

  /**
   * Appends entries in order, one insert each: if one fails, the ones after it are not
   * written (and the call rejects), so the chain never has a hole.
   */
  appendAll(entries: readonly AuditEntryInput[]): Promise<AuditLogDoc[]> {
    for (const entry of entries) noteAuditEntry(entry.actor);
    const prepared = entries.map(normalize);
    return this.queue.run(async () => {
      const { device, storeId } = await auditOrigin(this.collection.database);
      const last = await this.collection.findOne({ selector: { device }, sort: [{ device: 'desc' }, { seq: 'desc' }] }).exec();
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const written: AuditLogDoc[] = [];
      for (const entry of prepared) {
        const doc: Omit<AuditLogDoc, 'hash'> = { id: `A-${randomUUID()}`, seq: seq + 1, device, ...(storeId !== undefined ? { storeId } : {}), ...entry, prevHash };
        const full: AuditLogDoc = { ...doc, hash: entryHash(doc) };
        await this.collection.insert(full);
        written.push(full);
        seq = full.seq;
        prevHash = full.hash;
      }
      return written;
    });
  }

  /** Resolves when every append asked for so far has finished. */
  drain(): Promise<void> {
    return this.queue.drain();
  }
}

function normalize(entry: AuditEntryInput): AuditEntryInput {
  const out: AuditEntryInput = {
    at: entry.at,
    actor: { type: entry.actor.type, id: entry.actor.id.slice(0, 100) },
    method: entry.method.slice(0, 100),
    targetCollection: entry.targetCollection.slice(0, 64),
    targetId: entry.targetId.slice(0, 64),
    outcome: entry.outcome,
    errorCode: entry.errorCode.slice(0, 64),
    summary: entry.summary.slice(0, 500),
  };
  if (entry.details) out.details = stored(entry.details);
  if (entry.changes && entry.changes.length > 0) out.changes = stored(entry.changes.slice(0, MAX_AUDIT_CHANGES));
  return out;
}
