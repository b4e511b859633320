import { randomUUID } from 'node:crypto';
import type { RxDatabase } from 'rxdb';

/** The local document (not replicated) that holds this installation's id and sync store. */
const DEVICE_DOC = 'audit-device';

/** Who writes this installation's audit entries: its device id and, once sync is set up, its store. */
export interface AuditOrigin {
  device: string;
  /** The store this installation syncs as ('' = HQ); absent while sync was never set up. */
  storeId?: string;
}

const origins = new WeakMap<RxDatabase, Promise<AuditOrigin>>();

/**
 * The stable id of this installation, made once and kept in its database (so it stays with
 * the data dir, and a backup restored in place keeps it). Audit entries name it as `device`.
 */
export async function auditDeviceId(db: RxDatabase): Promise<string> {
  return (await auditOrigin(db)).device;
}

/** This installation's device id and sync store, as new audit entries carry them. */
export function auditOrigin(db: RxDatabase): Promise<AuditOrigin> {
  let origin = origins.get(db);
  if (!origin) {
    origin = readOrCreate(db);
    origins.set(db, origin);
    origin.catch(() => origins.delete(db));
  }
  return origin;
}

/**
 * Records the store this installation syncs as (the sync setup calls it), so the audit
 * entries written from now on say which store they come from; HQ searches the chain's log by it.
 */
export async function setAuditStore(db: RxDatabase, storeId: string): Promise<void> {
  const current = await auditOrigin(db);
  if (current.storeId === storeId) return;
  const next: AuditOrigin = { device: current.device, storeId };
  await db.upsertLocal(DEVICE_DOC, { id: next.device, storeId });
  origins.set(db, Promise.resolve(next));
}

async function readOrCreate(db: RxDatabase): Promise<AuditOrigin> {
  const existing = await db.getLocal<{ id: string; storeId?: string }>(DEVICE_DOC);
  if (existing) {
    const data = existing.toJSON().data as { id: string; storeId?: string };
    return data.storeId === undefined ? { device: data.id } : { device: data.id, storeId: data.storeId };
  }
  const id = `D-${randomUUID()}`;
  await db.insertLocal(DEVICE_DOC, { id });
  return { device: id };
}
