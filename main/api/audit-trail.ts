import { CampaignError } from '../core/errors/campaign-error.ts';
import type { Actor } from '../core/rights/operation-record.ts';
import { AuditLog } from '../engine/audit/audit-log.ts';
import { runAuditedCall } from '../engine/audit/audit-scope.ts';
import { diffChanges } from '../engine/audit/diff-changes.ts';
import { actorOf } from './actor.ts';
import type { ApiContext } from './context.ts';

/**
 * Mutations that change nothing worth a line in the audit log: an upload's start and its
 * chunks (the import that reads the upload is recorded).
 */
export const UNAUDITED_MUTATIONS: ReadonlySet<string> = new Set(['imports/begin-upload', 'imports/append-upload', 'sync/sync-now']);

type Input = Record<string, unknown>;

/** What a mutation changes: the collection, and how to read the thing's state to diff before and after. */
interface Subject {
  collection: string;
  /** A fixed target id (a settings document). */
  id?: string;
  read?: (ctx: ApiContext, id: string, input: Input) => Promise<unknown> | unknown;
}

const latestRight = async (ctx: ApiContext, id: string) => (await ctx.services.rights.catalog.rightHistory(id))[0];
const latestPackage = async (ctx: ApiContext, id: string) => (await ctx.services.rights.catalog.packageHistory(id))[0];
const grantOf = (ctx: ApiContext, id: string, input: Input) =>
  typeof input.code === 'string' ? ctx.services.rights.ledger.findByCode(input.code) : ctx.services.rights.ledger.getGrant(id);

/** By method, else by area (the part before the slash). */
const SUBJECTS: Record<string, Subject> = {
  plans: { collection: 'plans', read: (ctx, id) => ctx.services.engine.plans.get(id) },
  audiences: { collection: 'audiences', read: (ctx, id) => ctx.services.audiences.get(id) },
  runs: { collection: 'planRuns', read: (ctx, id) => ctx.services.engine.runs.get(id) },
  'runs/set-rate': {
    collection: 'throttles',
    read: (ctx, id) => {
      const throttle = ctx.services.engine.throttles.snapshots().find((s) => s.name === id);
      return throttle ? { maxRate: throttle.maxRate } : null;
    },
  },
  rights: { collection: 'grants' },
  'rights/create-right': { collection: 'rights', read: latestRight },
  'rights/update-right': { collection: 'rights', read: latestRight },
  'rights/create-package': { collection: 'rightsPackages', read: latestPackage },
  'rights/update-package': { collection: 'rightsPackages', read: latestPackage },
  'rights/set-stock': { collection: 'allotments' },
  'rights/add-allotment': { collection: 'allotments' },
  'rights/return-allotment': { collection: 'allotments' },
  'rights/use-code': { collection: 'grants', read: grantOf },
  'rights/restore-code': { collection: 'grants', read: grantOf },
  'rights/recover-grant': { collection: 'grants', read: grantOf },
  'rights/adjust-balance': { collection: 'operationRecords' },
  settings: { collection: 'settings', id: 'app', read: (ctx) => ctx.services.settings.get() },
  governance: { collection: 'settings', id: 'governance', read: (ctx) => ctx.services.engine.governance.get() },
  'engine/update-settings': { collection: 'settings', id: 'engine', read: (ctx) => ctx.services.engine.settings() },
  'engine/save-channel': { collection: 'channels', read: (ctx, id) => ctx.services.engine.listChannels().find((c) => c.id === id) ?? null },
  'engine/remove-channel': { collection: 'channels', read: (ctx, id) => ctx.services.engine.listChannels().find((c) => c.id === id) ?? null },
  plugins: { collection: 'plugins' },
  'plugins/trust-key': { collection: 'trustedKeys' },
  'plugins/untrust-key': { collection: 'trustedKeys' },
  imports: { collection: 'imports' },
  system: { collection: 'database' },
  demo: { collection: 'customers' },
  // The setup as it shows (the token never does): server, identity, on or off.
  sync: {
    collection: 'syncSetup',
    id: 'sync',
    read: (ctx) => {
      const status = ctx.services.sync.status();
      return { serverUrl: status.serverUrl, identity: status.identity, enabled: status.connection !== 'disabled' && status.connection !== 'not-configured' };
    },
  },
  'sync/publish-documents': { collection: 'publications' },
  'sync/request-share': { collection: 'allotments' },
  'sync/return-shares': { collection: 'allotments' },
  'sync/create-chain-stock': { collection: 'chainStocks' },
  'sync/add-chain-units': { collection: 'chainStocks' },
};

