import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { installAuthentication } from './auth/authenticate.ts';
import { RateLimiter, type RateLimit } from './auth/rate-limiter.ts';
import { localLimiter, sharedLimiter } from './auth/shared-rate-limiter.ts';
import { APP_SYNC_SCHEMAS, buildCollections, type SyncSchema } from './collections.ts';
import { AllotmentStore } from './db/allotment-store.ts';
import { DocumentStore, readChangedRows } from './db/document-store.ts';
import { IdentityStore } from './db/identity-store.ts';
import { openSyncDatabase, parseDatabaseUrl, type SyncDatabase } from './db/open-database.ts';
import { installErrorHandling } from './errors.ts';
import { LocalChangeFeed, PostgresChangeFeed, type ChangeFeed } from './live/change-feed.ts';
import { StreamHub } from './live/stream-hub.ts';
import { registerAllotmentRoutes } from './routes/allotments.ts';
import { registerHqRoutes } from './routes/hq.ts';
import { registerStatusRoutes } from './routes/status.ts';
import { registerSyncRoutes } from './routes/sync.ts';

export interface SyncServerOptions {
  /** `sqlite:<file>` (the embedded default) or `postgres://user:password@host:port/db`. */
  database: string;
  /** The replicated collections and their RxDB schemas; default: the app's (`APP_SYNC_SCHEMAS`). */
  collections?: Record<string, SyncSchema>;
  /** Creates the first HQ admin with this token when there is none yet (e.g. from CAMPAIGN_DESK_ADMIN_TOKEN). */
  adminToken?: string;
  /** Largest request body in bytes (default 4 MiB). */
  bodyLimit?: number;
  /** Rows one push may carry (default 1000) and documents one pull page may hold (default 1000). */
  maxPushRows?: number;
  maxPullLimit?: number;
  /** Per-credential request rate (default 50/s, bursts of 200); false turns it off. */
  rateLimit?: RateLimit | false;
  /** Open live streams per credential (default 20). */
  maxStreamsPerCredential?: number;
  /** Heartbeat of live streams (default 20 s) and how often their credentials are re-checked (default 30 s). */
  heartbeatMs?: number;
  recheckMs?: number;
  /** PostgreSQL connections per node (default 10). */
  poolSize?: number;
  /** Fastify's logger (pino options), or false (the default) for none. */
  logger?: FastifyServerOptions['logger'];
  /** Trust X-Forwarded-* from a reverse proxy that terminates TLS (default false). */
  trustProxy?: boolean;
  /** The clock of lease expiry and reclaiming (tests); default Date.now. */
  now?: () => number;
  /** How often overdue leases are reclaimed (default every 10 minutes); false: only when HQ asks. */
  reclaimEveryMs?: number | false;
}

export interface SyncServer {
  app: FastifyInstance;
  identity: IdentityStore;
  documents: DocumentStore;
  allotments: AllotmentStore;
  database: SyncDatabase;
  /** Listens and answers the base URL, e.g. `http://127.0.0.1:8787`. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Ends live streams, stops accepting requests, waits for those in flight and closes the database. */
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Builds the sync server on its database (migrated on open); call `listen` to serve. */
export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const bodyLimit = options.bodyLimit ?? 4 * 1024 * 1024;
  const database = await openSyncDatabase(parseDatabaseUrl(options.database), { poolSize: options.poolSize });
  const app = Fastify({ logger: options.logger ?? false, bodyLimit, trustProxy: options.trustProxy ?? false });
  let feed: ChangeFeed | null = null;
  try {
    const identity = new IdentityStore(database.db);
    if (options.adminToken && !(await identity.hasAdmin())) await identity.initAdmin(options.adminToken);

    const collections = buildCollections(options.collections ?? APP_SYNC_SCHEMAS);
    if (database.postgresUrl !== undefined) {
      const pgFeed = new PostgresChangeFeed(
        database.postgresUrl,
        (collection, from, to) => readChangedRows(database.db, collection, from, to),
        async (channel, payload) => {
          await sql`select pg_notify(${channel}, ${payload})`.execute(database.db);
        },
        (message) => app.log.warn(message),
      );
      feed = pgFeed;
      await pgFeed.start();
    } else {
      feed = new LocalChangeFeed();
    }
    const liveFeed = feed;
    const documents = new DocumentStore(database, collections, identity, liveFeed, Date.now, (notice) => app.log.warn(notice, `conflict rule: ${notice.reason}`));
    const hub = new StreamHub(liveFeed, identity, {
      heartbeatMs: options.heartbeatMs ?? 20_000,
      recheckMs: options.recheckMs ?? 30_000,
      maxPerCredential: options.maxStreamsPerCredential ?? 20,
    });

    installErrorHandling(app, bodyLimit);
    const rateLimit = options.rateLimit ?? { perSecond: 50, burst: 200 };
    // PostgreSQL: one budget per credential across every node; SQLite: one node, in memory.
    const limiter = rateLimit === false ? null : database.kind === 'postgres' ? sharedLimiter(database, rateLimit) : localLimiter(new RateLimiter(rateLimit));
    installAuthentication(app, identity, limiter);
    registerStatusRoutes(app, { version: packageVersion() });
    registerSyncRoutes(app, documents, hub, { maxPullLimit: options.maxPullLimit ?? 1000, maxPushRows: options.maxPushRows ?? 1000 });
    registerHqRoutes(app, identity, documents, liveFeed);
    const allotments = new AllotmentStore(database, options.now ?? Date.now);
    registerAllotmentRoutes(app, allotments);
    // Overdue leases count as granted (written off) until their stores report; see allotment-store.ts.
    const reclaimEvery = options.reclaimEveryMs ?? 10 * 60_000;
    const reclaimTimer =
      reclaimEvery === false
        ? null
        : setInterval(() => {
            allotments.reclaimExpired().then(
              (reclaimed) => reclaimed.length > 0 && app.log.warn({ leases: reclaimed.map((l) => ({ id: l.id, storeId: l.storeId, writtenOff: l.writtenOff })) }, 'reclaimed overdue leases'),
              (error: unknown) => app.log.error({ err: error }, 'reclaiming overdue leases failed'),
            );
          }, reclaimEvery).unref();
    // Streams never end by themselves: end them first, or closing would wait for them.
    app.addHook('preClose', (done) => {
      if (reclaimTimer) clearInterval(reclaimTimer);
      hub.close();
      done();
    });

    let closed = false;
    return {
      app,
      identity,
      documents,
      allotments,
      database,
      async listen(listenOptions = {}) {
        return app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? '127.0.0.1' });
      },
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await liveFeed.close();
        await database.close();
      },
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    await feed?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}
