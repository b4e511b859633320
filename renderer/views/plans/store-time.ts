import { api } from '../../api/client.ts';
import type { SystemInfo } from '../../../main/api/service-api.ts';
import { DEFAULT_ZONE } from './plan-editor-state.ts';

/**
 * The store's time zone and the service's "now" (the service's clock, not this computer's):
 * a new plan's dates are read in that zone.
 */
export async function loadStoreTime(): Promise<{ zone: string; now: number }> {
  const info: SystemInfo = await api().query('system/get-info');
  const zone = info.zone || DEFAULT_ZONE;
  const now = Date.parse(info.now);
  return { zone, now: Number.isNaN(now) ? Date.now() : now };
}
