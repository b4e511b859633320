import type { FastifyInstance } from 'fastify';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { principalOf } from '../auth/authenticate.ts';
import { requireAction } from '../auth/principal.ts';
import type { Checkpoint, DocumentStore, PushRow, Targets } from '../db/document-store.ts';
import type { StreamHub } from '../live/stream-hub.ts';

export interface SyncRouteLimits {
  maxPullLimit: number;
  maxPushRows: number;
}

function badRequest(reason: string): CampaignError {
  return new CampaignError('SY_BAD_REQUEST', { reason });
}

/** `checkpoint` is the JSON of a checkpoint the server handed out, `{"seq":N}`; absent = from the start. */
export function parseCheckpoint(value: unknown): Checkpoint | null {
  if (value === undefined || value === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw badRequest('checkpoint must be the JSON of a checkpoint, e.g. {"seq":12}');
  }
  if (parsed === null) return null;
  const seq = (parsed as { seq?: unknown }).seq;
  if (typeof parsed !== 'object' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw badRequest('checkpoint must be {"seq":N} with N a whole number of 0 or more');
  }
  return { seq };
}

export function parseLimit(value: unknown, max: number): number {
  if (value === undefined || value === '') return Math.min(100, max);
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badRequest(`limit must be a whole number from 1 to ${max}`);
  return limit;
}

/** `targets=all`, `targets=none` or `targets=S01,S02`. */
export function parseTargets(value: unknown): Targets | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (text === 'all' || text === 'none') return text;
  const list = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw badRequest('targets must be all, none or a comma-separated list of store ids');
  return list;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RxDB's push body: an array of `{ newDocumentState, assumedMasterState? }`. */
export function parsePushRows(body: unknown, max: number): PushRow[] {
  if (!Array.isArray(body)) throw badRequest('the push body must be a JSON array of {newDocumentState, assumedMasterState} rows');
  if (body.length > max) throw badRequest(`a push may carry at most ${max} rows, got ${body.length}`);
  return body.map((row: unknown, i) => {
    if (!isPlainObject(row) || !isPlainObject(row.newDocumentState)) throw badRequest(`row ${i} has no newDocumentState object`);
    const assumed = row.assumedMasterState;
    if (assumed !== undefined && assumed !== null && !isPlainObject(assumed)) throw badRequest(`row ${i}: assumedMasterState must be an object or absent`);
    return { newDocumentState: row.newDocumentState, assumedMasterState: assumed ?? null };
  });
}

/** RxDB's replication protocol over HTTP, one set of endpoints per collection. */
export function registerSyncRoutes(app: FastifyInstance, documents: DocumentStore, hub: StreamHub, limits: SyncRouteLimits): void {
  app.get<{ Params: { collection: string }; Querystring: Record<string, string | undefined> }>('/sync/:collection/pull', async (request, reply) => {
    const page = await documents.pull(
      request.params.collection,
      principalOf(request),
      parseCheckpoint(request.query.checkpoint),
      parseLimit(request.query.limit, limits.maxPullLimit),
    );
    // The stored JSON goes out as it is: no parse and re-stringify per document.
    return reply.type('application/json').send(`{"documents":[${page.documents.join(',')}],"checkpoint":${JSON.stringify(page.checkpoint)}}`);
  });

  app.post<{ Params: { collection: string }; Querystring: Record<string, string | undefined> }>('/sync/:collection/push', async (request) => {
    const rows = parsePushRows(request.body, limits.maxPushRows);
    return documents.push(request.params.collection, principalOf(request), rows, parseTargets(request.query.targets));
  });

  app.get<{ Params: { collection: string } }>('/sync/:collection/stream', (request, reply) => {
    const principal = principalOf(request);
    requireAction(principal, 'pull');
    documents.collection(request.params.collection);
    hub.open(request, reply, request.params.collection, principal);
  });
}
