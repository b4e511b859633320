import type { RxCollection, RxStorageDefaultCheckpoint, WithDeleted } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import type { Subscription } from 'rxjs';
import type { Clock } from '../core/clock.ts';
import { CampaignError, serializeError, type SerializedError } from '../core/errors/campaign-error.ts';
import type { NotConfiguredReason } from '../core/i18n/locales/sync.ts';
import type { ErrorCode } from '../core/errors/codes.ts';
import type { SiteRole } from '../core/plans/plan-runner.ts';
import { setAuditStore } from '../db/audit-device.ts';
import type { AppDatabase } from '../db/open-database.ts';
import type { LocalAllotments } from './allotment-client.ts';
import { ChainShares, type NewChainStock, type SharesView, type ShareUseOf } from './chain-shares.ts';
import { countChangedSince, pendingPushCount, readStoredPushCheckpoint, statusDelayMs } from './pending-changes.ts';
import { replicateCollection } from './replicate-collection.ts';
import { SyncConfigFile, syncIdentitySchema, type SyncConfig, type SyncIdentity } from './sync-config.ts';
import { SyncHttpClient, type PublishTargets, type PushRowOut, type SyncCheckpoint } from './sync-http-client.ts';
import { canPush, prepareForPush, shouldPush, SYNC_COLLECTIONS, type SyncCollectionName } from './sync-scope.ts';
import type { CollectionSyncStatus, SyncConnection, SyncRefusal, SyncStatus } from './sync-status.ts';

type Doc = Record<string, unknown>;

export interface SyncServiceOptions {
  database: AppDatabase;
  dataDir: string;
  clock: Clock;
  /** Told (at most every 100 ms) when the status changed. */
  onStatus?: (status: SyncStatus) => void;
  /** Ms before a failed pull or push is retried (default 5 s). */
  retryTime?: number;
  /** Live stream reconnect delays (default 0.5 s doubling to 30 s). */
  reconnectMs?: { min: number; max: number };
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** The local stocks chain stock shares are recorded in (the rights inventory); none = no shares. */
  allotments?: LocalAllotments;
  /** How often a store settles its shares and tops them up (default 60 s). */
  sharesEveryMs?: number;
  /** What the store's plans still want of a right or package: a share whose plans all ended is given back. */
  shareUse?: ShareUseOf;
}

export interface SyncSetupInput {
  serverUrl: string;
  token: string;
}

export interface StoreInfo {
  id: string;
  name: string;
}

/** Codes with which the server refuses one document of a push (the rest can still go). */
const DOCUMENT_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SY_FOREIGN_STORE', 'SY_READ_ONLY_DOCUMENT', 'SY_INVALID_DOCUMENT', 'SY_APPEND_ONLY']);
const MAX_REFUSALS = 50;

interface Running {
  collection: SyncCollectionName;
  replication: RxReplicationState<Doc, SyncCheckpoint>;
  subscriptions: Subscription[];
  status: CollectionSyncStatus;
  /** Whether this credential sends local changes (else nothing is ever pending). */
  push: boolean;
}

function emptyStatus(collection: SyncCollectionName): CollectionSyncStatus {
  return { collection, state: 'idle', pending: 0, pulled: 0, pushed: 0, keptLocal: 0, lastPulledAt: null, lastPushedAt: null, lastError: null };
}

