import { randomUUID } from 'node:crypto';
import type { RxDatabase } from 'rxdb';

/** The local document (not replicated) that holds this installation's id. */
const DEVICE_DOC = 'audit-device';

const devices = new WeakMap<RxDatabase, Promise<string>>();

/**
 * The stable id of this installation, made once and kept in its database (so it stays with
 * the data dir, and a backup restored in place keeps it). Audit entries name it as `device`.
 */
export function auditDeviceId(db: RxDatabase): Promise<string> {
  let id = devices.get(db);
  if (!id) {
    id = readOrCreate(db);
    devices.set(db, id);
    id.catch(() => devices.delete(db));
  }
  return id;
}

async function readOrCreate(db: RxDatabase): Promise<string> {
  const existing = await db.getLocal<{ id: string }>(DEVICE_DOC);
  if (existing) return (existing.toJSON().data as { id: string }).id;
  const id = `D-${randomUUID()}`;
  await db.insertLocal(DEVICE_DOC, { id });
  return id;
}
