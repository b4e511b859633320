import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { PlanStateAction, PlanStateStatus } from '../core/i18n/locales/engine.ts';
import type { Actor } from '../core/rights/operation-record.ts';
import type { AppDatabase } from '../db/open-database.ts';
import type { JsonValue } from '../db/schemas/settings.ts';
import type { AudienceStore } from './audience/audience-store.ts';
import { ChannelRegistry, channelConfigSchema, parseChannelSettings, type ChannelConfig, type ChannelFactory } from './channels/index.ts';
import { dryRun, type DryRun } from './executor/dry-run.ts';
import { ENGINE_SETTINGS_KEY, engineSettingsSchema, loadEngineSettings, type EngineSettings, type EngineSettingsPatch } from './executor/engine-settings.ts';
import { Executor } from './executor/executor.ts';
import type { GovernanceSettings } from '../core/governance/governance.ts';
import type { Plan } from '../core/plans/plan.ts';
import { whoRunsPlan, type PlanRunner, type SiteRole } from '../core/plans/plan-runner.ts';
import { NEVER } from '../db/schemas/schema-fields.ts';
import { GovernanceService, loadGovernance } from './governance/governance-service.ts';
import { grantActionCosts } from './governance/rights-value.ts';
import { RiskGuard } from './governance/risk-guard.ts';
import type { EligibilityHook } from './executor/chunk-processor.ts';
import { RunStore } from './executor/run-store.ts';
import { PlanStore } from './plans/plan-store.ts';
import { shareUse, type ShareUse } from './plans/share-use.ts';
import { DocStore } from './rights/doc-store.ts';
import { actorLabel } from './rights/rights-catalog.ts';
import type { RightsService } from './rights/rights-service.ts';
import { LocalSchedules } from './scheduler/local-schedules.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { realTimer, ThrottleRegistry, type Timer } from './throttle/index.ts';

/** Settings keys of the engine in the database's settings store. */
const CHANNELS_KEY = 'engine.channels';
const RATES_KEY = 'engine.rates';

/** The outbox every data dir has: messages that no gateway is set up for yet still get out. */
export const DEFAULT_OUTBOX: ChannelConfig = { kind: 'outbox', id: 'outbox', dir: 'outbox', dedupeDays: 31 };

/** Items per second into the outbox file unless configured otherwise. */
const OUTBOX_RATE = 10_000;

const ratesSchema = z.record(z.string().min(1).max(100), z.number().positive().max(100_000));

export interface EngineOptions {
  database: AppDatabase;
  rights: RightsService;
  audiences: AudienceStore;
  clock: Clock;
  zone: string;
  dataDir: string;
  timer?: Timer;
  newId?: () => string;
  /** Channel kinds beyond the built-in ones (the plugin host's `plugin` kind). */
  channelKinds?: ReadonlyMap<string, ChannelFactory>;
  /** The marketing types' say on each chunk's customers (the plugin host). */
  eligibility?: EligibilityHook;
  /** A plan or run changed (the UI's live feeds). */
  onChange?: (what: 'plans' | 'runs', id: string) => void;
  /** What this installation is in the chain (the sync setup); standalone when absent. */
  role?: () => SiteRole;
  onError?: (error: unknown) => void;
}

/** How a plan runs on this installation (plan detail): who runs it, when next, with which settings. */
export interface PlanSiteView {
  role: SiteRole['kind'];
  /** This store's id at a store, else null. */
  storeId: string | null;
  runner: PlanRunner;
  /** The next fire here: the plan's own, this store's schedule of an HQ plan, or NEVER. */
  nextFireAt: number;
  /** The settings this installation runs it with (an HQ plan at a store: with the store's overrides). */
  effective: { quietHours?: Plan['limits']['quietHours']; maxRate?: number; timeZone: string };
}

/** A channel as the Settings screen shows it: secrets replaced by '••••'. */
export type ChannelView = Record<string, unknown> & { id: string; kind: string; downstream: string };

/** Settings of plugin channels whose names say they are secrets (API keys, tokens, passwords). */
const SECRET_SETTING = /secret|key|token|pass/i;

function redact(config: ChannelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of ['secret', 'pass']) if (typeof out[key] === 'string' && out[key] !== '') out[key] = '••••';
  if (config.kind === 'plugin') {
    out.settings = Object.fromEntries(Object.entries(config.settings).map(([k, v]) => [k, SECRET_SETTING.test(k) && typeof v === 'string' && v !== '' ? '••••' : v]));
  }
  return out;
}

