/**
 * The Campaign Desk plugin API: the whole public surface a plugin may use.
 *
 * A plugin is a package (a folder or a `.cdplugin` archive) with a `plugin.json` manifest and
 * one JavaScript entry file whose default export is `definePlugin({ activate })`. The entry runs
 * isolated from the app (in a worker, in a fresh JavaScript realm): it sees only the
 * {@link PluginContext} handed to `activate` — no Node modules, no file system, no network
 * except {@link PluginContext.fetch} to the hosts its manifest declares and the user granted.
 * Everything that crosses between the app and the plugin is plain JSON.
 *
 * This file is self-contained (it imports nothing), so `campaign-desk plugin init` copies it
 * into a new plugin and `plugin pack` bundles the one helper it has ({@link definePlugin}).
 *
 * Compatibility: the app runs a plugin when the app's {@link apiVersion} satisfies the
 * manifest's `apiVersion` range (semver). Members are deprecated before they are removed;
 * see CHANGELOG.md beside this file.
 */

/**
 * The version of this API. Semver: a minor version adds members, a major one removes them.
 * @since 1.0.0
 */
export const apiVersion = '1.0.0';

// ---------------------------------------------------------------------------------------
// Basics

/**
 * Text in both languages of the app.
 * @since 1.0.0
 */
export interface Localized {
  /** @since 1.0.0 */
  en: string;
  /** @since 1.0.0 */
  'zh-CN': string;
}

/**
 * Something to undo: every `register*` call returns one. Disposing removes the contribution.
 * Everything a plugin registered is disposed when it is disabled or stopped.
 * @since 1.0.0
 */
export interface Disposable {
  /** @since 1.0.0 */
  dispose(): void;
}

/**
 * Says that the app no longer needs the result of a long call (the run was paused or
 * cancelled, the plugin is being stopped). Check it in long loops and stop early.
 * @since 1.0.0
 */
export interface CancellationToken {
  /** @since 1.0.0 */
  readonly isCancellationRequested: boolean;
  /** @since 1.0.0 */
  onCancellationRequested(listener: () => void): Disposable;
}

/**
 * A JSON Schema (draft 2020-12 subset) for a form the app renders: a flat object of strings,
 * numbers, integers, booleans and enums, with `title`, `description`, `default`, bounds.
 * @since 1.0.0
 */
export interface FormSchema {
  /** @since 1.0.0 */
  type: 'object';
  /** @since 1.0.0 */
  title?: string;
  /** @since 1.0.0 */
  description?: string;
  /** @since 1.0.0 */
  properties: Record<string, FormField>;
  /** @since 1.0.0 */
  required?: string[];
}

/** @since 1.0.0 */
export interface FormField {
  /** @since 1.0.0 */
  type: 'string' | 'number' | 'integer' | 'boolean';
  /** @since 1.0.0 */
  title?: string;
  /** @since 1.0.0 */
  description?: string;
  /** @since 1.0.0 */
  enum?: (string | number)[];
  /** @since 1.0.0 */
  format?: 'date' | 'date-time' | 'email' | 'uri';
  /** @since 1.0.0 */
  minimum?: number;
  /** @since 1.0.0 */
  maximum?: number;
  /** @since 1.0.0 */
  minLength?: number;
  /** @since 1.0.0 */
  maxLength?: number;
  /** @since 1.0.0 */
  pattern?: string;
  /** @since 1.0.0 */
  default?: string | number | boolean;
}

/** Plain JSON values, the only kind that crosses between app and plugin. @since 1.0.0 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------
// The plan model, as plain JSON (the app validates everything a plugin returns)

/** A customer channel. @since 1.0.0 */
export type CustomerChannel = 'sms' | 'email' | 'wechat' | 'app';

/** Behaviour event types. @since 1.0.0 */
export type EventType = 'browse' | 'addToCart' | 'order' | 'refund' | 'interaction';

/** A look-back window: exactly one of days or hours. @since 1.0.0 */
export type TimeWindow = { days: number; hours?: undefined } | { hours: number; days?: undefined };

