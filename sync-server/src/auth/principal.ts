import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { ForbiddenAction, ForbiddenRole } from '../../../main/core/i18n/locales/sync.ts';

export const HQ_ROLES = ['admin', 'operator', 'read-only'] as const;
export type HqRole = (typeof HQ_ROLES)[number];

export function isHqRole(value: unknown): value is HqRole {
  return typeof value === 'string' && (HQ_ROLES as readonly string[]).includes(value);
}

/** Who a request speaks for: a store's credential, or an HQ user's with that user's role. */
export type Principal =
  | { kind: 'store'; credentialId: string; storeId: string }
  | { kind: 'hq'; credentialId: string; userId: string; role: HqRole };

/**
 * What a principal may do. Stores pull and push their own scope; HQ admins manage stores, users
 * and credentials and do everything else; operators push and publish; read-only users pull.
 */
export type Action = 'pull' | 'push' | 'publish' | 'manage' | 'list-stores';

const ALLOWED: Record<HqRole | 'store', readonly Action[]> = {
  store: ['pull', 'push'],
  admin: ['pull', 'push', 'publish', 'manage', 'list-stores'],
  operator: ['pull', 'push', 'publish', 'list-stores'],
  'read-only': ['pull', 'list-stores'],
};

export function roleOf(principal: Principal): HqRole | 'store' {
  return principal.kind === 'store' ? 'store' : principal.role;
}

/** Throws SY_FORBIDDEN unless the principal may do `action` (its key is the message's `action`, worded per locale). */
export function requireAction(principal: Principal, action: Action): void {
  const role = roleOf(principal);
  if (!ALLOWED[role].includes(action)) throw new CampaignError('SY_FORBIDDEN', { role: role satisfies ForbiddenRole, action: action satisfies ForbiddenAction });
}
