import { createHash } from 'node:crypto';
import type { RxDocumentData } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import type { Channel } from '../../core/customers/customer.ts';
import { BugError, CampaignError } from '../../core/errors/campaign-error.ts';
import { renderMessage, type MessageTemplate } from '../../core/messages/template.ts';
import { withinFrequencyCap } from '../../core/plans/frequency-cap.ts';
import { inHoldout } from '../../core/plans/holdout.ts';
import type { GrantAction, MessageAction } from '../../core/plans/plan.ts';
import { quietUntil } from '../../core/plans/quiet-hours.ts';
import { retryDelay } from '../../core/plans/retry.ts';
import { summarizeItems, type ItemOutcome, type Run, type Task } from '../../core/plans/run.ts';
import { formatCode } from '../../core/rights/coupon-code.ts';
import { grantKeyString, type Grant } from '../../core/rights/grant.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import { formatInstant } from '../../core/time/instant.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { AppCollections } from '../../db/collections.ts';
import type { RiskGuard } from '../governance/risk-guard.ts';
import { classifySendError, type MessageChannel, type OutgoingMessage } from '../channels/channel.ts';
import { inBackground, yieldToLoop } from '../loop-yield.ts';
import { DocStore, plain } from '../rights/doc-store.ts';
import { MAX_BATCH, type BundleOutcome, type GrantRequest, type RightsLedger } from '../rights/rights-ledger.ts';
import type { Feedback, Throttle, ThrottleRegistry } from '../throttle/index.ts';
import type { EngineSettings } from './engine-settings.ts';

/** Rate-limit refusals of one send retried at once through the throttle before it counts as a failed try. */
const MAX_INLINE_REFUSALS = 20;

/** Customers have no language field yet: messages are written in the store's language. */
const DEFAULT_LOCALE = 'zh-CN';

/**
 * The marketing type's say on one customer (its plugin's hooks): a reason to skip, a time the
 * item waits for (a per-customer execution time), or null to go on.
 */
export type CustomerVerdict = string | { waitUntil: number } | null;

/**
 * Asks the plan's marketing type about a chunk's customers. Throws (a PL_ error) when the
 * plugin cannot answer: the run then pauses rather than acting without it.
 */
export type EligibilityHook = (run: Run, customers: readonly CustomerDoc[]) => Promise<ReadonlyMap<string, CustomerVerdict>>;

export interface ChannelLookup {
  get(id: string): MessageChannel | undefined;
}

export interface ChunkDeps {
  collections: Pick<AppCollections, 'customers' | 'messages'>;
  ledger: RightsLedger;
  channels: ChannelLookup;
  throttles: ThrottleRegistry;
  clock: Clock;
  random: () => number;
  eligibility?: EligibilityHook;
  /** The risk limits across all plans (none when absent). */
  risk?: RiskGuard;
  /** Cost in cents of one grant of each of a run's grant actions, by action id (risk limits). */
  grantCosts?: (run: Run) => Promise<ReadonlyMap<string, number>>;
  /** Reports items finished one by one (live progress). */
  onItem?: (runId: string) => void;
}

/** The idempotency key of one action for one customer in one occurrence. */
export function itemKey(planId: string, occurrence: string, customerId: string, actionId: string): string {
  return createHash('sha256').update(JSON.stringify([planId, occurrence, customerId, actionId])).digest('hex').slice(0, 40);
}

