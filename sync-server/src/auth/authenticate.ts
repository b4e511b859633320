import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { UnauthorizedReason } from '../../../main/core/i18n/locales/sync.ts';
import type { IdentityStore } from '../db/identity-store.ts';
import type { Principal } from './principal.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { CredentialLimiter } from './shared-rate-limiter.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request speaks for; set by the authentication hook before any handler runs. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** A route anyone may call (only the health check). */
    public?: boolean;
  }
}

function rateLimited(retryAfterMs: number): CampaignError {
  return new CampaignError('SY_RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

/**
 * Every request carries `Authorization: Bearer TOKEN`, checked against the credentials table
 * on each request (so a revocation applies at once), then counted against the credential's
 * rate limit (`limiter`: shared by all nodes on PostgreSQL). Failed attempts are also counted
 * per client address on this node, so a flood of bad tokens is turned away before it reaches
 * the database.
 */
export function installAuthentication(app: FastifyInstance, identity: IdentityStore, limiter: CredentialLimiter | null): void {
  const failures = limiter === null ? null : new RateLimiter({ perSecond: 5, burst: 50 });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return;
    const now = Date.now();
    if (failures && !failures.has(request.ip, now)) throw rateLimited(1000);
    try {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match) throw new CampaignError('SY_UNAUTHORIZED', { reason: 'no-bearer' satisfies UnauthorizedReason });
      request.principal = await identity.authenticate(match[1]!);
    } catch (error) {
      failures?.take(request.ip, now);
      throw error;
    }
    const taken = await limiter?.take(request.principal.credentialId, now);
    if (taken && !taken.ok) throw rateLimited(taken.retryAfterMs);
  });
}

/** The authenticated principal of a request (the hook guarantees one on non-public routes). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new CampaignError('SY_UNAUTHORIZED', { reason: 'no-credential' satisfies UnauthorizedReason });
  return request.principal;
}