/** Narrows behaviour events. @since 1.0.0 */
export interface EventFilter {
  /** @since 1.0.0 */
  category?: string;
  /** @since 1.0.0 */
  productId?: string;
  /** @since 1.0.0 */
  interaction?: 'message' | 'like' | 'share';
}

/**
 * One condition of an audience rule. See the README's "Audiences" chapter for each kind.
 * @since 1.0.0
 */
export type Condition =
  | { kind: 'consent'; channel: CustomerChannel }
  | {
      kind: 'attribute';
      field: 'level' | 'points' | 'growth' | 'totalSpend' | 'storeId' | 'gender' | 'tags' | 'registeredAt' | 'lastOrderAt';
      cmp: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'notIn' | 'between' | 'exists' | 'hasAny' | 'hasAll';
      value: string | number | boolean | (string | number | boolean)[];
    }
  | { kind: 'birthday'; when: 'today' | 'thisWeek' | 'thisMonth'; offsetDays?: number }
  | { kind: 'fan'; isFan?: boolean; minDays?: number; maxDays?: number }
  | { kind: 'behaviour'; event: EventType; within: TimeWindow; filter?: EventFilter; minCount?: number }
  | { kind: 'absence'; event: EventType; within: TimeWindow; filter?: EventFilter; thenNo: EventType }
  | { kind: 'sample'; percent: number; seed: string };

/** An audience rule tree. @since 1.0.0 */
export type RuleNode =
  | { op: 'and'; children: RuleNode[] }
  | { op: 'or'; children: RuleNode[] }
  | { op: 'not'; child: RuleNode }
  | Condition;

/** A versioned audience rule. @since 1.0.0 */
export interface AudienceRule {
  /** @since 1.0.0 */
  version: 1;
  /** @since 1.0.0 */
  root: RuleNode;
}

/**
 * When a plan runs. Dates 'YYYY-MM-DD' and times 'HH:MM' are read in the store's time zone.
 * @since 1.0.0
 */
export type ExecutionTime =
  | { mode: 'periodic'; expression: string }
  | { mode: 'birthday'; scope: 'day' | 'week' | 'month'; offsetDays?: number; time: string; leapDay?: 'feb28' | 'mar1'; weekStartsOn?: 0 | 1 }
  | { mode: 'fixed'; at: string }
  | { mode: 'immediate' }
  | { mode: 'delayed'; delay: { amount: number; unit: 'minutes' | 'hours' | 'days' } };

/**
 * A plan's time settings without the zone (the store's zone is filled in by the app).
 * `period` is a period expression for when benefits are valid (e.g. a member day's window).
 * @since 1.0.0
 */
export interface PlanTiming {
  /** @since 1.0.0 */
  effective: { start?: string | null; end?: string | null };
  /** @since 1.0.0 */
  period?: string | null;
  /** @since 1.0.0 */
  execution: ExecutionTime;
}

/** Message text in one language; `{{name}}`, `{{couponCode}}`, `{{expiry}}`, `{{store}}`… @since 1.0.0 */
export interface MessageText {
  /** @since 1.0.0 */
  subject?: string;
  /** @since 1.0.0 */
  body: string;
}

/** What a plan does for each customer. @since 1.0.0 */
export type PlanAction =
  | { id: string; type: 'grant'; subject: { type: 'right' | 'package'; id: string; version?: number } }
  | { id: string; type: 'message'; channel: CustomerChannel; via: string; template: { 'zh-CN'?: MessageText; en?: MessageText } };

/** Per-plan limits; a missing field means the app's settings apply. @since 1.0.0 */
export interface PlanLimits {
  /** @since 1.0.0 */
  quietHours?: { start: string; end: string } | null;
  /** @since 1.0.0 */
  frequencyCap?: { max: number; days: number } | null;
  /** @since 1.0.0 */
  maxRate?: number;
  /** @since 1.0.0 */
  maxAttempts?: number;
}

/**
 * The starting point a marketing type gives the plan editor. The user edits every part.
 * Grant actions name rights the store has; leave them out when the type cannot know them.
 * @since 1.0.0
 */
