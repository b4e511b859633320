import { localLink } from '@trpc/client';
import { createAppServices } from '../app/create-app-services.ts';
import type { AppServices } from '../app/services.ts';
import type { ManualClock } from '../core/clock.ts';
import { methods } from '../api/methods.ts';
import { createApiRouter } from '../api/router.ts';
import { createServiceClient, type ServiceClient } from '../../renderer/api/service-client.ts';
import { makeTempDir } from './temp-dir.ts';

/** App services on a temp data dir and a typed client calling the API in-process (API tests). */
export async function openApiTest(clock: ManualClock): Promise<{ services: AppServices; client: ServiceClient; dispose(): Promise<void> }> {
  const dir = makeTempDir();
  const services = await createAppServices({ dataDir: dir.path, version: 't', mode: 'test', clock, zone: 'Asia/Shanghai' });
  const router = createApiRouter(methods);
  const client = createServiceClient([localLink({ router, createContext: async () => ({ services, transport: 'in-process' as const }) })]);
  return {
    services,
    client,
    async dispose() {
      await services.close();
      dir.remove();
    },
  };
}
