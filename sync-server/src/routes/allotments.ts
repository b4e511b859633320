import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { ForbiddenAction, ForbiddenRole } from '../../../main/core/i18n/locales/sync.ts';
import { principalOf } from '../auth/authenticate.ts';
import { requireAction, type Action } from '../auth/principal.ts';
import type { AllotmentStore } from '../db/allotment-store.ts';

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

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, . _ : -');
const units = z.number().int().min(0).max(1_000_000_000);
const DAY = 86_400_000;
const createStock = z
  .object({
    id,
    ownerType: z.enum(['right', 'package']),
    ownerId: z.string().min(1).max(64),
    total: units,
    leaseMs: z.number().int().min(1000).max(366 * DAY).default(7 * DAY),
    graceMs: z.number().int().min(0).max(366 * DAY).default(DAY),
    endsAt: z.number().int().min(0).nullable().default(null),
  })
  .strict();
const addUnits = z.object({ units: z.number().int().min(-1_000_000_000).max(1_000_000_000) }).strict();
const leaseRequest = z.object({ requestId: id, units: units.min(1), minUnits: units.min(1).optional() }).strict();
const settle = z.object({ consumed: units }).strict();

type Id = { Params: { id: string } };

/**
 * Offline inventory shares: HQ makes chain stocks and reclaims overdue leases; stores lease,
 * report and return their shares (see `allotment-store.ts` for the rule).
 */
export function registerAllotmentRoutes(app: FastifyInstance, allotments: AllotmentStore): void {
  app.post('/hq/allotments', async (request, reply) => {
    allow(request, 'publish');
    return reply.code(201).send({ stock: await allotments.createStock(parse(createStock, request.body)) });
  });

  app.post<Id>('/hq/allotments/:id/units', async (request) => {
    allow(request, 'publish');
    return { stock: await allotments.addUnits(request.params.id, parse(addUnits, request.body).units) };
  });

  app.post<{ Body: unknown; Querystring: { stockId?: string } }>('/hq/allotments/reclaim', async (request) => {
    allow(request, 'publish');
    return { reclaimed: await allotments.reclaimExpired(request.query.stockId) };
  });

  app.get<{ Querystring: { storeId?: string; stockId?: string } }>('/hq/allotments', async (request) => {
    const principal = allow(request, 'pull');
    if (principal.kind !== 'hq') throw new CampaignError('SY_FORBIDDEN', { role: 'store' satisfies ForbiddenRole, action: 'read-hq-allotments' satisfies ForbiddenAction });
    return { stocks: await allotments.listStocks(), leases: await allotments.listLeases({ storeId: request.query.storeId, stockId: request.query.stockId }) };
  });

  // A store's view: every chain stock (what it may ask for) and its own leases.
  app.get('/allotments', async (request) => {
    const principal = allow(request, 'pull');
    if (principal.kind !== 'store') throw new CampaignError('SY_FORBIDDEN', { role: principal.role satisfies ForbiddenRole, action: 'hold-leases' satisfies ForbiddenAction });
    return { stocks: await allotments.listStocks(), leases: await allotments.listLeases({ storeId: principal.storeId }) };
  });

  app.post<Id>('/allotments/:id/leases', async (request, reply) => {
    const principal = allow(request, 'push');
    const { lease, created } = await allotments.requestLease(principal, request.params.id, parse(leaseRequest, request.body));
    return reply.code(created ? 201 : 200).send({ lease });
  });

  app.post<Id>('/allotments/leases/:id/report', async (request) => {
    const principal = allow(request, 'push');
    return { lease: await allotments.report(principal, request.params.id, parse(settle, request.body).consumed) };
  });

  app.post<Id>('/allotments/leases/:id/return', async (request) => {
    const principal = allow(request, 'push');
    return { lease: await allotments.returnLease(principal, request.params.id, parse(settle, request.body).consumed) };
  });
}