/**
 * The engine of one data dir: plans, the scheduler, the executor, message channels and
 * throttles, with their settings kept in the database (they sync with HQ later).
 */
export class Engine {
  readonly plans: PlanStore;
  readonly runs: RunStore;
  readonly scheduler: Scheduler;
  readonly executor: Executor;
  readonly channels: ChannelRegistry;
  readonly throttles: ThrottleRegistry;
  /** Approval rules, approvals and risk limits. */
  readonly governance: GovernanceService;
  private settingsCache: EngineSettings;
  private channelConfigs: ChannelConfig[];
  private stopWatching: () => void = () => undefined;
  private readonly role: () => SiteRole;
  /** A store's own schedules of HQ's plans. */
  readonly localSchedules: LocalSchedules;

  private constructor(
    private readonly options: EngineOptions,
    settings: EngineSettings,
    channelConfigs: ChannelConfig[],
    governance: GovernanceSettings,
  ) {
    const { database, clock } = options;
    this.settingsCache = settings;
    this.channelConfigs = channelConfigs;
    this.throttles = new ThrottleRegistry(options.timer ?? realTimer, { maxRate: settings.defaultRate });
    this.channels = new ChannelRegistry({ dataDir: options.dataDir, clock, timeZone: options.zone });
    for (const [kind, factory] of options.channelKinds ?? []) this.channels.registerKind(kind, factory);
    for (const config of channelConfigs) {
      try {
        this.channels.create(config);
      } catch (error) {
        options.onError?.(error);
      }
    }
    this.role = options.role ?? (() => ({ kind: 'standalone' }));
    this.localSchedules = new LocalSchedules(database.db);
    this.plans = new PlanStore(database.collections.plans, clock, options.newId ?? (() => `P-${randomUUID().slice(0, 12)}`), this.role);
    this.runs = new RunStore(database.collections, clock);
    this.governance = new GovernanceService(
      {
        settings: database.settings,
        auditLog: database.collections.auditLog,
        plans: this.plans,
        clock,
        dryRun: (plan) => this.dryRunPlan(plan),
        onApproved: (planId) => this.executor.releaseApprovalHold(planId),
        onRejected: (planId, actor) => this.executor.cancelPlanRuns(planId, actor),
        onError: (error) => options.onError?.(error),
      },
      governance,
    );
    const costs = new Map<string, Promise<ReadonlyMap<string, number>>>();
    this.executor = new Executor({
      risk: new RiskGuard(database.collections, () => this.governance.riskLimits()),
      grantCosts: (run) => {
        // Per run (a run keeps its plan version); the newest few hundred runs are kept.
        let cost = costs.get(run.id);
        if (!cost) {
          if (costs.size > 500) costs.clear();
          cost = grantActionCosts(options.rights.catalog, run.plan.actions.flatMap((a) => (a.type === 'grant' ? [a] : [])));
          costs.set(run.id, cost);
        }
        return cost;
      },
      collections: database.collections,
      runs: this.runs,
      audiences: options.audiences,
      ledger: options.rights.ledger,
      channels: { get: (id) => this.channels.find(id) },
      throttles: this.throttles,
      clock,
      settings: () => Promise.resolve(this.settingsCache),
      defaultZone: options.zone,
      ...(options.eligibility ? { eligibility: options.eligibility } : {}),
      onChange: (id) => options.onChange?.('runs', id),
      onError: (error) => options.onError?.(error),
    });
    this.scheduler = new Scheduler({
      plans: database.collections.plans,
      auditLog: database.collections.auditLog,
      runs: this.runs,
      clock,
      onRuns: () => this.executor.wake(),
      onError: (error) => options.onError?.(error),
      role: this.role,
      localSchedules: this.localSchedules,
    });
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const store = options.database.settings;
    const settings = await loadEngineSettings(store);
    const stored = z.array(z.unknown()).safeParse((await store.get(CHANNELS_KEY))?.value ?? []);
    const configs: ChannelConfig[] = [];
    for (const raw of stored.success ? stored.data : []) {
      const parsed = channelConfigSchema.safeParse(raw);
      if (parsed.success) configs.push(parsed.data);
      else options.onError?.(new CampaignError('CH_CONFIG_INVALID', { channel: String((raw as { id?: unknown } | null)?.id ?? ''), path: '', reason: parsed.error.issues[0]?.message ?? 'invalid' }));
    }
    if (!configs.some((c) => c.id === DEFAULT_OUTBOX.id)) configs.unshift(DEFAULT_OUTBOX);
    const engine = new Engine(options, settings, configs, await loadGovernance(store));
    // The outbox is a local file: nothing downstream to protect, so its default budget is high.
    engine.throttles.configure(`channel:${DEFAULT_OUTBOX.id}`, { maxRate: OUTBOX_RATE });
    const rates = ratesSchema.safeParse((await store.get(RATES_KEY))?.value ?? {});
    if (rates.success) for (const [name, maxRate] of Object.entries(rates.data)) engine.throttles.configure(name, { maxRate });
    return engine;
  }

