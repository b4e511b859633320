import type { AudienceRule } from '../../core/audience/rule.ts';
import type { Channel } from '../../core/customers/customer.ts';
import { withinFrequencyCap } from '../../core/plans/frequency-cap.ts';
import { inHoldout } from '../../core/plans/holdout.ts';
import type { GrantAction, MessageAction, Plan } from '../../core/plans/plan.ts';
import { quietUntil } from '../../core/plans/quiet-hours.ts';
import { customersDue } from '../../core/time/execution-time.ts';
import { formatLocalDate, localDayOf } from '../../core/time/instant.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import type { AudienceStore } from '../audience/audience-store.ts';
import { compileAudience } from '../audience/compile-audience.ts';
import { memberPages } from '../audience/evaluate-audience.ts';
import { subjectCostCents } from '../governance/rights-value.ts';
import type { DocStore } from '../rights/doc-store.ts';
import type { RightsService } from '../rights/rights-service.ts';
import type { ThrottleRegistry } from '../throttle/index.ts';
import type { EngineSettings } from './engine-settings.ts';

export interface DryRunRights {
  actionId: string;
  subject: { type: 'right' | 'package'; id: string };
  name: string;
  /** Units this occurrence would grant (one per item outside the control group). */
  needed: number;
  /** What one grant costs the merchant, in cents (`rightCostCents`; a package: its rights). */
  costCents: number;
  /** What the stock has left; null when the right has no stock limit. */
  remaining: number | null;
  enough: boolean;
}

export interface DryRunMessages {
  actionId: string;
  channel: Channel;
  via: string;
  /** Messages that would go out after consent, addresses and frequency caps. */
  sendable: number;
  skippedBy: Record<string, number>;
}

/** What one occurrence of a plan would do, before it runs. */
export interface DryRun {
  planId: string;
  /** The occurrence assessed: the plan's next fire time, or now. */
  at: number;
  audienceSize: number;
  /** Customers the run would take (birthday plans: those due that day), control group included. */
  items: number;
  /** Of those, the plan's control group (holdout): skipped, given nothing. */
  holdout: number;
  /** Cost of the rights the occurrence would grant, in cents (before risk limits). */
  rightsValueCents: number;
  rights: DryRunRights[];
  messages: DryRunMessages[];
  /** The occurrence falls in quiet hours: messages would wait until this instant. */
  quietUntil: number | null;
  /** Items per second the run can go at now: the slowest budget on its way. */
  rate: number;
  seconds: number;
  expectedFinishAt: number;
}

export interface DryRunDeps {
  audiences: AudienceStore;
  data: AudienceData;
  rights: RightsService;
  messages: DocStore<MessageDoc>;
  throttles: ThrottleRegistry;
  channelDownstream: (via: string) => string | undefined;
  settings: EngineSettings;
  defaultZone: string;
  now: number;
}

function addressOf(customer: CustomerDoc, channel: Channel): string | undefined {
  if (channel === 'sms') return customer.phone || undefined;
  if (channel === 'email') return customer.email || undefined;
  return customer.externalId;
}

/**
 * Assesses a plan's next occurrence without changing anything: audience size, rights needed
 * against stock, messages per channel after consent and frequency caps, and how long it
 * would take at the current rates.
 */
