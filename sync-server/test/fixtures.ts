// Test-only: valid documents of the app's collections as they travel in RxDB's protocol.
import type { PlanDoc } from '../../main/db/schemas/plans.ts';
import type { RightDoc } from '../../main/db/schemas/rights.ts';

export type Wire<T> = T & { _deleted: boolean };

export function planDoc(id: string, storeId: string, overrides: Partial<PlanDoc> = {}): Wire<PlanDoc> {
  return {
    id,
    storeId,
    name: `Plan ${id}`,
    description: '',
    marketingType: 'member-day',
    pluginId: 'campaign-desk.member-day',
    status: 'draft',
    audienceId: 'A1',
    time: { timeZone: 'Asia/Shanghai', effective: {}, period: null, execution: { mode: 'immediate' } } as unknown as PlanDoc['time'],
    misfire: 'fire-once',
    actions: [],
    limits: {},
    config: {},
    nextFireAt: 0,
    activatedAt: 0,
    lastFiredAt: 0,
    version: 1,
    source: storeId === '' ? 'hq' : 'local',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    updatedBy: 'test',
    ...overrides,
    _deleted: false,
  };
}

export function rightDoc(id: string, overrides: Partial<RightDoc> = {}): Wire<RightDoc> {
  const right: RightDoc = {
    versionId: `${id}@1`,
    id,
    version: 1,
    kind: 'points',
    params: { amount: 10 },
    name: `Right ${id}`,
    description: '',
    cap: null,
    archived: false,
    savedAt: 1_700_000_000_000,
    savedBy: 'test',
  };
  return { ...right, ...overrides, _deleted: false } as Wire<RightDoc>;
}

/** A grant as it travels (shape of `GrantDoc`), in `state` after `seq` transitions. */
export function grantWire(id: string, state: string, seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> & { id: string; state: string; seq: number } {
  return {
    id,
    key: `["P1","o","${id}","a1"]`,
    bundleId: `B-${id}`,
    index: 0,
    customerId: 'C1',
    planId: 'P1',
    runId: null,
    occurrence: 'o',
    actionId: 'a1',
    kind: 'coupon',
    params: {},
    rightId: 'R1',
    rightVersion: 1,
    rightName: 'Coupon',
    packageId: null,
    packageVersion: null,
    rightStockId: null,
    packageStockId: null,
    state,
    code: 'ABC',
    zone: 'Asia/Shanghai',
    validFrom: 1,
    expiresAt: 100,
    reservedAt: 1,
    grantedAt: 1,
    usedAt: state === 'used' ? 50 : null,
    restoredAt: null,
    closedAt: state === 'expired' ? 100 : null,
    seq,
    updatedAt: seq * 10,
    planKey: 'P1',
    expiryKey: 100,
    codeKey: 'ABC',
    _deleted: false,
    ...overrides,
  };
}
