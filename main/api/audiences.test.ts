import { localLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import { ManualClock } from '../core/clock.ts';
import { customerSchema } from '../core/customers/customer.ts';
import { toCustomerDoc } from '../db/schemas/customers.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { createServiceClient, type ServiceClient, type ServiceError } from '../../renderer/api/service-client.ts';
import { methods } from './methods.ts';
import { createApiRouter } from './router.ts';

const gold = { version: 1, root: { kind: 'attribute', field: 'level', cmp: 'gte', value: 3 } };

describe('audiences API', () => {
  const dir = makeTempDir();
  const clock = new ManualClock(Date.parse('2026-11-25T02:00:00Z'));
  let services: AppServices;
  let client: ServiceClient;

  beforeAll(async () => {
    services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock });
    const router = createApiRouter(methods);
    client = createServiceClient([localLink({ router, createContext: async () => ({ services, transport: 'in-process' as const }) })]);
    const customers = [1, 2, 3, 4, 5].map((level) => customerSchema.parse({ externalId: `C${level}`, storeId: 'S01', level, registeredAt: '2024-01-01T00:00:00Z', name: `客户${level}` }));
    await services.database.collections.customers.bulkInsert(customers.map(toCustomerDoc));
  });
  afterAll(async () => {
    await services.close();
    dir.remove();
  });

  it('counts, samples and explains a rule', async () => {
    expect(await client.query('audiences/count-members', { rule: gold })).toEqual({ count: 3 });
    const sample = await client.query('audiences/sample-members', { rule: gold, limit: 2 });
    expect(sample.map((c) => c.externalId)).toEqual(['C3', 'C4']);
    const explained = await client.query('audiences/explain-rule', { rule: gold });
    expect(explained).toMatchObject({ total: 5, steps: [{ path: 'root', alone: 3, remaining: 3 }] });
  });

  it('refuses a bad rule with the node path and stores nothing', async () => {
    const error = (await client.mutate('audiences/save-audience', { name: 'bad', rule: { version: 1, root: { op: 'and', children: [{ kind: 'fan', minDays: -1 }] } } }).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('AU_INVALID_RULE');
    expect(error.params.path).toBe('root.children[0].minDays');
    expect(await client.query('audiences/list-audiences')).toEqual([]);
  });

  it('saves, updates, snapshots and archives an audience', async () => {
    const saved = await client.mutate('audiences/save-audience', { name: '金卡会员', rule: gold });
    expect(saved).toMatchObject({ name: '金卡会员', mode: 'live', archived: false });
    clock.advance(1000);
    const renamed = await client.mutate('audiences/save-audience', { id: saved.id, name: '金卡及以上', rule: gold });
    expect(renamed.updatedAt).toBeGreaterThan(saved.updatedAt);

    const frozen = await client.mutate('audiences/snapshot-audience', { id: saved.id });
    expect(frozen).toMatchObject({ mode: 'snapshot', lastSize: 3, lastSizedAt: clock.now() });
    // A new gold member after the snapshot does not join the frozen list.
    await services.database.collections.customers.insert(toCustomerDoc(customerSchema.parse({ externalId: 'C9', storeId: 'S01', level: 9, registeredAt: '2024-01-01T00:00:00Z' })));
    expect(await services.audiences.snapshotMembers(saved.id)).toEqual(['C3', 'C4', 'C5']);
    expect(await client.query('audiences/count-members', { rule: gold })).toEqual({ count: 4 });

    await client.mutate('audiences/archive-audience', { id: saved.id });
    expect(await client.query('audiences/list-audiences')).toEqual([]);
    expect((await client.query('audiences/list-audiences', { includeArchived: true })).map((a) => a.name)).toEqual(['金卡及以上']);
    const missing = (await client.query('audiences/get-audience', { id: 'nope' }).catch((e: unknown) => e)) as ServiceError;
    expect(missing.code).toBe('SYS_NOT_FOUND');
  });

  it('lists customers with search and paging, and a customer timeline', async () => {
    const page = await client.query('customers/list-customers', { search: '客户3' });
    expect(page).toMatchObject({ total: 1, items: [{ externalId: 'C3' }] });
    const all = await client.query('customers/list-customers', { offset: 2, limit: 2 });
    expect(all.total).toBe(6);
    expect(all.items.map((c) => c.externalId)).toEqual(['C3', 'C4']);
    const one = await client.query('customers/get-customer', { externalId: 'C1' });
    expect(one.customer.name).toBe('客户1');
    expect(one.events).toEqual([]);
  });
});