export async function dryRun(plan: Plan, deps: DryRunDeps): Promise<DryRun> {
  const at = plan.nextFireAt !== NEVER && plan.nextFireAt > deps.now ? plan.nextFireAt : deps.now;
  const audience = await deps.audiences.get(plan.audienceId);
  const grants = plan.actions.filter((a): a is GrantAction => a.type === 'grant');
  const sends = plan.actions.filter((a): a is MessageAction => a.type === 'message');
  const cap = plan.limits.frequencyCap === undefined ? deps.settings.frequencyCap : plan.limits.frequencyCap;
  const zone = plan.time.timeZone;
  const birthdayDate = plan.time.execution.mode === 'birthday' ? formatLocalDate(localDayOf(at, zone)) : null;
  const messages: DryRunMessages[] = sends.map((a) => ({ actionId: a.id, channel: a.channel, via: a.via, sendable: 0, skippedBy: {} }));
  let audienceSize = 0;
  let items = 0;
  let holdout = 0;

  const pages =
    audience.mode === 'snapshot'
      ? (async function* () {
          const ids = await deps.audiences.snapshotMembers(audience.id);
          for (let i = 0; i < ids.length; i += 2000) {
            const found = await deps.data.customers.findByIds(ids.slice(i, i + 2000)).exec();
            yield [...found.values()].map((d) => d.toMutableJSON() as CustomerDoc);
          }
        })()
      : memberPages(await compileAudience(audience.rule as AudienceRule, deps.data, { now: at, defaultZone: deps.defaultZone }), deps.data);
  for await (const page of pages) {
    audienceSize += page.length;
    const due = birthdayDate ? new Set(customersDue(plan.time, birthdayDate, page.map((c) => ({ id: c.externalId, birthday: c.birthday ?? null })))) : null;
    for (const customer of page) {
      if (due && !due.has(customer.externalId)) continue;
      items++;
      if (inHoldout(plan.id, customer.externalId, plan.holdoutPercent)) {
        holdout++;
        continue;
      }
      let history: MessageDoc[] | null = null;
      for (const [i, action] of sends.entries()) {
        const m = messages[i] as DryRunMessages;
        let reason: string | null = null;
        if (customer.consent?.[action.channel] !== true) reason = 'consent';
        else if (!addressOf(customer, action.channel)) reason = 'no-address';
        else if (cap) {
          history ??= await deps.messages.findEqual('customerId', customer.externalId);
          const sentAt = history.filter((h) => h.channel === action.channel && h.state === 'sent').map((h) => h.sentAt);
          if (!withinFrequencyCap(cap, sentAt, at)) reason = 'frequency-cap';
        }
        if (reason) m.skippedBy[reason] = (m.skippedBy[reason] ?? 0) + 1;
        else m.sendable++;
      }
    }
  }

  const stocks = await deps.rights.inventory.list();
  const rights: DryRunRights[] = [];
  const treated = items - holdout;
  let rightsValueCents = 0;
  for (const action of grants) {
    const own = stocks.filter((s) => s.ownerType === action.subject.type && s.ownerId === action.subject.id && s.state === 'active');
    const remaining = own.length > 0 ? own.reduce((n, s) => n + s.remaining, 0) : null;
    const name =
      action.subject.type === 'right'
        ? (await deps.rights.catalog.getRight(action.subject.id).catch(() => null))?.name
        : (await deps.rights.catalog.getPackage(action.subject.id).catch(() => null))?.name;
    const costCents = await subjectCostCents(deps.rights.catalog, action.subject);
    rightsValueCents += costCents * treated;
    rights.push({ actionId: action.id, subject: { type: action.subject.type, id: action.subject.id }, name: name ?? action.subject.id, needed: treated, costCents, remaining, enough: remaining === null || remaining >= treated });
  }

  // The slowest budget: each channel's current rate, and the plan's own limit.
  const rates = [plan.limits.maxRate ?? Infinity];
  for (const action of sends) {
    const downstream = deps.channelDownstream(action.via);
    if (downstream) rates.push(deps.throttles.get(downstream).snapshot().currentRate);
  }
  const rate = Math.min(...rates);
  const work = sends.length > 0 ? Math.max(0, ...messages.map((m) => m.sendable)) : treated;
  const seconds = Number.isFinite(rate) && rate > 0 ? work / rate : 0;
  const quiet = sends.length > 0 ? quietUntil(plan.limits.quietHours === undefined ? deps.settings.quietHours : plan.limits.quietHours, at, zone) : null;
  const start = quiet ?? at;
  return { planId: plan.id, at, audienceSize, items, holdout, rightsValueCents, rights, messages, quietUntil: quiet, rate: Number.isFinite(rate) ? rate : 0, seconds, expectedFinishAt: Math.round(start + seconds * 1000) };
}
