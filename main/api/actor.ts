import type { Actor } from '../core/rights/operation-record.ts';
import type { ApiContext } from './context.ts';

/**
 * Who is calling: a person at the desk (window or browser), a till that names itself, or a
 * script using the API in-process. (People get their own identity with HQ sign-in.)
 */
export function actorOf(ctx: ApiContext, terminal?: string): Actor {
  if (terminal) return { type: 'pos', id: terminal };
  return ctx.transport === 'in-process' ? { type: 'api', id: 'in-process' } : { type: 'user', id: 'desk' };
}
