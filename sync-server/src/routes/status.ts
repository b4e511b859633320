import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/authenticate.ts';

/** `GET /health` (the only public route: for load balancers, says nothing else) and `GET /whoami`. */
export function registerStatusRoutes(app: FastifyInstance, info: { version: string }): void {
  app.get('/health', { config: { public: true } }, () => ({ status: 'ok' }));

  app.get('/whoami', (request) => ({ principal: principalOf(request), version: info.version }));
}
