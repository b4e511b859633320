import type { RxCollection } from 'rxdb';
import { RISK_WEEK_MS, withinLimit, type RiskLimits } from '../../core/governance/governance.ts';
import { addDays, localDateOf, startOfLocalDate } from '../../core/rights/local-date.ts';
import { rightCostCents } from '../../core/rights/right-cost.ts';
import type { GrantDoc } from '../../db/schemas/grants.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';
import { DocStore } from '../rights/doc-store.ts';

/** One item a chunk wants to execute: the grants it would make and the messages it would send. */
export interface RiskCandidate {
  customerId: string;
  /** The grant keys (`grantKeyString`) it would make and what each costs, in cents. */
  grants: readonly { key: string; cents: number }[];
  /** Ids of the messages it would send. */
  messageIds: readonly string[];
}

/** Per candidate, in order: go on, skip it (rights value), or send none of its messages. */
export type RiskVerdict = 'ok' | 'risk-value' | 'risk-messages';

export interface RiskAdmission {
  verdicts: RiskVerdict[];
  /** Gives the reservations back: call once the chunk's grants and messages are written (or failed). */
  release(): void;
}

interface Reservation {
  customerId: string;
  /** Local date (store zone) the value counts on. */
  day: string;
  grants: Map<string, number>;
  messages: Set<string>;
}

/** States of grants whose value left the shelf (released grants never did). */
const COUNTED_GRANT_STATES = ['reserved', 'granted', 'used', 'expired', 'recovered', 'restored'] as const;

/**
 * The risk limits across all plans and runs: rights value per customer per day (store zone)
 * and messages per customer in any 7 days. Several chunks and runs execute at once, so a check
 * reads the database AND the reservations of items admitted but not yet written, under one
 * lock: two runs can never together pass a limit. A reservation is given back once its chunk
 * is written; what the database then holds is counted from there (reserved keys and message
 * ids are left out of the database's count meanwhile, so nothing counts twice). The database
 * file is one process's (locked), so in-process reservations see every writer.
 */
export class RiskGuard {
  private lock: Promise<void> = Promise.resolve();
  private readonly reservations = new Set<Reservation>();
  private readonly grants: DocStore<GrantDoc>;
  private readonly messages: DocStore<MessageDoc>;

  constructor(
    collections: { grants: RxCollection<GrantDoc>; messages: RxCollection<MessageDoc> },
    private readonly limits: () => RiskLimits,
  ) {
    this.grants = new DocStore(collections.grants);
    this.messages = new DocStore(collections.messages);
  }

  /** Checks and reserves, in order; the first candidates of a customer are served first. */
  async admit(candidates: readonly RiskCandidate[], now: number, zone: string): Promise<RiskAdmission> {
    const limits = this.limits();
    const none: RiskAdmission = { verdicts: candidates.map(() => 'ok'), release: () => undefined };
    if (candidates.length === 0 || (limits.maxValuePerCustomerPerDayCents === null && limits.maxMessagesPerCustomerPerWeek === null)) return none;
    const previous = this.lock;
    let unlock: () => void = () => undefined;
    this.lock = new Promise((resolve) => (unlock = resolve));
    await previous;
    try {
      return await this.check(candidates, limits, now, zone);
    } finally {
      unlock();
    }
  }

  private async check(candidates: readonly RiskCandidate[], limits: RiskLimits, now: number, zone: string): Promise<RiskAdmission> {
    const day = localDateOf(now, zone);
    const dayStart = startOfLocalDate(day, zone);
    const dayEnd = startOfLocalDate(addDays(day, 1), zone);
    const weekStart = now - RISK_WEEK_MS;
    const ids = [...new Set(candidates.map((c) => c.customerId))];

    // What others hold reserved right now (their writes are not counted from the database).
    const reservedKeys = new Set<string>();
    const reservedMessages = new Set<string>();
    const valueReserved = new Map<string, number>();
    const messagesReserved = new Map<string, number>();
    for (const r of this.reservations) {
      for (const [key, cents] of r.grants) {
        reservedKeys.add(key);
        if (r.day === day) valueReserved.set(r.customerId, (valueReserved.get(r.customerId) ?? 0) + cents);
      }
      for (const id of r.messages) reservedMessages.add(id);
      messagesReserved.set(r.customerId, (messagesReserved.get(r.customerId) ?? 0) + r.messages.size);
    }

    // What the database holds: plan grants of today, messages sent in the last 7 days.
    const valueUsed = new Map<string, number>();
    const existingKeys = new Set<string>();
    if (limits.maxValuePerCustomerPerDayCents !== null) {
      const grants = await this.grants.find({ selector: { customerId: { $in: ids }, state: { $in: [...COUNTED_GRANT_STATES] } } });
      for (const g of grants) {
        existingKeys.add(g.key);
        if (g.planKey === '' || reservedKeys.has(g.key) || g.reservedAt < dayStart || g.reservedAt >= dayEnd) continue;
        valueUsed.set(g.customerId, (valueUsed.get(g.customerId) ?? 0) + rightCostCents(g.kind, g.params));
      }
    }
    const messagesUsed = new Map<string, number>();
    const sentIds = new Set<string>();
    if (limits.maxMessagesPerCustomerPerWeek !== null) {
      const messages = await this.messages.find({ selector: { customerId: { $in: ids }, state: 'sent' } });
      for (const m of messages) {
        sentIds.add(m.id);
        if (reservedMessages.has(m.id) || m.sentAt <= weekStart) continue;
        messagesUsed.set(m.customerId, (messagesUsed.get(m.customerId) ?? 0) + 1);
      }
    }

    const verdicts: RiskVerdict[] = [];
    const mine: Reservation[] = [];
    for (const c of candidates) {
      // Grants made before (a resumed chunk) and messages already sent add nothing.
      const newGrants = c.grants.filter((g) => !existingKeys.has(g.key) && !reservedKeys.has(g.key));
      const cents = newGrants.reduce((n, g) => n + g.cents, 0);
      const newMessages = c.messageIds.filter((id) => !sentIds.has(id) && !reservedMessages.has(id));
      const valueNow = (valueUsed.get(c.customerId) ?? 0) + (valueReserved.get(c.customerId) ?? 0);
      if (cents > 0 && !withinLimit(limits.maxValuePerCustomerPerDayCents, valueNow, cents)) {
        verdicts.push('risk-value');
        continue;
      }
      const messagesNow = (messagesUsed.get(c.customerId) ?? 0) + (messagesReserved.get(c.customerId) ?? 0);
      const messagesOk = newMessages.length === 0 || withinLimit(limits.maxMessagesPerCustomerPerWeek, messagesNow, newMessages.length);
      verdicts.push(messagesOk ? 'ok' : 'risk-messages');
      const reservation: Reservation = { customerId: c.customerId, day, grants: new Map(newGrants.map((g) => [g.key, g.cents])), messages: new Set(messagesOk ? newMessages : []) };
      if (reservation.grants.size === 0 && reservation.messages.size === 0) continue;
      this.reservations.add(reservation);
      mine.push(reservation);
      for (const key of reservation.grants.keys()) reservedKeys.add(key);
      for (const id of reservation.messages) reservedMessages.add(id);
      valueReserved.set(c.customerId, (valueReserved.get(c.customerId) ?? 0) + cents);
      messagesReserved.set(c.customerId, (messagesReserved.get(c.customerId) ?? 0) + reservation.messages.size);
    }
    let released = false;
    return {
      verdicts,
      release: () => {
        if (released) return;
        released = true;
        for (const r of mine) this.reservations.delete(r);
      },
    };
  }
}
