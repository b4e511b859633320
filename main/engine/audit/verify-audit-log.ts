import type { RxCollection } from 'rxdb';
import { entryHash, GENESIS_HASH } from '../../db/schemas/audit-chain.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';

/**
 * What is wrong at the first broken link:
 * - `edited`: the entry's content no longer matches its hash (changed in the database);
 * - `missing`: its seq skips one or more numbers (entries before it were deleted);
 * - `out-of-order`: its seq repeats or goes back (an entry was inserted or renumbered);
 * - `relinked`: its seq follows on but `prevHash` is not the hash of the entry before
 *   (the entry before was replaced or its hash rewritten).
 */
export type AuditProblem = 'edited' | 'missing' | 'out-of-order' | 'relinked';

export interface AuditBrokenLink {
  seq: number;
  id: string;
  problem: AuditProblem;
  /** The seq that should have come here. */
  expectedSeq: number;
}

export type AuditVerification =
  | { ok: true; count: number; lastSeq: number; lastHash: string }
  /** `count`: entries checked before the broken one. */
  | { ok: false; count: number; broken: AuditBrokenLink };

const PAGE = 1000;

/** The first broken link of one entry after `prev`, or null when it follows on correctly. */
function check(prev: { seq: number; hash: string }, doc: AuditLogDoc): AuditProblem | null {
  if (doc.seq > prev.seq + 1) return 'missing';
  if (doc.seq <= prev.seq) return 'out-of-order';
  if (doc.prevHash !== prev.hash) return 'relinked';
  if (entryHash(doc) !== doc.hash) return 'edited';
  return null;
}

/**
 * Walks the audit log by seq from 1 and reports the first broken link. (Removing entries at
 * the end cannot be seen from the chain alone: compare `lastSeq` with a copy kept elsewhere.)
 */
export async function verifyAuditLog(collection: RxCollection<AuditLogDoc>): Promise<AuditVerification> {
  let prev = { seq: 0, hash: GENESIS_HASH, id: '' };
  let count = 0;
  for (;;) {
    // `>=` with the last id skipped: an entry inserted with a repeated seq is still read.
    const page = await collection.find({ selector: { seq: { $gte: prev.seq } }, sort: [{ seq: 'asc' }], limit: PAGE + 1 }).exec();
    const docs = page.map((d) => d.toJSON() as AuditLogDoc).filter((d) => !(d.seq === prev.seq && d.id <= prev.id));
    for (const doc of docs) {
      const problem = check(prev, doc);
      if (problem) return { ok: false, count, broken: { seq: doc.seq, id: doc.id, problem, expectedSeq: prev.seq + 1 } };
      prev = { seq: doc.seq, hash: doc.hash, id: doc.id };
      count++;
    }
    if (page.length <= PAGE) return { ok: true, count, lastSeq: prev.seq, lastHash: prev.hash };
  }
}
