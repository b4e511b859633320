import type { Grant } from '../../core/rights/grant.ts';
import type { Run } from '../../core/plans/run.ts';
import type { Task, ItemOutcome } from '../../core/plans/run.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { toGrantDoc, type GrantDoc } from '../../db/schemas/grants.ts';
import { toEventDoc, type CustomerEventDoc } from '../../db/schemas/customer-events.ts';
import type { PlanDoc } from '../../db/schemas/plans.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';

/** Documents for campaign-results tests and the benchmark: minimal but schema-valid. */

export const COUPON_PARAMS = { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 0, validity: { type: 'days-from-grant', days: 30 } };

export function planDoc(id: string, name: string, storeId = 'S1', at = 0): PlanDoc {
  return {
    id,
    storeId,
    name,
    description: '',
    marketingType: 'precise-audience',
    pluginId: 'campaign-desk.precise-audience',
    status: 'active',
    audienceId: 'aud-1',
    time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } },
    misfire: 'fire-once',
    actions: [{ id: 'coupon', type: 'grant', subject: { type: 'right', id: 'R-1' } }],
    limits: {},
    config: {},
    nextFireAt: NEVER,
    activatedAt: at,
    lastFiredAt: at,
    version: 1,
    source: 'local',
    createdAt: at,
    updatedAt: at,
    updatedBy: 'test',
  } as PlanDoc;
}

export function runDoc(id: string, planId: string, startedAt: number, counts: Partial<Run['counts']> = {}, skippedBy: Record<string, number> = {}): Run {
  const c = { total: 0, done: 0, granted: 0, sent: 0, skipped: 0, failed: 0, retry: 0, waiting: 0, ...counts };
  return {
    id,
    planId,
    planVersion: 1,
    occurrence: `manual:${startedAt}`,
    trigger: 'manual',
    scheduledAt: startedAt,
    state: 'done',
    plan: { name: planId, storeId: 'S1', audienceId: 'aud-1', time: { timeZone: 'Asia/Shanghai', effective: {}, execution: { mode: 'immediate' } }, actions: [], limits: {}, marketingType: 'precise-audience', pluginId: 'campaign-desk.precise-audience' },
    startedAt,
    finishedAt: startedAt + 60_000,
    resumeAt: NEVER,
    chunks: 1,
    splitDone: true,
    chunksDone: 1,
    counts: c,
    skippedBy,
    createdAt: startedAt,
    updatedAt: startedAt,
  } as Run;
}

export function taskDoc(runId: string, planId: string, chunk: number, members: { customerId: string; item: ItemOutcome }[], at: number): Task {
  return {
    id: `${runId}:${String(chunk).padStart(7, '0')}`,
    runId,
    planId,
    chunk,
    customerIds: members.map((m) => m.customerId),
    items: members.map((m) => m.item),
    state: 'done',
    nextAttemptAt: NEVER,
    counts: { done: 0, granted: 0, sent: 0, skipped: 0, failed: 0, retry: 0, waiting: 0 },
    createdAt: at,
    updatedAt: at,
  };
}

let grantSeq = 0;
export function grantDoc(o: { planId: string; runId: string; customerId: string; grantedAt: number; usedAt?: number | null; rightId?: string; kind?: Grant['kind']; params?: Record<string, unknown>; id?: string }): GrantDoc {
  const id = o.id ?? `G-${++grantSeq}`;
  const kind = o.kind ?? 'coupon';
  const used = o.usedAt ?? null;
  return toGrantDoc({
    id,
    key: JSON.stringify([o.planId, o.runId, o.customerId, 'coupon']),
    bundleId: id,
    index: 0,
    customerId: o.customerId,
    planId: o.planId,
    runId: o.runId,
    occurrence: o.runId,
    actionId: 'coupon',
    kind,
    params: o.params ?? COUPON_PARAMS,
    rightId: o.rightId ?? 'R-1',
    rightVersion: 1,
    rightName: '满100减10',
    packageId: null,
    packageVersion: null,
    rightStockId: null,
    packageStockId: null,
    state: used === null ? 'granted' : 'used',
    code: kind === 'coupon' ? `C${id.replace(/[^A-Z0-9]/gi, '').slice(0, 15)}` : null,
    zone: 'Asia/Shanghai',
    validFrom: o.grantedAt,
    expiresAt: o.grantedAt + 30 * 86_400_000,
    reservedAt: o.grantedAt,
    grantedAt: o.grantedAt,
    usedAt: used,
    restoredAt: null,
    closedAt: null,
    seq: used === null ? 2 : 3,
    updatedAt: used ?? o.grantedAt,
  } as Grant);
}

export function orderDoc(eventId: string, customerId: string, at: number, amount: number, storeId = 'S1', type: 'order' | 'refund' | 'browse' = 'order'): CustomerEventDoc {
  return toEventDoc({ eventId, customerId, storeId, type, at: new Date(at).toISOString(), ...(type === 'browse' ? {} : { amount }) });
}

export function messageDoc(id: string, planId: string, runId: string, customerId: string, state: MessageDoc['state'], at: number, channel = 'sms'): MessageDoc {
  return {
    id,
    customerId,
    storeId: 'S1',
    planId,
    runId,
    channel,
    templateId: 't',
    locale: 'zh-CN',
    subject: '',
    body: 'hi',
    state,
    attempts: 1,
    nextAttemptAt: NEVER,
    sentAt: state === 'sent' ? at : 0,
    providerMessageId: '',
    createdAt: at,
    updatedAt: at,
  };
}
