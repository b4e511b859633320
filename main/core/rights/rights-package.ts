import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import type { NotFoundWhat } from '../i18n/locales/errors.ts';
import { parseInput } from './parse-input.ts';
import { customerCapSchema, type CustomerCap } from './customer-cap.ts';

/**
 * One version of a rights package (权益组合): several rights granted together. Items pin the
 * right version they were saved with, so a package version always means the same benefits;
 * editing the package (or moving it to newer right versions) makes a new package version.
 */
export interface PackageVersion {
  id: string;
  version: number;
  name: string;
  description: string;
  items: PackageItem[];
  cap: CustomerCap | null;
  archived: boolean;
  savedAt: number;
  savedBy: string;
}

export interface PackageItem {
  rightId: string;
  rightVersion: number;
  /** How many of this right one grant of the package gives (e.g. 3 coupons). */
  quantity: number;
}

export const packageInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000).default(''),
    items: z
      .array(
        z
          .object({
            rightId: z.string().min(1).max(64),
            /** Omitted: the right's current version. */
            rightVersion: z.int().min(1).optional(),
            quantity: z.int().min(1).max(100).default(1),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    cap: customerCapSchema.nullable().default(null),
    archived: z.boolean().default(false),
  })
  .strict();
export type PackageInput = z.input<typeof packageInputSchema>;

/** Looks up a right's current version, or null when there is no such right. */
export type CurrentRightVersion = (rightId: string) => number | null;

/**
 * The next version of a package (version 1 when `previous` is null). Items without a version
 * pin the right's current one; unknown rights throw SYS_NOT_FOUND.
 */
export function nextPackageVersion(
  previous: PackageVersion | null,
  input: PackageInput,
  meta: { id: string; now: number; actor: string; expectedVersion?: number; currentVersion: CurrentRightVersion },
): PackageVersion {
  const value = parseInput(packageInputSchema, input, 'package');
  if (previous && meta.expectedVersion !== undefined && meta.expectedVersion !== previous.version) {
    throw new CampaignError('RT_VERSION_CONFLICT', { id: previous.id, expected: meta.expectedVersion, actual: previous.version });
  }
  const items: PackageItem[] = [];
  for (const item of value.items) {
    const current = meta.currentVersion(item.rightId);
    if (current === null) throw new CampaignError('SYS_NOT_FOUND', { what: 'right' satisfies NotFoundWhat, id: item.rightId });
    const rightVersion = item.rightVersion ?? current;
    if (rightVersion > current) throw new CampaignError('SYS_NOT_FOUND', { what: 'right-version' satisfies NotFoundWhat, id: `${item.rightId}@${rightVersion}` });
    const same = items.find((i) => i.rightId === item.rightId && i.rightVersion === rightVersion);
    if (same) same.quantity += item.quantity;
    else items.push({ rightId: item.rightId, rightVersion, quantity: item.quantity });
  }
  return {
    id: previous?.id ?? meta.id,
    version: (previous?.version ?? 0) + 1,
    name: value.name,
    description: value.description,
    items,
    cap: value.cap,
    archived: value.archived,
    savedAt: meta.now,
    savedBy: meta.actor,
  };
}
