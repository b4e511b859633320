import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { principalOf } from '../auth/authenticate.ts';
import { HQ_ROLES, requireAction, type Action } from '../auth/principal.ts';
import type { DocumentStore } from '../db/document-store.ts';
import type { IdentityStore } from '../db/identity-store.ts';
import type { ChangeFeed } from '../live/change-feed.ts';

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new CampaignError('SY_BAD_REQUEST', { reason: `${where}${issue?.message ?? 'invalid body'}` });
}

function allow(request: FastifyRequest, action: Action) {
  const principal = principalOf(request);
  requireAction(principal, action);
  return principal;
}

const name = z.string().trim().min(1).max(200);
const createStore = z.object({ id: z.string(), name }).strict();
const createUser = z.object({ id: z.string(), name, role: z.enum(HQ_ROLES) }).strict();
const issue = z.object({ label: z.string().max(200).optional() }).strict();
const publish = z
  .object({
    ids: z.array(z.string().min(1).max(300)).min(1).max(1000),
    targets: z.union([z.literal('all'), z.literal('none'), z.array(z.string().min(1).max(64)).min(1).max(10_000)]),
  })
  .strict();

type Id = { Params: { id: string } };

/**
 * HQ's administration: stores, users, credentials (admins), and publishing HQ documents to
 * stores (admins and operators). Tokens appear only in the answer that issues them.
 */
export function registerHqRoutes(app: FastifyInstance, identity: IdentityStore, documents: DocumentStore, feed: ChangeFeed): void {
  app.get('/hq/stores', async (request) => {
    allow(request, 'list-stores');
    return { stores: await identity.listStores() };
  });

  app.post('/hq/stores', async (request, reply) => {
    allow(request, 'manage');
    const body = parse(createStore, request.body);
    return reply.code(201).send({ store: await identity.createStore(body.id, body.name) });
  });

  app.post<Id>('/hq/stores/:id/credentials', async (request, reply) => {
    allow(request, 'manage');
    const body = parse(issue, request.body);
    return reply.code(201).send(await identity.issue({ storeId: request.params.id }, body.label ?? `store ${request.params.id}`));
  });

  app.get('/hq/users', async (request) => {
    allow(request, 'manage');
    return { users: await identity.listUsers() };
  });

  app.post('/hq/users', async (request, reply) => {
    allow(request, 'manage');
    const body = parse(createUser, request.body);
    const user = await identity.createUser(body.id, body.name, body.role);
    const issued = await identity.issue({ userId: user.id }, `user ${user.id}`);
    return reply.code(201).send({ user, ...issued });
  });

  app.post<Id>('/hq/users/:id/credentials', async (request, reply) => {
    allow(request, 'manage');
    const body = parse(issue, request.body);
    return reply.code(201).send(await identity.issue({ userId: request.params.id }, body.label ?? `user ${request.params.id}`));
  });

  app.get<{ Querystring: { storeId?: string; userId?: string } }>('/hq/credentials', async (request) => {
    allow(request, 'manage');
    const { storeId, userId } = request.query;
    return { credentials: await identity.listCredentials({ storeId, userId }) };
  });

  app.post<Id>('/hq/credentials/:id/rotate', async (request, reply) => {
    allow(request, 'manage');
    const issued = await identity.rotate(request.params.id);
    await feed.announceRevoked(request.params.id);
    return reply.code(201).send(issued);
  });

  app.post<Id>('/hq/credentials/:id/revoke', async (request) => {
    allow(request, 'manage');
    const credential = await identity.revoke(request.params.id);
    await feed.announceRevoked(credential.id);
    return { credential };
  });

  app.post<{ Params: { collection: string } }>('/hq/publish/:collection', async (request) => {
    const principal = allow(request, 'publish');
    const body = parse(publish, request.body);
    return { published: await documents.publish(request.params.collection, principal, body.ids, body.targets) };
  });
}
