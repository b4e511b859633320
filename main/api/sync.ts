import { z } from 'zod';
import type { SharesView } from '../sync/chain-shares.ts';
import { chainTotals, type PlanChainTotals } from '../sync/chain-totals.ts';
import type { StoreInfo } from '../sync/sync-service.ts';
import type { SyncStatus } from '../sync/sync-status.ts';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

const none = z.object({}).strict().optional();
/** What HQ publishes to stores (the rest flows up from stores). */
const PUBLISHABLE = ['plans', 'audiences', 'rights', 'rightsPackages'] as const;
const storeId = z.string().trim().min(1).max(64);
const stockId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

export const syncMethods = [
  defineQuery('sync/get-status', none, (_input, ctx): SyncStatus => ctx.services.sync.status()),
  /** The status now, then whenever it changes. */
  defineSubscription('sync/watch-status', none, async function* (_input, ctx, signal): AsyncGenerator<SyncStatus> {
    yield ctx.services.sync.status();
    for await (const status of ctx.services.bus.watch('sync-status', signal)) yield status;
  }),
  /** Checks the credential with the server, saves the setup and starts syncing. */
  defineMutation('sync/configure-server', z.object({ serverUrl: z.string().trim().min(1).max(500), token: z.string().trim().min(8).max(500) }).strict(), (input, ctx): Promise<SyncStatus> =>
    ctx.services.sync.configure(input),
  ),
  defineMutation('sync/set-enabled', z.object({ enabled: z.boolean() }).strict(), (input, ctx): Promise<SyncStatus> => ctx.services.sync.setEnabled(input.enabled)),
  /** Forgets the server and credential; local data stays. */
  defineMutation('sync/disconnect-server', none, (_input, ctx): Promise<SyncStatus> => ctx.services.sync.disconnect()),
  defineMutation('sync/sync-now', none, (_input, ctx): Promise<SyncStatus> => ctx.services.sync.syncNow()),
  /** HQ: the stores registered on the server. */
  defineQuery('sync/list-stores', none, (_input, ctx): Promise<StoreInfo[]> => ctx.services.sync.listStores()),
  /** HQ: publishes chain-wide documents to all stores, none, or the listed ones. */
  defineMutation(
    'sync/publish-documents',
    z
      .object({
        collection: z.enum(PUBLISHABLE),
        ids: z.array(z.string().trim().min(1).max(300)).min(1).max(1000),
        targets: z.union([z.literal('all'), z.literal('none'), z.array(storeId).min(1).max(10_000)]),
      })
      .strict(),
    (input, ctx): Promise<{ published: number }> => ctx.services.sync.publish(input.collection, input.ids, input.targets),
  ),
  /** Chain stocks and leases: HQ sees all, a store its own with what it can still grant. */
  defineQuery('sync/list-shares', none, (_input, ctx): Promise<SharesView> => ctx.services.sync.sharesView()),
  /** A store leases part of a chain stock (what remains, at least one unit, when less is left). */
  defineMutation('sync/request-share', z.object({ stockId, units: z.number().int().min(1).max(10_000_000) }).strict(), (input, ctx): Promise<SharesView> =>
    ctx.services.sync.requestShare(input.stockId, input.units),
  ),
  /** A store gives back what it has not granted of a chain stock. */
  defineMutation('sync/return-shares', z.object({ stockId }).strict(), (input, ctx): Promise<SharesView> => ctx.services.sync.returnShares(input.stockId)),
  /** HQ: a chain-wide stock of a right or package that stores lease shares of. */
  defineMutation(
    'sync/create-chain-stock',
    z
      .object({
        id: stockId,
        ownerType: z.enum(['right', 'package']),
        ownerId: z.string().trim().min(1).max(64),
        total: z.number().int().min(1).max(100_000_000),
        leaseDays: z.number().int().min(1).max(365),
      })
      .strict(),
    (input, ctx): Promise<SharesView> => ctx.services.sync.createChainStock(input),
  ),
  defineMutation('sync/add-chain-units', z.object({ stockId, units: z.number().int().min(1).max(100_000_000) }).strict(), (input, ctx): Promise<SharesView> =>
    ctx.services.sync.addChainUnits(input.stockId, input.units),
  ),
  /** Grants and uses per plan and store, from the data synced here (HQ sees every store's). */
  defineQuery('sync/get-chain-totals', none, (_input, ctx): Promise<PlanChainTotals[]> => chainTotals(ctx.services.database.collections)),
] as const;

export type { CollectionSyncStatus, SyncConnection, SyncRefusal, SyncStatus } from '../sync/sync-status.ts';
export type { SyncIdentity } from '../sync/sync-config.ts';
export type { PlanChainTotals, StoreTotals } from '../sync/chain-totals.ts';
export type { StoreInfo } from '../sync/sync-service.ts';
export type { SharesView } from '../sync/chain-shares.ts';
export type { ChainStock, Lease } from '../sync/allotment-stock.ts';
