import type { RxCollection } from 'rxdb';
import { entryHash, GENESIS_HASH } from '../../db/schemas/audit-chain.ts';
import type { AuditLogDoc } from '../../db/schemas/audit-log.ts';

/**
 * What is wrong at the first broken link of a chain:
 * - `edited`: the entry's content no longer matches its hash (changed in the database);
 * - `missing`: its seq skips one or more numbers (entries before it were deleted);
 * - `out-of-order`: its seq repeats or goes back (an entry was inserted or renumbered);
 * - `relinked`: its seq follows on but `prevHash` is not the hash of the entry before
 *   (the entry before was replaced or its hash rewritten).
 */
export type AuditProblem = 'edited' | 'missing' | 'out-of-order' | 'relinked';

export interface AuditBrokenLink {
  /** The device whose chain breaks here. */
  device: string;
  seq: number;
  id: string;
  problem: AuditProblem;
  /** The seq that should have come here. */
  expectedSeq: number;
}

/** One device's chain: the entries checked (up to the broken link, if any). */
export interface AuditChain {
  device: string;
  /** The store its last checked entry names ('' = HQ), if any. */
  storeId?: string;
  count: number;
  lastSeq: number;
  lastHash: string;
  broken?: AuditBrokenLink;
}

/**
 * The result of walking every device's chain. `count` is the entries checked in all chains;
 * `broken` is the first broken link of the first broken chain (chains in device id order).
 */
export type AuditVerification =
  | { ok: true; count: number; chains: AuditChain[] }
  | { ok: false; count: number; chains: AuditChain[]; broken: AuditBrokenLink };

const PAGE = 1000;

/** The problem of one entry after `prev`, or null when it follows on correctly. */
function check(prev: { seq: number; hash: string }, doc: AuditLogDoc): AuditProblem | null {
  if (doc.seq > prev.seq + 1) return 'missing';
  if (doc.seq <= prev.seq) return 'out-of-order';
  if (doc.prevHash !== prev.hash) return 'relinked';
  if (entryHash(doc) !== doc.hash) return 'edited';
  return null;
}

/** The devices with entries, in id order: one index seek each. */
async function devicesOf(collection: RxCollection<AuditLogDoc>): Promise<string[]> {
  const devices: string[] = [];
  for (;;) {
    const selector = devices.length === 0 ? {} : { device: { $gt: devices[devices.length - 1]! } };
    const next = await collection.findOne({ selector, sort: [{ device: 'asc' }, { seq: 'asc' }] }).exec();
    if (!next) return devices;
    devices.push(next.device);
  }
}

/** Walks one device's chain by seq from 1 and stops at its first broken link. */
async function verifyChain(collection: RxCollection<AuditLogDoc>, device: string): Promise<AuditChain> {
  let prev = { seq: 0, hash: GENESIS_HASH, id: '' };
  let count = 0;
  let storeId: string | undefined;
  const result = (broken?: AuditBrokenLink): AuditChain => ({
    device,
    ...(storeId !== undefined ? { storeId } : {}),
    count,
    lastSeq: prev.seq,
    lastHash: prev.hash,
    ...(broken ? { broken } : {}),
  });
  for (;;) {
    // `>=` with the last id skipped: an entry inserted with a repeated seq is still read.
    const page = await collection
      .find({ selector: { device, seq: { $gte: prev.seq } }, sort: [{ device: 'asc' }, { seq: 'asc' }], limit: PAGE + 1 })
      .exec();
    const docs = page.map((d) => d.toJSON() as AuditLogDoc).filter((d) => !(d.seq === prev.seq && d.id <= prev.id));
    for (const doc of docs) {
      const problem = check(prev, doc);
      if (problem) return result({ device, seq: doc.seq, id: doc.id, problem, expectedSeq: prev.seq + 1 });
      prev = { seq: doc.seq, hash: doc.hash, id: doc.id };
      if (doc.storeId !== undefined) storeId = doc.storeId;
      count++;
    }
    if (page.length <= PAGE) return result();
  }
}

/**
 * Walks each device's chain by seq from 1 and reports the first broken link. (Removing
 * entries at the end of a chain cannot be seen from the chain alone: compare `lastSeq` with a
 * copy kept elsewhere, e.g. HQ's synced copy of a store's log.)
 */
export async function verifyAuditLog(collection: RxCollection<AuditLogDoc>): Promise<AuditVerification> {
  const chains: AuditChain[] = [];
  for (const device of await devicesOf(collection)) chains.push(await verifyChain(collection, device));
  const count = chains.reduce((sum, c) => sum + c.count, 0);
  const broken = chains.find((c) => c.broken)?.broken;
  return broken ? { ok: false, count, chains, broken } : { ok: true, count, chains };
}
