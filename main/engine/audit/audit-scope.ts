import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../../core/rights/operation-record.ts';

interface CallScope {
  readonly actor: Actor;
  recorded: boolean;
}

const scopes = new AsyncLocalStorage<CallScope>();

/**
 * Runs one call of the service API and says whether a service already wrote the audit entry
 * for it (an entry by the same actor, appended while the call ran): the plugin manager does,
 * with more detail than the API knows, so the API does not record that call again. Entries by
 * other actors meanwhile (the scheduler) are facts of their own and do not count.
 */
export async function runAuditedCall<T>(actor: Actor, call: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; recorded: boolean }> {
  const scope: CallScope = { actor, recorded: false };
  const result = await scopes.run(scope, () => call().then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  ));
  return { result, recorded: scope.recorded };
}

/** Called by the writer for every entry it is given. */
export function noteAuditEntry(actor: Actor): void {
  const scope = scopes.getStore();
  if (scope && scope.actor.type === actor.type && scope.actor.id === actor.id) scope.recorded = true;
}
