import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { customerCapSchema, type CustomerCap } from './customer-cap.ts';
import { parseInput } from './parse-input.ts';
import { KIND_TRAITS, RIGHT_KINDS } from './right-kind.ts';
import { parseRightSpec, type RightSpec } from './right-params.ts';

/**
 * One version of a right in the catalog (e.g. "¥10 off over ¥100, 30 days"). Editing a right
 * makes a new version; grants copy the version they got, so old versions stay readable and
 * a grant never changes when the catalog does.
 */
export type RightVersion = RightSpec & {
  id: string;
  version: number;
  name: string;
  description: string;
  cap: CustomerCap | null;
  /** Archived rights stay readable but can no longer be granted. */
  archived: boolean;
  /** When this version was saved (epoch ms). */
  savedAt: number;
  /** Who saved it. */
  savedBy: string;
};

/** What the catalog form sends to create or edit a right. */
export const rightInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000).default(''),
    kind: z.enum(RIGHT_KINDS),
    params: z.unknown(),
    cap: customerCapSchema.nullable().default(null),
    archived: z.boolean().default(false),
  })
  .strict();
export type RightInput = z.input<typeof rightInputSchema>;

/**
 * The next version of a right: version 1 when `previous` is null. `expectedVersion` guards
 * against two people editing at once (RT_VERSION_CONFLICT); a right keeps its kind.
 */
export function nextRightVersion(
  previous: RightVersion | null,
  input: RightInput,
  meta: { id: string; now: number; actor: string; expectedVersion?: number },
): RightVersion {
  const value = parseInput(rightInputSchema, input, String(input.kind));
  if (previous) {
    if (meta.expectedVersion !== undefined && meta.expectedVersion !== previous.version) {
      throw new CampaignError('RT_VERSION_CONFLICT', { id: previous.id, expected: meta.expectedVersion, actual: previous.version });
    }
    if (previous.kind !== value.kind) throw new CampaignError('RT_KIND_CHANGED', { id: previous.id, from: previous.kind, to: value.kind });
  }
  const spec = parseRightSpec(value.kind, value.params);
  return {
    ...spec,
    id: previous?.id ?? meta.id,
    version: (previous?.version ?? 0) + 1,
    name: value.name,
    description: value.description,
    cap: value.cap,
    archived: value.archived,
    savedAt: meta.now,
    savedBy: meta.actor,
  };
}

/** Whether grants of this right carry a code and are used (redeemed) by it. */
export function isRedeemable(spec: RightSpec): boolean {
  const traits = KIND_TRAITS[spec.kind];
  if (traits.redeemable === 'per-right') return spec.kind === 'custom' ? spec.params.redeemable : false;
  return traits.redeemable;
}

/** Points and growth value a grant of this right credits (0 for other kinds). */
export function balanceCredit(spec: RightSpec): { points: number; growth: number } {
  if (spec.kind === 'points') return { points: spec.params.amount, growth: 0 };
  if (spec.kind === 'growth-value') return { points: 0, growth: spec.params.amount };
  return { points: 0, growth: 0 };
}
