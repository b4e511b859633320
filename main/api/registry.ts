import { CampaignError } from '../core/errors/campaign-error.ts';
import type { MethodDef } from './define.ts';

/** `area/verb-noun`, lower-case words joined by dashes, e.g. `system/get-info`. */
export const METHOD_NAME = /^[a-z]+(?:-[a-z]+)*\/[a-z]+(?:-[a-z]+)+$/;

/**
 * Indexes the API's methods by name. Throws at startup on a malformed or duplicate name,
 * so two areas can never silently shadow each other.
 */
export function createRegistry(methods: readonly MethodDef[]): ReadonlyMap<string, MethodDef> {
  const byName = new Map<string, MethodDef>();
  for (const method of methods) {
    if (!METHOD_NAME.test(method.name)) throw new CampaignError('API_BAD_METHOD_NAME', { method: method.name });
    if (byName.has(method.name)) throw new CampaignError('API_DUPLICATE_METHOD', { method: method.name });
    byName.set(method.name, method);
  }
  return byName;
}
