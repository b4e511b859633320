import type { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';

/** Parses `value` with `schema`; the first problem becomes RT_INVALID_PARAMS naming its path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, kind: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CampaignError('RT_INVALID_PARAMS', { kind, path: issue?.path.join('.') ?? '', reason: issue?.message ?? 'invalid' });
}