export interface PlanTemplate {
  /** @since 1.0.0 */
  name: Localized;
  /** @since 1.0.0 */
  description?: Localized;
  /** @since 1.0.0 */
  audience: { name: Localized; rule: AudienceRule };
  /** @since 1.0.0 */
  timing: PlanTiming;
  /** @since 1.0.0 */
  actions: PlanAction[];
  /** @since 1.0.0 */
  limits?: PlanLimits;
  /** @since 1.0.0 */
  misfire?: 'fire-once' | 'skip';
}

/**
 * What a template may depend on besides its config: the time and the store's zone (e.g. a
 * festival plan is dated from the next festival after `now`).
 * @since 1.0.0
 */
export interface TemplateContext {
  /** Now, ISO 8601 with offset. @since 1.0.0 */
  now: string;
  /** The store's IANA time zone. @since 1.0.0 */
  timeZone: string;
}

/**
 * A plan as hooks see it (read-only JSON). `config` holds the values of the marketing type's
 * config form.
 * @since 1.0.0
 */
export interface PlanView {
  /** @since 1.0.0 */
  id: string;
  /** @since 1.0.0 */
  name: string;
  /** @since 1.0.0 */
  storeId: string;
  /** @since 1.0.0 */
  marketingType: string;
  /** @since 1.0.0 */
  timeZone: string;
  /** @since 1.0.0 */
  timing: PlanTiming;
  /** @since 1.0.0 */
  actions: PlanAction[];
  /** @since 1.0.0 */
  config: Record<string, Json>;
}

/**
 * A customer as hooks see it: no phone or e-mail address (plugins do not get contact data).
 * Instants are ISO 8601 strings.
 * @since 1.0.0
 */
export interface CustomerView {
  /** @since 1.0.0 */
  id: string;
  /** @since 1.0.0 */
  storeId: string;
  /** @since 1.0.0 */
  name: string;
  /** @since 1.0.0 */
  gender: 'female' | 'male' | 'unknown';
  /** @since 1.0.0 */
  birthday: string | null;
  /** @since 1.0.0 */
  level: number;
  /** @since 1.0.0 */
  tags: string[];
  /** @since 1.0.0 */
  points: number;
  /** @since 1.0.0 */
  growth: number;
  /** @since 1.0.0 */
  isFan: boolean;
  /** @since 1.0.0 */
  fanSince: string | null;
  /** @since 1.0.0 */
  registeredAt: string;
  /** @since 1.0.0 */
  totalSpend: number;
  /** @since 1.0.0 */
  lastOrderAt: string | null;
}

/** The run a hook is called for. @since 1.0.0 */
export interface RunView {
  /** @since 1.0.0 */
  id: string;
  /** @since 1.0.0 */
  planId: string;
  /** The occurrence being run (ISO 8601). @since 1.0.0 */
  occurrence: string;
}

// ---------------------------------------------------------------------------------------
// Contributions

/**
 * A marketing type (营销类型): a product built on the plan model, e.g. "birthday care".
 * @since 1.0.0
 */
export interface MarketingType {
  /** Unique within the plugin: letters, digits and `-`. @since 1.0.0 */
  id: string;
  /** @since 1.0.0 */
  name: Localized;
  /** @since 1.0.0 */
  description: Localized;
  /** An Element Plus icon name (e.g. 'Present', 'Calendar') shown in the type picker. @since 1.0.0 */
  icon: string;
  /** The type's own settings, stored with each plan as `config` and shown as a form. @since 1.0.0 */
  configSchema?: FormSchema;
  /** The plan the editor starts from, given the config form's values and the current time. @since 1.0.0 */
  template(config: Record<string, Json>, context: TemplateContext): PlanTemplate;
  /**
   * Optional: a say on each customer of a chunk just before it is executed. Return one entry
   * per customer, in order: `null` to go on, or a short reason to skip (shown in the run's
   * summary). Called with at most a few hundred customers at a time.
   * @since 1.0.0
   */
  eligibility?(customers: CustomerView[], plan: PlanView, run: RunView, token: CancellationToken): (string | null)[] | Promise<(string | null)[]>;
  /**
   * Optional: a per-customer execution time inside the occurrence being run (ISO 8601), or
   * `null` for "now". Items due later wait until their time.
   * @since 1.0.0
   */
  executionTime?(customer: CustomerView, plan: PlanView, run: RunView): string | null;
  /** Optional: one sentence describing a plan of this type, for lists and the review step. @since 1.0.0 */
  describe?(plan: PlanView, locale: 'en' | 'zh-CN'): string;
}