/** Input fields that name the thing a call is about, in order of preference. */
const ID_FIELDS = ['id', 'grantId', 'keyId', 'downstream', 'uploadId', 'allotmentId', 'stockId'];
/** Fields whose values never enter the log (secrets, file contents). */
const SECRET = /secret|key|token|pass|credential|private|dataBase64|chunk/i;

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string {
  if (!isRecord(value)) return '';
  for (const field of ID_FIELDS) {
    const v = value[field];
    if (typeof v === 'string' && v) return v;
  }
  return isRecord(value.owner) && typeof value.owner.id === 'string' ? value.owner.id : '';
}

function nameOf(...values: unknown[]): string {
  for (const value of values) {
    if (!isRecord(value)) continue;
    for (const field of ['name', 'rightName', 'publisher', 'fileName', 'file']) {
      const v = value[field];
      if (typeof v === 'string' && v) return v;
    }
  }
  return '';
}

/** The input's top-level scalars (arrays as their length), secrets left out: small and safe to keep. */
function inputDetails(input: unknown): Input {
  if (!isRecord(input)) return {};
  const out: Input = {};
  for (const [key, value] of Object.entries(input)) {
    if (SECRET.test(key)) continue;
    if (typeof value === 'string') out[key] = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) out[key] = { count: value.length };
  }
  return out;
}

async function quietly(read: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return await read();
  } catch {
    return null;
  }
}

/**
 * Runs one mutation of the service API and writes its audit entry: method, actor, outcome
 * (ok, or error with its code), the target and a summary, and for edits the changed fields
 * (the target read before and after). The one place the API records changes, so every
 * mutation is covered without each handler doing it. Not recorded: `UNAUDITED_MUTATIONS`, and
 * calls whose service already wrote the entry itself (plugin lifecycle, see `runAuditedCall`).
 * A failure to write the entry is reported to `onBug`; the call's own result stands.
 */
export async function recordMutation<T>(method: string, rawInput: unknown, ctx: ApiContext, call: () => Promise<T>, onBug?: (error: unknown, method: string) => void): Promise<T> {
  if (UNAUDITED_MUTATIONS.has(method)) return call();
  const input = isRecord(rawInput) ? rawInput : {};
  const actor: Actor = actorOf(ctx, typeof input.terminal === 'string' ? input.terminal : undefined);
  const subject = SUBJECTS[method] ?? SUBJECTS[method.slice(0, method.indexOf('/'))];
  const inputId = subject?.id ?? idOf(input);
  const read = subject?.read;
  // Readers throw for what does not exist (yet): that is "no state", not a failure.
  const before = read ? await quietly(() => read(ctx, inputId, input)) : null;
  const { result, recorded } = await runAuditedCall(actor, call);
  if (!recorded) {
    try {
      const value = result.status === 'fulfilled' ? result.value : undefined;
      const error = result.status === 'rejected' ? result.reason : undefined;
      const targetId = inputId || idOf(value);
      const after = read && error === undefined ? await quietly(() => read(ctx, targetId, input)) : null;
      const label = nameOf(after, before, value, input);
      const changes = diffChanges(before, after);
      await AuditLog.of(ctx.services.database.collections.auditLog).append({
        at: ctx.services.clock.now(),
        actor,
        method,
        targetCollection: subject?.collection ?? '',
        targetId,
        outcome: error === undefined ? 'ok' : 'error',
        errorCode: error === undefined ? '' : error instanceof CampaignError ? error.code : 'SYS_INTERNAL',
        summary: error instanceof CampaignError ? [label, error.message].filter(Boolean).join(': ') : label,
        details: { transport: ctx.transport, input: inputDetails(rawInput) },
        ...(changes.length > 0 ? { changes } : {}),
      });
    } catch (auditError) {
      onBug?.(auditError, method);
    }
  }
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