/** A failure as a CampaignError: ours as thrown; anything else (a bug, RxDB) named by its code. */
export function asCampaignError(error: unknown, url: string): CampaignError {
  if (error instanceof CampaignError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? `${code}: ${String((error as Error).message).split('\n')[0]}` : error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return new CampaignError('SY_BAD_RESPONSE', { url, reason: reason.slice(0, 300) });
}

function isOffline(error: CampaignError): boolean {
  return error.code === 'SY_NETWORK' || (error.code === 'SY_BAD_RESPONSE' && /HTTP 5\d\d/.test(String(error.params['reason'] ?? '')));
}

/**
 * The app's side of sync: the setup (server URL and credential, `sync.json`), one RxDB
 * replication per synced collection while enabled, and the status the Sync screen shows.
 * HQ credentials also list stores and publish HQ documents to them.
 */
export class SyncService {
  private readonly file: SyncConfigFile;
  private config: SyncConfig | null = null;
  private configError: CampaignError | null = null;
  private client: SyncHttpClient | null = null;
  private running = new Map<SyncCollectionName, Running>();
  private refusals: SyncRefusal[] = [];
  private connection: SyncConnection = 'not-configured';
  private connectionError: SerializedError | null = null;
  private lastSyncAt: number | null = null;
  private notifyTimer: NodeJS.Timeout | undefined;
  private shares: ChainShares | null = null;
  private sharesTimer: NodeJS.Timeout | undefined;
  private sharesState: SyncStatus['shares'] = { lastSettledAt: null, error: null };
  private closed = false;
  /** The running count of changes to send (one at a time: a later one never loses to an older). */
  private pendingRefresh: Promise<void> = Promise.resolve();
  /** How long the last count of the changes to send took (ms). */
  private lastRefreshMs = 0;
  /** While paused: each collection's stored push checkpoint (it cannot move) and what waits. */
  private paused = new Map<SyncCollectionName, { checkpoint: RxStorageDefaultCheckpoint | undefined; pending: number }>();
  private pausedSubscriptions: Subscription[] = [];

  constructor(private readonly options: SyncServiceOptions) {
    this.file = new SyncConfigFile(options.dataDir);
    try {
      this.config = this.file.read();
    } catch (error) {
      this.configError = error as CampaignError;
    }
    this.connection = this.config ? (this.config.enabled ? 'connecting' : 'disabled') : 'not-configured';
  }

  /**
   * What this installation is in the chain, for running plans: the store or HQ of its setup
   * (paused or not), standalone when none is set up.
   */
  siteRole(): SiteRole {
    const identity = this.config?.identity;
    if (!identity) return { kind: 'standalone' };
    return identity.kind === 'store' ? { kind: 'store', storeId: identity.storeId } : { kind: 'hq' };
  }

  /** Starts replicating when sync is set up and enabled. */
  async start(): Promise<void> {
    if (this.config?.enabled) await this.startReplications(this.config);
    else if (this.config) await this.loadPaused(this.config);
  }

  status(): SyncStatus {
    return {
      connection: this.connection,
      serverUrl: this.config?.serverUrl ?? null,
      identity: this.config?.identity ?? null,
      lastSyncAt: this.lastSyncAt,
      error: this.configError ? serializeError(this.configError) : this.connectionError,
      shares: { ...this.sharesState },
      collections: SYNC_COLLECTIONS.map((c) => {
        const running = this.running.get(c);
        if (running) return { ...running.status };
        return { ...emptyStatus(c), pending: this.paused.get(c)?.pending ?? 0 };
      }),
      refusals: [...this.refusals],
    };
  }

  /**
   * Checks the credential with the server (`/whoami`), saves the setup and starts syncing.
   * Nothing is saved when the server cannot be reached or refuses the credential.
   */
  async configure(input: SyncSetupInput): Promise<SyncStatus> {
    const config = await checkCredential(input, this.options.timeoutMs);
    await this.stopReplications();
    this.file.write(config);
    this.config = config;
    this.configError = null;
    this.refusals = [];
    this.lastSyncAt = null;
    await this.startReplications(config);
    return this.status();
  }

  /** Pauses or resumes syncing (the setup is kept). */
  async setEnabled(enabled: boolean): Promise<SyncStatus> {
    const config = this.requireConfig();
    const next = { ...config, enabled };
    this.file.write(next);
    this.config = next;
    if (enabled) await this.startReplications(next);
    else {
      await this.stopReplications();
      this.setConnection('disabled', null);
      await this.loadPaused(next);
    }
    return this.status();
  }

  /** Stops syncing and forgets the server and credential. Local data stays. */
  async disconnect(): Promise<SyncStatus> {
    await this.stopReplications();
    this.clearPaused();
    this.file.remove();
    this.config = null;
    this.configError = null;
    this.refusals = [];
    this.lastSyncAt = null;
    this.setConnection('not-configured', null);
    return this.status();
  }

  /** Pulls and pushes everything now and waits until in step (or throws the first failure). */
  async syncNow(timeoutMs = 30_000): Promise<SyncStatus> {
    const config = this.requireConfig();
    if (!config.enabled) throw new CampaignError('SY_NOT_CONFIGURED', { reason: 'paused' satisfies NotConfiguredReason });
    await this.awaitInSync([...this.running.keys()], timeoutMs);
    await this.settleShares();
    await this.refreshPending();
    return this.status();
  }

  /** Chain stocks and leases (HQ: all; a store: its own, with what it can still grant). */
  sharesView(): Promise<SharesView> {
    return this.requireShares().view();
  }

  /** A store leases part of a chain stock and records it as a local allotment. */
  async requestShare(stockId: string, units: number): Promise<SharesView> {
    await this.requireShares().request(stockId, units);
    return this.sharesView();
  }

  /** A store gives back what it has not granted of a chain stock. */
  async returnShares(stockId: string): Promise<SharesView> {
    await this.requireShares().giveBack(stockId);
    return this.sharesView();
  }

  async createChainStock(input: NewChainStock): Promise<SharesView> {
    await this.requireShares().createStock(input);
    return this.sharesView();
  }

  async addChainUnits(stockId: string, units: number): Promise<SharesView> {
    await this.requireShares().addUnits(stockId, units);
    return this.sharesView();
  }

  private requireShares(): ChainShares {
    const config = this.requireConfig();
    this.shares ??= new ChainShares(this.clientFor(config), config.identity, this.options.allotments ?? null, () => this.options.clock.now(), this.options.shareUse);
    return this.shares;
  }

  /** One settle-and-top-up round of a store's shares; failures show in the status, never throw. */
  private async settleShares(): Promise<void> {
    if (!this.shares || this.config?.identity.kind !== 'store' || !this.options.allotments) return;
    try {
      await this.shares.tick();
      this.sharesState = { lastSettledAt: this.options.clock.now(), error: null };
    } catch (error) {
      this.sharesState = { ...this.sharesState, error: serializeError(asCampaignError(error, this.config.serverUrl)) };
    }
    this.notify();
  }

  /** Stores registered at HQ (HQ credentials only). */
  async listStores(): Promise<StoreInfo[]> {
    const client = this.requireHq();
    const answer = await client.request<{ stores: StoreInfo[] }>('GET', '/hq/stores');
    return answer.stores.map((s) => ({ id: s.id, name: s.name }));
  }

  /**
   * Publishes HQ documents (storeId '') to all stores, none, or the named ones. Local changes
   * are sent first, so what the stores get is what HQ sees.
   */
  async publish(collection: SyncCollectionName, ids: string[], targets: PublishTargets): Promise<{ published: number }> {
    const client = this.requireHq();
    await this.awaitInSync([collection], 30_000);
    const docIds = collection === 'rights' || collection === 'rightsPackages' ? await this.versionIdsOf(collection, ids) : ids;
    const answer = await client.request<{ published: unknown }>('POST', `/hq/publish/${collection}`, { ids: docIds, targets });
    return { published: Array.isArray(answer.published) ? answer.published.length : Number(answer.published) || ids.length };
  }

  /**
   * Rights and packages are stored one document per version: publishing one publishes every
   * version, since a store's grants may point at any. Ids already naming a version pass through.
   */
  private async versionIdsOf(collection: 'rights' | 'rightsPackages', ids: string[]): Promise<string[]> {
    const rx = this.options.database.collections[collection] as unknown as RxCollection<{ id: string; versionId: string }>;
    const versions = await rx.find({ selector: { id: { $in: ids } } }).exec();
    const found = new Set(versions.map((v) => v.id));
    return [...versions.map((v) => v.versionId), ...ids.filter((id) => !found.has(id))];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.notifyTimer);
    this.clearPaused();
    await this.stopReplications();
  }

  private requireConfig(): SyncConfig {
    if (this.configError) throw this.configError;
    if (!this.config) throw new CampaignError('SY_NOT_CONFIGURED', { reason: 'no-server' satisfies NotConfiguredReason });
    return this.config;
  }

  private requireHq(): SyncHttpClient {
    const config = this.requireConfig();
    if (config.identity.kind !== 'hq') throw new CampaignError('SY_HQ_ONLY', { storeId: config.identity.storeId });
    this.client ??= this.clientFor(config);
    return this.client;
  }

  private clientFor(config: SyncConfig): SyncHttpClient {
    return new SyncHttpClient({ baseUrl: config.serverUrl, token: config.token, timeoutMs: this.options.timeoutMs });
  }

  private async awaitInSync(collections: SyncCollectionName[], timeoutMs: number): Promise<void> {
    const waits = collections.map(async (c) => {
      const running = this.running.get(c);
      if (!running) return;
      running.replication.reSync();
      await running.replication.awaitInSync();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const failing = collections.map((c) => this.running.get(c)?.status.lastError).find((e) => e);
        reject(failing ? new CampaignError(failing.code, failing.params ?? {}) : new CampaignError('SY_NETWORK', { url: this.config?.serverUrl ?? '', reason: `not in step after ${Math.round(timeoutMs / 1000)} s` }));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(waits), timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.markInSync();
  }

  private async startReplications(config: SyncConfig): Promise<void> {
    await this.stopReplications();
    this.clearPaused();
    // From now on this installation's audit entries say which store they come from.
    await setAuditStore(this.options.database.db, config.identity.kind === 'store' ? config.identity.storeId : '');
    this.client = this.clientFor(config);
    this.shares = new ChainShares(this.client, config.identity, this.options.allotments ?? null, () => this.options.clock.now(), this.options.shareUse);
    this.setConnection('connecting', null);
    for (const collection of SYNC_COLLECTIONS) this.running.set(collection, this.replicate(collection, config, this.client));
    if (config.identity.kind === 'store' && this.options.allotments) {
      this.sharesTimer = setInterval(() => void this.settleShares(), this.options.sharesEveryMs ?? 60_000);
      this.sharesTimer.unref();
    }
  }

  private async stopReplications(): Promise<void> {
    clearInterval(this.sharesTimer);
    this.sharesTimer = undefined;
    this.shares = null;
    const running = [...this.running.values()];
    this.running.clear();
    for (const r of running) for (const s of r.subscriptions) s.unsubscribe();
    await Promise.all(running.map((r) => r.replication.cancel()));
  }

  private replicate(collection: SyncCollectionName, config: SyncConfig, client: SyncHttpClient): Running {
    const rx = this.options.database.collections[collection] as unknown as RxCollection<Doc>;
    const identity = config.identity;
    const primary = rx.schema.primaryPath as string;
    const status = emptyStatus(collection);
    const push = canPush(identity);
    const current = (): boolean => this.running.get(collection)?.replication === replication;
    const replication = replicateCollection<Doc>(rx, {
      client,
      live: true,
      replicationIdentifier: replicationIdentifierOf(config, collection),
      retryTime: this.options.retryTime,
      reconnectMs: this.options.reconnectMs,
      push: push && {
        modifier: (doc) => {
          if (shouldPush(identity, doc, collection)) return doc;
          status.keptLocal += 1;
          return null;
        },
        handler: (rows) => this.pushRows(client, collection, identity, primary, rows, status),
      },
      // A request answered after the replication was stopped (paused, disconnected) says nothing.
      onStreamError: (error) => current() && this.recordError(status, error),
      onHandlerError: (error) => current() && this.recordError(status, asCampaignError(error, config.serverUrl)),
      onHandlerSuccess: () => {
        if (!current() || (status.lastError === null && this.connection === 'online')) return;
        status.lastError = null;
        this.setConnection('online', null);
      },
    });
    const subscriptions: Subscription[] = [
      replication.received$.subscribe(() => {
        status.pulled += 1;
        status.lastPulledAt = this.options.clock.now();
        status.lastError = null;
        this.setConnection('online', null);
      }),
      // Handler failures are recorded as thrown (onHandlerError); these are RxDB's own.
      replication.error$.subscribe((error) => {
        const code = (error as { code?: string }).code;
        if (code !== 'RC_PULL' && code !== 'RC_PUSH') this.recordError(status, asCampaignError(error, config.serverUrl));
      }),
      replication.active$.subscribe((active) => {
        status.state = active ? 'syncing' : status.lastError ? 'error' : 'idle';
        if (!active && this.allIdle()) this.markInSync();
        this.notify();
      }),
    ];
    if (push) {
      // A local change is one more to send: the count is refreshed with the status.
      subscriptions.push(
        rx.eventBulks$.subscribe((bulk) => {
          if (!bulk.context.startsWith('replication-')) this.notify();
        }),
      );
      // Once started, the changes waiting from before (a restart, a pause) are counted.
      void replication.startPromise.then(() => this.notify());
    }
    return { collection, replication, subscriptions, status, push };
  }

  /**
   * Sends one batch. A document the server refuses does not block the others: it is taken
   * out and the rest sent again; the refused change is undone (the master state it was based
   * on is answered as a conflict, so RxDB takes it back) or, for a new document, kept local.
   */
  private async pushRows(
    client: SyncHttpClient,
    collection: SyncCollectionName,
    identity: SyncIdentity,
    primary: string,
    rows: PushRowOut<WithDeleted<Doc>>[],
    status: CollectionSyncStatus,
  ): Promise<WithDeleted<Doc>[]> {
    let remaining = rows.map((row) => ({ ...row, newDocumentState: prepareForPush(collection, identity, row.newDocumentState, !row.assumedMasterState) as WithDeleted<Doc> }));
    const conflicts: WithDeleted<Doc>[] = [];
    while (remaining.length > 0) {
      try {
        conflicts.push(...(await client.push<WithDeleted<Doc>>(collection, remaining)));
        break;
      } catch (error) {
        const refusal = asCampaignError(error, client.baseUrl);
        const refused = remaining.filter((r) => isRefused(refusal, r.newDocumentState, primary));
        if (refused.length === 0) throw error;
        remaining = remaining.filter((r) => !refused.includes(r));
        const at = this.options.clock.now();
        for (const row of refused) {
          if (row.assumedMasterState) conflicts.push(row.assumedMasterState);
          this.refusals.unshift({ collection, id: String(row.newDocumentState[primary]), at, error: serializeError(refusal), outcome: row.assumedMasterState ? 'reverted' : 'kept-local' });
        }
        this.refusals = this.refusals.slice(0, MAX_REFUSALS);
      }
    }
    status.pushed += rows.length;
    status.lastPushedAt = this.options.clock.now();
    status.lastError = null;
    // The connection is online again: said by onHandlerSuccess, once this returns.
    this.notify();
    return conflicts;
  }

  private recordError(status: CollectionSyncStatus, error: CampaignError): void {
    status.lastError = serializeError(error);
    status.state = 'error';
    if (isOffline(error)) this.setConnection('offline', serializeError(error));
    else this.notify();
  }

  private allIdle(): boolean {
    return [...this.running.values()].every((r) => r.status.state === 'idle');
  }

  private markInSync(): void {
    if (this.running.size === 0) return;
    this.lastSyncAt = this.options.clock.now();
    if (this.connection !== 'offline') this.setConnection('online', null);
    this.notify();
  }

  private setConnection(connection: SyncConnection, error: SerializedError | null): void {
    this.connection = connection;
    this.connectionError = error;
    this.notify();
  }

  /**
   * Counts each running collection's changes to send from what the database holds: the
   * documents written after the push checkpoint RxDB stored, on an index (no document is
   * read). Changes made before a restart or a pause count too, and all is 0 once pushed.
   */
  private refreshPending(): Promise<void> {
    const refresh = async () => {
      const started = performance.now();
      const paused = [...this.paused].map(async ([collection, waiting]) => {
        try {
          waiting.pending = await countChangedSince(this.options.database.collections[collection] as unknown as RxCollection, waiting.checkpoint);
        } catch {
          // The database is closing.
        }
      });
      await Promise.all(paused);
      await Promise.all(
        [...this.running.values()].map(async (running) => {
          if (!running.push) return;
          const rx = this.options.database.collections[running.collection] as unknown as RxCollection;
          try {
            const pending = await pendingPushCount(rx, running.replication as RxReplicationState<unknown, unknown>);
            if (pending !== null) running.status.pending = pending;
          } catch {
            // Stopped meanwhile (its storage closed): the next refresh counts again.
          }
        }),
      );
      this.lastRefreshMs = performance.now() - started;
    };
    this.pendingRefresh = this.pendingRefresh.then(refresh, refresh);
    return this.pendingRefresh;
  }

  /**
   * While paused no replication runs: the push checkpoints RxDB stored are read once (they do
   * not move until sync is resumed), and the changes to send counted against them as usual.
   */
  private async loadPaused(config: SyncConfig): Promise<void> {
    this.clearPaused();
    if (!canPush(config.identity)) return;
    const paused: typeof this.paused = new Map();
    for (const collection of SYNC_COLLECTIONS) {
      const rx = this.options.database.collections[collection] as unknown as RxCollection;
      try {
        paused.set(collection, { checkpoint: await readStoredPushCheckpoint(rx, replicationIdentifierOf(config, collection)), pending: 0 });
      } catch (error) {
        console.error(`Sync: the push checkpoint of ${collection} could not be read:`, error);
      }
    }
    // Resumed, set up anew or forgotten meanwhile: nothing waits here.
    if (this.config !== config || this.closed) return;
    this.paused = paused;
    // A change made while paused is one more to send.
    for (const collection of paused.keys()) {
      const rx = this.options.database.collections[collection] as unknown as RxCollection;
      this.pausedSubscriptions.push(rx.eventBulks$.subscribe(() => this.notify()));
    }
    await this.refreshPending();
    this.notify();
  }

  private clearPaused(): void {
    for (const subscription of this.pausedSubscriptions) subscription.unsubscribe();
    this.pausedSubscriptions = [];
    this.paused.clear();
  }

  private notify(): void {
    if (this.notifyTimer || this.closed) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      void this.refreshPending().then(() => {
        if (!this.closed) this.options.onStatus?.(this.status());
      });
    }, statusDelayMs(this.lastRefreshMs));
  }
}