/** A part of an id: the text itself when it is short and plain, else `#` and a hash of it. */
function idPart(text: string, max: number): string {
  return text.length <= max && /^[A-Za-z0-9_-]+$/.test(text) ? text : `#${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

let lastOccurrence: { planId: string; occurrence: string; hash: string } | null = null;

/** A hash of (plan, occurrence): the leading part of the ids of one run's messages. */
function occurrenceHash(planId: string, occurrence: string): string {
  if (lastOccurrence?.planId !== planId || lastOccurrence.occurrence !== occurrence) {
    lastOccurrence = { planId, occurrence, hash: createHash('sha256').update(JSON.stringify([planId, occurrence])).digest('hex').slice(0, 20) };
  }
  return lastOccurrence.hash;
}

/**
 * The id of the message of one action for one customer in one occurrence (its idempotency
 * key): `M` + a hash of (plan, occurrence) + the customer id + the action id (each replaced by
 * a hash when long or unusual; `.` never occurs in a plain part, so no two keys share an id).
 * One run's messages share the leading part and follow the customers' order, so its inserts
 * land together in the index; a hash of the whole key put them anywhere and measured about
 * three times slower (see the README's Engine benchmark).
 */
export function messageIdFor(planId: string, occurrence: string, customerId: string, actionId: string): string {
  return `M${occurrenceHash(planId, occurrence)}.${idPart(customerId, 32)}.${idPart(actionId, 24)}`;
}

/**
 * The id messages had before `messageIdFor` kept a run's messages together. Still looked up
 * (once per chunk), so a run that was in progress across the upgrade sends nothing twice.
 */
export function legacyMessageIdFor(planId: string, occurrence: string, customerId: string, actionId: string): string {
  return `M${itemKey(planId, occurrence, customerId, actionId)}`;
}

/** The customer's address on a channel; wechat and app reach members by their id. */
function addressOf(customer: CustomerDoc, channel: Channel): string | undefined {
  switch (channel) {
    case 'sms':
      return customer.phone || undefined;
    case 'email':
      return customer.email || undefined;
    default:
      return customer.externalId;
  }
}

interface Work {
  index: number;
  customerId: string;
  occurrence: string;
  item: ItemOutcome;
  customer: CustomerDoc;
  /** Messages still to send (not sent before, not blocked). */
  sends: MessageAction[];
  /** Why a message was not sent (consent, address, cap), if one was blocked. */
  blocked: string | null;
  grants: Grant[];
  failure: { code: string; message: string; retryAfterMs?: number; retryable: boolean } | null;
  /** Provider ids of the messages sent, by action id. */
  sent: Map<string, string>;
  /** Messages as rendered for sending, by action id (stored as sent). */
  rendered: Map<string, OutgoingMessage>;
  /** The ids of its messages, by action id (see `messageIdFor`; a legacy id if one was stored). */
  ids: Map<string, string>;
}

/**
 * Load and execute one chunk of a run. Load: the chunk's customers, then per item consent,
 * address, frequency cap, quiet hours and the marketing type's eligibility. Execute: reserve
 * the rights, send the messages through the channel's throttle, commit the rights of items
 * whose messages went out (or had none to send), release those of items that failed for
 * good. Every step is idempotent by (plan, occurrence, customer, action), so a chunk cut short
 * by a crash or a pause is simply processed again. Returns the chunk with its new outcomes
 * (not yet saved).
 */
export class ChunkProcessor {
  private readonly messages: DocStore<MessageDoc>;
  private readonly customers: DocStore<CustomerDoc>;

  constructor(private readonly deps: ChunkDeps) {
    this.messages = new DocStore(deps.collections.messages);
    this.customers = new DocStore(deps.collections.customers);
  }

  /** Processes a chunk as background work (see `inBackground`): its writes leave the API room. */
  process(run: Run, task: Task, settings: EngineSettings, signal: AbortSignal): Promise<Task> {
    return inBackground(() => this.processChunk(run, task, settings, signal));
  }

  private async processChunk(run: Run, task: Task, settings: EngineSettings, signal: AbortSignal): Promise<Task> {
    const now = this.deps.clock.now();
    const actor: Actor = { type: 'plan', id: run.planId };
    const items = task.items.map((item) => ({ ...item }));
    const dueIdx = items.flatMap((item, i) => (item.s === 'pending' || ((item.s === 'retry' || item.s === 'waiting') && (item.n ?? 0) <= now) ? [i] : []));
    if (dueIdx.length === 0) return this.finish(task, items);

    const grantActions = run.plan.actions.filter((a): a is GrantAction => a.type === 'grant');
    const messageActions = run.plan.actions.filter((a): a is MessageAction => a.type === 'message');
    const zone = run.plan.time.timeZone;
    const limits = run.plan.limits;
    const quiet = limits.quietHours === undefined ? settings.quietHours : limits.quietHours;
    const cap = limits.frequencyCap === undefined ? settings.frequencyCap : limits.frequencyCap;
    const policy = { ...settings.retry, ...(limits.maxAttempts ? { maxAttempts: limits.maxAttempts } : {}) };

    // ---- Load
    const ids = dueIdx.map((i) => task.customerIds[i] as string);
    // Straight from storage (plain data, read once): no RxDB documents or query cache for a chunk.
    await yieldToLoop();
    const customers = new Map<string, CustomerDoc>();
    for (const [id, doc] of await this.customers.byIds(ids)) if (!doc._deleted) customers.set(id, plain(doc));
    const verdicts = this.deps.eligibility ? await this.deps.eligibility(run, [...customers.values()]) : new Map<string, CustomerVerdict>();
    const quietEnd = messageActions.length > 0 ? quietUntil(quiet, now, zone) : null;

    const work: Work[] = [];
    for (const i of dueIdx) {
      const item = items[i] as ItemOutcome;
      const customerId = task.customerIds[i] as string;
      const customer = customers.get(customerId);
      if (!customer) {
        items[i] = { ...item, s: 'skipped', r: 'not-found' };
        continue;
      }
      const verdict = verdicts.get(customerId);
      if (typeof verdict === 'string') {
        items[i] = { ...item, s: 'skipped', r: 'not-eligible', e: verdict.slice(0, 500) };
        continue;
      }
      if (verdict && verdict.waitUntil > now) {
        items[i] = { ...item, s: 'waiting', r: 'scheduled', n: verdict.waitUntil };
        continue;
      }
      // The control group: measured like the others, given nothing (see core/plans/holdout.ts).
      if (inHoldout(run.planId, customerId, run.plan.holdoutPercent)) {
        items[i] = { ...item, s: 'skipped', r: 'holdout' };
        continue;
      }
      const occurrence = item.o ?? run.occurrence;
      let blocked: string | null = null;
      const sends: MessageAction[] = [];
      if (item.m !== 1) {
        for (const action of messageActions) {
          if (customer.consent?.[action.channel] !== true) blocked = 'consent';
          else if (!addressOf(customer, action.channel)) blocked = 'no-address';
          else sends.push(action);
        }
      }
      if (sends.length > 0 && quietEnd !== null) {
        items[i] = { ...item, s: 'waiting', r: 'quiet-hours', n: quietEnd };
        continue;
      }
      work.push({ index: i, customerId, occurrence, item, customer, sends, blocked, grants: [], failure: null, sent: new Map(), rendered: new Map(), ids: new Map() });
    }
    const stored = await this.resolveMessageIds(run, work);

    // Frequency caps: messages already sent to these customers on the channel, by any plan.
    if (cap && work.some((w) => w.sends.length > 0)) await this.applyFrequencyCap(run, work, cap, now);

    // Risk limits across all plans and runs: held until this chunk's writes are done.
    const risk = await this.applyRiskLimits(run, work, grantActions, items, now, zone);
    try {
      return await this.execute(run, task, work, items, grantActions, actor, signal, zone, settings, policy, now, stored);
    } finally {
      risk.release();
    }
  }

  private async execute(
    run: Run,
    task: Task,
    work: Work[],
    items: ItemOutcome[],
    grantActions: GrantAction[],
    actor: Actor,
    signal: AbortSignal,
    zone: string,
    settings: EngineSettings,
    policy: EngineSettings['retry'],
    now: number,
    stored: ReadonlyMap<string, RxDocumentData<MessageDoc>>,
  ): Promise<Task> {
    for (const w of work) {
      if (grantActions.length === 0 && w.sends.length === 0) items[w.index] = { ...w.item, s: 'skipped', r: w.blocked ?? 'not-eligible' };
    }
    let live = work.filter((w) => grantActions.length > 0 || w.sends.length > 0);

    // ---- Execute: grant the rights (reserve and commit in one ledger step: the message names
    // the coupon and its expiry), then send the messages.
    if (grantActions.length > 0 && live.length > 0) live = await this.grant(run, live, grantActions, actor, items);
    if (signal.aborted) {
      if (grantActions.length > 0) for (const w of live) items[w.index] = { ...w.item, g: 1 };
      return this.finish(task, items);
    }
    await this.send(run, live, signal, zone, settings.concurrency, stored);

    const sentDocs: MessageDoc[] = [];
    const failedDocs: MessageDoc[] = [];
    for (const w of live) {
      const granted: Partial<ItemOutcome> = grantActions.length > 0 ? { g: 1 } : {};
      if (w.failure) {
        const attempts = w.item.a + 1;
        const delay = w.failure.retryable ? retryDelay(policy, attempts, this.deps.random(), w.failure.retryAfterMs ?? 0) : null;
        const error = w.failure.message.slice(0, 500);
        if (delay !== null) items[w.index] = { ...w.item, ...granted, s: 'retry', a: attempts, n: now + delay, r: 'send-error', e: error };
        else {
          items[w.index] = { ...w.item, ...granted, s: 'failed', a: attempts, r: 'send-error', e: error };
          for (const action of w.sends) if (!w.sent.has(action.id)) failedDocs.push(this.messageDoc(run, w, action, 'failed', now, '', w.failure));
        }
        for (const action of w.sends) if (w.sent.has(action.id)) sentDocs.push(this.messageDoc(run, w, action, 'sent', now, w.sent.get(action.id) ?? '', null));
        continue;
      }
      // Paused or cancelled before all its messages went: it stays pending (its rights are granted).
      if (w.sent.size < w.sends.length) {
        items[w.index] = { ...w.item, ...granted };
        for (const action of w.sends) if (w.sent.has(action.id)) sentDocs.push(this.messageDoc(run, w, action, 'sent', now, w.sent.get(action.id) ?? '', null));
        continue;
      }
      for (const action of w.sends) sentDocs.push(this.messageDoc(run, w, action, 'sent', now, w.sent.get(action.id) ?? '', null));
      // Built field by field rather than copied and trimmed: V8 adds properties to a spread copy
      // slowly, and `delete` turns an object into a slow dictionary (every done item, and the
      // task document they are saved in).
      const next: ItemOutcome = { s: 'done', a: w.item.a + 1 };
      if (w.item.o !== undefined) next.o = w.item.o;
      const g = grantActions.length > 0 ? 1 : w.item.g;
      if (g !== undefined) next.g = g;
      const m = w.sends.length > 0 ? 1 : w.item.m;
      if (m !== undefined) next.m = m;
      if (w.blocked) next.r = w.blocked;
      items[w.index] = next;
    }
    await this.recordMessages(sentDocs, failedDocs, stored);
    return this.finish(task, items);
  }

  /**
   * Items over a risk limit: over the rights value of the customer's day → skipped
   * 'risk-value' (nothing granted or sent); over the messages of the customer's week → no
   * message ('risk-messages'; rights are still granted, as with the frequency cap).
   */
  private async applyRiskLimits(run: Run, work: Work[], grantActions: GrantAction[], items: ItemOutcome[], now: number, zone: string): Promise<{ release(): void }> {
    const risk = this.deps.risk;
    if (!risk || work.length === 0) return { release: () => undefined };
    const costs = grantActions.length > 0 && this.deps.grantCosts ? await this.deps.grantCosts(run) : new Map<string, number>();
    const candidates = work.map((w) => ({
      customerId: w.customerId,
      grants: w.item.g === 1 ? [] : grantActions.map((a) => ({ key: grantKeyString({ planId: run.planId, occurrence: w.occurrence, customerId: w.customerId, actionId: a.id }), cents: costs.get(a.id) ?? 0 })),
      messageIds: w.sends.map((a) => this.messageId(w, a)),
    }));
    const admission = await risk.admit(candidates, now, zone);
    const kept: Work[] = [];
    admission.verdicts.forEach((verdict, n) => {
      const w = work[n] as Work;
      if (verdict === 'risk-value') {
        items[w.index] = { ...w.item, s: 'skipped', r: 'risk-value' };
        return;
      }
      if (verdict === 'risk-messages') {
        w.sends = [];
        w.blocked = 'risk-messages';
      }
      kept.push(w);
    });
    work.splice(0, work.length, ...kept);
    return admission;
  }

  /**
   * The id of each message to send: `messageIdFor`, or the legacy id of a message stored
   * under it before the upgrade, so such a run never sends it again. One lookup per chunk of
   * both ids; returns the stored messages found (their state says which were sent before).
   */
  private async resolveMessageIds(run: Run, work: Work[]): Promise<Map<string, RxDocumentData<MessageDoc>>> {
    const legacy: { w: Work; actionId: string; id: string }[] = [];
    const ids: string[] = [];
    for (const w of work) {
      for (const action of w.sends) {
        const id = messageIdFor(run.planId, w.occurrence, w.customerId, action.id);
        w.ids.set(action.id, id);
        const old = legacyMessageIdFor(run.planId, w.occurrence, w.customerId, action.id);
        legacy.push({ w, actionId: action.id, id: old });
        ids.push(id, old);
      }
    }
    if (ids.length === 0) return new Map();
    const found = await this.messages.byIds(ids);
    for (const l of legacy) if (found.has(l.id)) l.w.ids.set(l.actionId, l.id);
    return found;
  }

  private messageId(w: Work, action: MessageAction): string {
    const id = w.ids.get(action.id);
    if (id === undefined) throw new BugError(`message id of ${action.id} for ${w.customerId} not resolved`);
    return id;
  }

  private finish(task: Task, items: ItemOutcome[]): Task {
    const { counts, state, nextAttemptAt } = summarizeItems(items, NEVER);
    return { ...task, items, counts, state, nextAttemptAt };
  }

  private async applyFrequencyCap(run: Run, work: Work[], cap: { max: number; days: number }, now: number): Promise<void> {
    for (const w of work) {
      if (w.sends.length === 0) continue;
      const history = await this.messages.findEqual('customerId', w.customerId);
      w.sends = w.sends.filter((action) => {
        const own = this.messageId(w, action);
        const sentAt = history.filter((m) => m.channel === action.channel && m.state === 'sent' && m.id !== own).map((m) => m.sentAt);
        if (withinFrequencyCap(cap, sentAt, now)) return true;
        w.blocked = 'frequency-cap';
        return false;
      });
    }
  }

  /**
   * Grants the rights of every item (the ledger finds those granted before by their key, so a
   * resumed chunk grants nothing twice). Items whose rights cannot be had are skipped (stock,
   * per-customer cap) or failed; the rest go on to their messages.
   */
  private async grant(run: Run, work: Work[], actions: GrantAction[], actor: Actor, items: ItemOutcome[]): Promise<Work[]> {
    const requests: GrantRequest[] = [];
    for (const w of work) {
      for (const action of actions) {
        const subject = { type: action.subject.type, id: action.subject.id, ...(action.subject.version ? { version: action.subject.version } : {}) };
        requests.push({ key: { planId: run.planId, occurrence: w.occurrence, customerId: w.customerId, actionId: action.id }, subject, runId: run.id });
      }
    }
    const outcomes: BundleOutcome[] = [];
    for (let i = 0; i < requests.length; i += MAX_BATCH) outcomes.push(...(await this.deps.ledger.grant(requests.slice(i, i + MAX_BATCH), actor)));
    const kept: Work[] = [];
    work.forEach((w, n) => {
      const mine = outcomes.slice(n * actions.length, (n + 1) * actions.length);
      const failed = mine.find((o): o is Extract<BundleOutcome, { ok: false }> => !o.ok);
      for (const o of mine) if (o.ok) w.grants.push(...o.grants);
      if (!failed) {
        kept.push(w);
        return;
      }
      const reason = failed.error.code === 'RT_OUT_OF_STOCK' ? 'out-of-stock' : failed.error.code === 'RT_CUSTOMER_CAP' ? 'customer-cap' : 'rights-error';
      const partly: Partial<ItemOutcome> = w.grants.length > 0 ? { g: 1 } : {};
      items[w.index] = { ...w.item, ...partly, s: reason === 'rights-error' ? 'failed' : 'skipped', r: reason, e: failed.error.message.slice(0, 500) };
    });
    return kept;
  }

  /** Sends the messages; `stored` holds this chunk's messages found at its load (`resolveMessageIds`). */
  private async send(run: Run, work: Work[], signal: AbortSignal, zone: string, concurrencyLimit: number, stored: ReadonlyMap<string, RxDocumentData<MessageDoc>>): Promise<void> {
    const all: { w: Work; action: MessageAction }[] = [];
    for (const w of work) for (const action of w.sends) all.push({ w, action });
    if (all.length === 0) return;
    // Sent before a crash (the chunk was not saved then): not sent again. This chunk's items own
    // their message ids (one chunk of a run at a time each), so nothing wrote them since the load.
    const jobs = all.filter(({ w, action }) => {
      const existing = stored.get(this.messageId(w, action));
      if (existing?.state !== 'sent') return true;
      this.markSent(w, action, existing.providerMessageId);
      return false;
    });
    const planThrottle = run.plan.limits.maxRate ? this.deps.throttles.get(`plan:${run.planId}`) : null;
    if (planThrottle && run.plan.limits.maxRate) planThrottle.configure({ maxRate: run.plan.limits.maxRate, adaptive: false });
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !signal.aborted) {
        const job = jobs[next++];
        if (!job) break;
        await this.sendOne(run, job.w, job.action, signal, zone, planThrottle);
        this.deps.onItem?.(run.id);
      }
    };
    const concurrency = Math.max(1, Math.min(jobs.length, this.inFlightLimit(jobs.map((j) => j.action), concurrencyLimit)));
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /**
   * Sends in flight at once: the concurrency setting, or more when every channel involved takes
   * sends together (`batchSends`, the outbox): then each append carries a chunk's messages
   * rather than a few, and the run does not wait on one fsync per few messages.
   */
  private inFlightLimit(actions: readonly MessageAction[], concurrencyLimit: number): number {
    let batch = Number.POSITIVE_INFINITY;
    for (const via of new Set(actions.map((a) => a.via))) batch = Math.min(batch, this.deps.channels.get(via)?.batchSends ?? 0);
    return Number.isFinite(batch) ? Math.max(concurrencyLimit, batch) : concurrencyLimit;
  }

  private async sendOne(run: Run, w: Work, action: MessageAction, signal: AbortSignal, zone: string, planThrottle: Throttle | null): Promise<void> {
    if (w.failure) return;
    const channel = this.deps.channels.get(action.via);
    if (!channel) {
      w.failure = { code: 'EN_CHANNEL_UNKNOWN', message: new CampaignError('EN_CHANNEL_UNKNOWN', { via: action.via, actionId: action.id }).message, retryable: false };
      return;
    }
    const id = this.messageId(w, action);
    let message: OutgoingMessage;
    try {
      message = this.render(run, w, action, id, zone);
      w.rendered.set(action.id, message);
    } catch (error) {
      const e = error instanceof CampaignError ? error : new CampaignError('SYS_INTERNAL', {}, { cause: error });
      w.failure = { code: e.code, message: e.message, retryable: false };
      return;
    }
    const throttle = this.deps.throttles.get(channel.downstream);
    let planPermit: { done(f: Feedback): void } | null;
    try {
      planPermit = planThrottle ? await planThrottle.acquire(signal) : null;
    } catch {
      return; // aborted (pause/cancel): the item stays as it was
    }
    try {
      // A 429 is flow control, not a failure of the item: it goes again through the throttle
      // (which has slowed down and honours Retry-After) a few times before counting as a try.
      for (let refusals = 0; ; refusals++) {
        let permit: { done(f: Feedback): void };
        try {
          permit = await throttle.acquire(signal);
        } catch {
          return;
        }
        const started = performance.now();
        try {
          // Not aborted with the run: a request in flight may already have been delivered, and
          // giving up on it now would send it again later. Pause and cancel wait for it.
          const result = await channel.send(message);
          permit.done({ kind: 'ok', latencyMs: performance.now() - started });
          this.markSent(w, action, result.providerMessageId);
          return;
        } catch (error) {
          const c = classifySendError(error);
          permit.done(c.overload ? (c.error.code === 'CH_TIMEOUT' ? { kind: 'timeout' } : { kind: 'overload', ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}) }) : { kind: 'error' });
          if (c.error.code === 'CH_RATE_LIMITED' && refusals < MAX_INLINE_REFUSALS && !signal.aborted) continue;
          w.failure = { code: c.error.code, message: c.error.message, retryable: c.retryable, ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}) };
          return;
        }
      }
    } finally {
      planPermit?.done({ kind: 'ok', latencyMs: 0 });
    }
  }

  private markSent(w: Work, action: MessageAction, providerId: string): void {
    w.sent.set(action.id, providerId);
  }

  private render(run: Run, w: Work, action: MessageAction, id: string, zone: string): OutgoingMessage {
    const template: MessageTemplate = { id: action.id, name: run.plan.name, channel: action.channel, locales: action.template };
    const grant = w.grants.find((g) => g.code) ?? w.grants[0];
    const values: Record<string, string> = { name: w.customer.name, points: String(w.customer.points ?? 0), store: w.customer.storeId, planName: run.plan.name };
    if (grant) {
      values.rightName = grant.rightName;
      if (grant.code) values.couponCode = formatCode(grant.code);
      if (grant.expiresAt !== null) values.expiry = formatInstant(grant.expiresAt, zone).slice(0, 10);
    }
    const locale = DEFAULT_LOCALE;
    const rendered = renderMessage(template, locale, values);
    const to: OutgoingMessage['to'] = { name: w.customer.name };
    if (w.customer.phone) to.phone = w.customer.phone;
    if (w.customer.email) to.email = w.customer.email;
    return { id, channel: action.channel, customerId: w.customerId, storeId: w.customer.storeId, planId: run.planId, runId: run.id, to, locale: rendered.locale, subject: rendered.subject, body: rendered.body };
  }

  private messageDoc(run: Run, w: Work, action: MessageAction, state: 'sent' | 'failed', now: number, providerId: string, failure: Work['failure']): MessageDoc {
    const id = this.messageId(w, action);
    let subject = '';
    let body = '';
    let locale: string = DEFAULT_LOCALE;
    try {
      const m = w.rendered.get(action.id) ?? this.render(run, w, action, id, run.plan.time.timeZone);
      subject = m.subject;
      body = m.body;
      locale = m.locale;
    } catch {
      // A template that does not render is the failure itself; the message keeps no text.
    }
    const doc: MessageDoc = {
      id, customerId: w.customerId, storeId: w.customer.storeId, planId: run.planId, runId: run.id, channel: action.channel, templateId: action.id,
      locale, subject: subject.slice(0, 200), body: body.slice(0, 10_000), state, attempts: w.item.a + 1, nextAttemptAt: NEVER, sentAt: state === 'sent' ? now : 0,
      providerMessageId: providerId.slice(0, 200), createdAt: now, updatedAt: now,
    };
    if (failure) doc.lastError = { code: failure.code, message: failure.message.slice(0, 2000), at: now };
    return doc;
  }

  /**
   * Stores the messages of the chunk: the sent ones as `sent` (with `sentAt`, attempts and the
   * provider's id: the message is the record of its send, no operation record is written for
   * it), the failed ones as `failed`. `stored` holds the messages found at the chunk's load
   * (its items own their message ids, so nothing else wrote them since). A message sent
   * earlier is kept as it was; a failed one may be sent by a later retry.
   */
  private async recordMessages(sent: MessageDoc[], failed: MessageDoc[], stored: ReadonlyMap<string, RxDocumentData<MessageDoc>>): Promise<void> {
    const inserts: MessageDoc[] = [];
    const updates: MessageDoc[] = [];
    for (const m of [...sent, ...failed]) {
      const existing = stored.get(m.id);
      if (!existing) inserts.push(m);
      else if (existing.state !== 'sent') updates.push({ ...m, createdAt: existing.createdAt });
    }
    // One written meanwhile after all (it should not be) is upserted rather than lost.
    const clashed = new Set(await this.messages.insert(inserts));
    for (const m of inserts) if (clashed.has(m.id)) updates.push(m);
    if (updates.length > 0) await this.deps.collections.messages.bulkUpsert(updates);
  }
}