  /** Starts the scheduler and the executor loops (the app; tests tick and drain themselves). */
  start(): void {
    const stopPlans = this.plans.onChange((plan, command) => {
      if (command === 'cancel') void this.executor.cancelPlanRuns(plan.id, { type: 'system', id: 'engine' }).catch((e: unknown) => this.options.onError?.(e));
      this.options.onChange?.('plans', plan.id);
      this.scheduler.wake();
    });
    // Plans also change through sync (HQ publishes or edits one): the scheduler looks again.
    // Only for writes from the server: a local command has woken it already above,
    // and the scheduler's own writes (next fire times) need no second look.
    const synced = this.options.database.collections.plans.eventBulks$.subscribe((bulk) => {
      if (isWriteFromServer(bulk.context)) this.scheduler.wake();
    });
    this.stopWatching = () => {
      stopPlans();
      synced.unsubscribe();
    };
    this.scheduler.start();
    this.executor.start();
  }

  async close(): Promise<void> {
    this.stopWatching();
    this.scheduler.stop();
    await this.executor.stop();
    await this.channels.closeAll();
  }

  settings(): EngineSettings {
    return this.settingsCache;
  }

  async updateSettings(patch: EngineSettingsPatch, actor: Actor): Promise<EngineSettings> {
    const parsed = engineSettingsSchema.safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CampaignError('EN_PLAN_INVALID', { path: `settings.${issue?.path.join('.') ?? ''}`, reason: issue?.message ?? 'invalid' });
    }
    const next = { ...this.settingsCache, ...parsed.data };
    await this.options.database.settings.set(ENGINE_SETTINGS_KEY, { value: next as unknown as JsonValue, updatedAt: this.options.clock.now(), updatedBy: actorLabel(actor) });
    this.settingsCache = next;
    if (parsed.data.defaultRate) this.throttles.setDefaults({ maxRate: parsed.data.defaultRate });
    return next;
  }

  listChannels(): ChannelView[] {
    return this.channelConfigs.map((config) => ({ ...redact(config), id: config.id, kind: config.kind, downstream: this.channels.find(config.id)?.downstream ?? `channel:${config.id}` }));
  }

  /**
   * Adds or replaces a channel. A secret sent back as '••••' keeps the stored one. The channel
   * is built first, so invalid settings change nothing.
   */
  async saveChannel(input: unknown, actor: Actor): Promise<ChannelView[]> {
    const previous = this.channelConfigs.find((c) => c.id === (input as { id?: unknown } | null)?.id);
    const merged: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const key of ['secret', 'pass']) if (merged[key] === '••••' && previous) merged[key] = (previous as Record<string, unknown>)[key];
    if (previous?.kind === 'plugin' && typeof merged.settings === 'object' && merged.settings !== null) {
      const settings: Record<string, unknown> = { ...(merged.settings as Record<string, unknown>) };
      for (const [k, v] of Object.entries(settings)) if (v === '••••') settings[k] = previous.settings[k];
      merged.settings = settings;
    }
    const config = parseChannelSettings(channelConfigSchema, merged);
    await this.channels.replace(config);
    this.channelConfigs = [...this.channelConfigs.filter((c) => c.id !== config.id), config];
    await this.persistChannels(actor);
    return this.listChannels();
  }

  async removeChannel(id: string, actor: Actor): Promise<ChannelView[]> {
    if (id === DEFAULT_OUTBOX.id) throw new CampaignError('CH_CONFIG_INVALID', { channel: id, path: 'id', reason: 'the outbox cannot be removed' });
    await this.channels.remove(id);
    this.channelConfigs = this.channelConfigs.filter((c) => c.id !== id);
    await this.persistChannels(actor);
    return this.listChannels();
  }

  private async persistChannels(actor: Actor): Promise<void> {
    await this.options.database.settings.set(CHANNELS_KEY, { value: this.channelConfigs as unknown as JsonValue, updatedAt: this.options.clock.now(), updatedBy: actorLabel(actor) });
  }

  /** Changes a downstream's budget live (runs in flight follow at once) and keeps it. */
  async setRate(downstream: string, maxRate: number, actor: Actor): Promise<void> {
    this.throttles.configure(downstream, { maxRate });
    const current = ratesSchema.safeParse((await this.options.database.settings.get(RATES_KEY))?.value ?? {});
    const rates = { ...(current.success ? current.data : {}), [downstream]: maxRate };
    await this.options.database.settings.set(RATES_KEY, { value: rates, updatedAt: this.options.clock.now(), updatedBy: actorLabel(actor) });
  }

  /** Creates the run of "now" for a plan (the Run now button): an occurrence of its own. */
  async runNow(planId: string): Promise<string> {
    const stored = await this.plans.get(planId);
    if (whoRunsPlan(stored, this.role()) === 'elsewhere') throw new CampaignError('EN_NOT_RUN_HERE', { id: planId });
    const plan = this.plans.forThisSite(stored);
    if (plan.status === 'pending-approval') throw new CampaignError('GV_PENDING_APPROVAL', { id: planId });
    if (plan.status === 'draft' || plan.status === 'cancelled') throw new CampaignError('EN_PLAN_STATE', { id: planId, status: plan.status satisfies PlanStateStatus, action: 'run-now' satisfies PlanStateAction });
    const at = this.options.clock.now();
    const { run } = await this.runs.create(plan, { occurrence: `manual-${new Date(at).toISOString()}`, trigger: 'manual', scheduledAt: at });
    this.executor.wake();
    return run.id;
  }

  /** What this installation's plans still want of a right or package (see `shareUse`). */
  shareUse(ownerType: 'right' | 'package', ownerId: string): Promise<ShareUse> {
    return shareUse({ type: ownerType, id: ownerId }, { plans: this.options.database.collections.plans, runs: this.runs, localSchedules: this.localSchedules, role: this.role() });
  }

  /** How `plan` runs here (see `PlanSiteView`). */
  async siteView(plan: Plan): Promise<PlanSiteView> {
    const role = this.role();
    const runner = whoRunsPlan(plan, role);
    const effective = this.plans.forThisSite(plan);
    const nextFireAt = runner === 'elsewhere' ? NEVER : runner === 'here' ? plan.nextFireAt : ((await this.localSchedules.get(plan.id))?.nextFireAt ?? NEVER);
    return {
      role: role.kind,
      storeId: role.kind === 'store' ? role.storeId : null,
      runner,
      nextFireAt,
      effective: {
        ...(effective.limits.quietHours !== undefined ? { quietHours: effective.limits.quietHours } : {}),
        ...(effective.limits.maxRate !== undefined ? { maxRate: effective.limits.maxRate } : {}),
        timeZone: effective.time.timeZone,
      },
    };
  }

  async dryRun(planId: string): Promise<DryRun> {
    return this.dryRunPlan(this.plans.forThisSite(await this.plans.get(planId)));
  }

  /** The dry run of a plan as given (e.g. an edit not stored yet). */
  dryRunPlan(plan: Plan): Promise<DryRun> {
    const { database } = this.options;
    return dryRun(plan, {
      audiences: this.options.audiences,
      data: { customers: database.collections.customers, events: database.collections.events },
      rights: this.options.rights,
      messages: new DocStore(database.collections.messages),
      throttles: this.throttles,
      channelDownstream: (via) => this.channels.find(via)?.downstream,
      settings: this.settingsCache,
      defaultZone: this.options.zone,
      now: this.options.clock.now(),
    });
  }
}

/** RxDB's replication writes what it pulls under this context prefix… */
const PULL_CONTEXT = 'replication-downstream-';
/** …and the server's version after a refused push (a conflict) under this one. */
const CONFLICT_CONTEXT = 'replication-up-write-conflict';

/** Whether a write came from the sync server (pulled, or its answer to a conflict), not from this app. */
export function isWriteFromServer(context: string): boolean {
  return context.startsWith(PULL_CONTEXT) || context === CONFLICT_CONTEXT;
}