/**
 * Asks the server who a credential is (`/whoami`) and answers the setup to save (enabled).
 * Throws SY_BAD_CONFIG for an unusable URL, or the server's refusal (SY_UNAUTHORIZED, ...).
 */
export async function checkCredential(input: SyncSetupInput, timeoutMs?: number): Promise<SyncConfig> {
  const serverUrl = input.serverUrl.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new CampaignError('SY_BAD_CONFIG', { path: 'serverUrl', reason: `"${serverUrl}" is not a URL (e.g. https://sync.example.com)` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CampaignError('SY_BAD_CONFIG', { path: 'serverUrl', reason: `"${serverUrl}" must start with https:// (or http:// on a trusted network)` });
  }
  const token = input.token.trim();
  const client = new SyncHttpClient({ baseUrl: serverUrl, token, timeoutMs });
  const answer = await client.request<{ principal?: unknown }>('GET', '/whoami');
  const identity = syncIdentitySchema.safeParse(answer.principal);
  if (!identity.success) throw new CampaignError('SY_BAD_RESPONSE', { url: serverUrl, reason: '/whoami did not name a store or HQ user' });
  return { serverUrl, token, identity: identity.data, enabled: true };
}

/**
 * Whether the server's refusal of a push names this document: by its id, or (HQ sending a
 * customer of a store the server does not know) by its store.
 */
function isRefused(refusal: CampaignError, doc: Doc, primary: string): boolean {
  if (DOCUMENT_REFUSALS.has(refusal.code)) return doc[primary] === refusal.params['id'];
  if (refusal.code === 'SY_UNKNOWN_STORE') return doc['storeId'] === refusal.params['storeId'];
  return false;
}

/** Where RxDB keeps a collection's replication checkpoints: one per server, credential and collection. */
function replicationIdentifierOf(config: SyncConfig, collection: SyncCollectionName): string {
  return `campaign-desk-sync ${config.serverUrl} ${identityKey(config.identity)} ${collection}`;
}

function identityKey(identity: SyncIdentity): string {
  return identity.kind === 'store' ? `store:${identity.storeId}` : `hq:${identity.userId}`;
}