/**
 * An audience condition kind: a named, parameterised condition that expands into the rule
 * language when the user inserts it in the audience builder (so saved audiences keep working
 * when the plugin is disabled).
 * @since 1.0.0
 */
export interface AudienceConditionKind {
  /** Unique within the plugin; listed under the manifest's `contributes`. @since 1.0.0 */
  id: string;
  /** Shown in the app's pickers. @since 1.0.0 */
  name: Localized;
  /** One or two sentences under the name. @since 1.0.0 */
  description?: Localized;
  /** The form the user fills in when choosing it. @since 1.0.0 */
  paramsSchema: FormSchema;
  /** @since 1.0.0 */
  expand(params: Record<string, Json>): RuleNode;
}

/**
 * A time mode: a named way to set a plan's timing from a few parameters (e.g. "the last
 * Friday of each month at 10:00").
 * @since 1.0.0
 */
export interface TimeMode {
  /** Unique within the plugin; listed under the manifest's `contributes`. @since 1.0.0 */
  id: string;
  /** Shown in the app's pickers. @since 1.0.0 */
  name: Localized;
  /** One or two sentences under the name. @since 1.0.0 */
  description?: Localized;
  /** The form the user fills in when choosing it. @since 1.0.0 */
  paramsSchema: FormSchema;
  /** @since 1.0.0 */
  resolve(params: Record<string, Json>): PlanTiming;
}

/**
 * A right type: a benefit kind the rights editor offers, with the fields of its parameters.
 * Grants of it are recorded by the app's ledger like any custom right.
 * @since 1.0.0
 */
export interface RightType {
  /** Unique within the plugin; listed under the manifest's `contributes`. @since 1.0.0 */
  id: string;
  /** Shown in the app's pickers. @since 1.0.0 */
  name: Localized;
  /** One or two sentences under the name. @since 1.0.0 */
  description?: Localized;
  /** The form the user fills in when choosing it. @since 1.0.0 */
  paramsSchema: FormSchema;
}

/**
 * One message to deliver. `address` is the customer's phone or e-mail for the channel.
 * @since 1.0.0
 */
export interface OutgoingMessage {
  /** Stable per (plan, occurrence, customer, action): send it with the request so the provider can de-duplicate. @since 1.0.0 */
  idempotencyKey: string;
  /** @since 1.0.0 */
  channel: CustomerChannel;
  /** @since 1.0.0 */
  address: string;
  /** @since 1.0.0 */
  subject?: string;
  /** @since 1.0.0 */
  body: string;
  /** @since 1.0.0 */
  locale: 'en' | 'zh-CN';
}

/**
 * The outcome of a send. `retryable` failures are retried with backoff (after
 * `retryAfterMs` at least); others are parked as failed with `error` as the reason.
 * @since 1.0.0
 */
export type SendResult = { ok: true; providerId?: string } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/**
 * A message channel (e.g. an SMS provider): the engine throttles and retries around `send`.
 * @since 1.0.0
 */
export interface MessageChannelProvider {
  /** Unique within the plugin; listed under the manifest's `contributes`. @since 1.0.0 */
  id: string;
  /** Shown in the app's pickers. @since 1.0.0 */
  name: Localized;
  /** Which customer channels it can carry. @since 1.0.0 */
  channels: CustomerChannel[];
  /** Settings of one configured instance (API key, sender id…); secrets are marked by `format: 'password'`-less fields named *secret*, *key* or *token*. @since 1.0.0 */
  configSchema?: FormSchema;
  /** @since 1.0.0 */
  send(message: OutgoingMessage, config: Record<string, Json>, token: CancellationToken): Promise<SendResult>;
}

// ---------------------------------------------------------------------------------------
// The context

/** A response of {@link PluginContext.fetch}. @since 1.0.0 */
export interface FetchResponse {
  /** @since 1.0.0 */
  status: number;
  /** @since 1.0.0 */
  headers: Record<string, string>;
  /** @since 1.0.0 */
  body: string;
}

/** A request of {@link PluginContext.fetch}. @since 1.0.0 */
export interface FetchRequest {
  /** @since 1.0.0 */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** @since 1.0.0 */
  headers?: Record<string, string>;
  /** @since 1.0.0 */
  body?: string;
  /** Milliseconds before the request is abandoned (default 10,000; at most 60,000). @since 1.0.0 */
  timeoutMs?: number;
}

/**
 * What `activate` receives: the plugin's only way to the app.
 * @since 1.0.0
 */
export interface PluginContext {
  /** The manifest's id. @since 1.0.0 */
  readonly pluginId: string;
  /** The app's API version (satisfies the manifest's range). @since 1.0.0 */
  readonly apiVersion: string;
  /** The values of the manifest's `configSchema` form, as the user saved them. @since 1.0.0 */
  readonly config: Readonly<Record<string, Json>>;
  /** Everything registered here is disposed when the plugin stops. @since 1.0.0 */
  readonly subscriptions: Disposable[];
  /** Lines for the plugin's log in the Plugins screen. @since 1.0.0 */
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Each id must be declared under `contributes` in the manifest. @since 1.0.0 */
  registerMarketingType(type: MarketingType): Disposable;
  /** @since 1.0.0 */
  registerAudienceCondition(kind: AudienceConditionKind): Disposable;
  /** @since 1.0.0 */
  registerTimeMode(mode: TimeMode): Disposable;
  /** @since 1.0.0 */
  registerRightType(type: RightType): Disposable;
  /** @since 1.0.0 */
  registerMessageChannel(provider: MessageChannelProvider): Disposable;
  /** HTTP(S) to a host listed in the manifest's `permissions.network`; anything else is refused. @since 1.0.0 */
  fetch(url: string, request?: FetchRequest): Promise<FetchResponse>;
}

/**
 * What a plugin's entry exports by default.
 * @since 1.0.0
 */
export interface PluginDefinition {
  /** @since 1.0.0 */
  activate(context: PluginContext): void | Promise<void>;
  /** @since 1.0.0 */
  deactivate?(): void | Promise<void>;
}

/**
 * Declares a plugin; returns its argument (it exists for the types).
 * @since 1.0.0
 */
export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return definition;
}

// ---------------------------------------------------------------------------------------
// The manifest (plugin.json)

/**
 * `plugin.json`. The app refuses a package whose manifest does not match this shape.
 * @since 1.0.0
 */
export interface PluginManifest {
  /** Reverse-domain style, lower case: `com.example.win-back`. @since 1.0.0 */
  id: string;
  /** @since 1.0.0 */
  name: Localized;
  /** @since 1.0.0 */
  description?: Localized;
  /** Semver of the plugin itself. @since 1.0.0 */
  version: string;
  /** Who signs it; trust is given per publisher key. @since 1.0.0 */
  publisher: string;
  /** Semver range of this API the plugin works with, e.g. `^1.0.0`. @since 1.0.0 */
  apiVersion: string;
  /** The built JavaScript file, relative to the package root. @since 1.0.0 */
  entry: string;
  /** Ids of what `activate` registers; registering anything else is refused. @since 1.0.0 */
  contributes: {
    marketingTypes?: string[];
    audienceConditions?: string[];
    timeModes?: string[];
    rightTypes?: string[];
    messageChannels?: string[];
  };
  /** @since 1.0.0 */
  permissions?: {
    /** Host names (optionally `host:port`) the plugin may call with `fetch`. */
    network?: string[];
  };
  /** The plugin's settings form. @since 1.0.0 */
  configSchema?: FormSchema;
}
