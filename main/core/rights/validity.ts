import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { addDays, localDateOf, startOfLocalDate } from './local-date.ts';

const localDate = z.iso.date();

/**
 * When a granted right may be used. Dates are local dates in the store's zone, both inclusive:
 * `fixed` 2026-03-01..2026-03-31 is usable from the first instant of March 1st to the last of
 * March 31st. `days-from-grant` N counts the grant day as day 1 and ends at the end of day N.
 */
export const validitySchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('days-from-grant'), days: z.int().min(1).max(3650) }).strict(),
    z.object({ type: z.literal('fixed'), from: localDate, to: localDate }).strict(),
  ])
  .superRefine((v, ctx) => {
    if (v.type === 'fixed' && v.from > v.to) ctx.addIssue({ code: 'custom', message: 'the first day is after the last day', path: ['to'] });
  });
export type Validity = z.infer<typeof validitySchema>;

/** The window in which a grant is usable: `expiresAt` null means it never expires. */
export interface ValidWindow {
  validFrom: number;
  expiresAt: number | null;
}

/** The usable window of a right granted at `grantedAt` in `zone` (null validity: from now on, forever). */
export function validWindow(validity: Validity | null, grantedAt: number, zone: string): ValidWindow {
  if (!validity) return { validFrom: grantedAt, expiresAt: null };
  // A batch grants one right at one instant many times over: the last answer is kept (the
  // same validity object, instant and zone give the same window; the function stays pure).
  const last = lastWindow;
  if (last && last.validity === validity && last.grantedAt === grantedAt && last.zone === zone) return { ...last.window };
  const window = computeWindow(validity, grantedAt, zone);
  lastWindow = { validity, grantedAt, zone, window };
  return { ...window };
}

let lastWindow: { validity: Validity; grantedAt: number; zone: string; window: ValidWindow } | null = null;

function computeWindow(validity: Validity, grantedAt: number, zone: string): ValidWindow {
  if (validity.type === 'fixed') {
    return { validFrom: startOfLocalDate(validity.from, zone), expiresAt: startOfLocalDate(addDays(validity.to, 1), zone) };
  }
  const day = localDateOf(grantedAt, zone);
  return { validFrom: grantedAt, expiresAt: startOfLocalDate(addDays(day, validity.days), zone) };
}

/**
 * Throws RT_VALIDITY_ENDED when a right with this validity, granted at `at`, could never be
 * used (a fixed window that is already over): such a grant would be born expired.
 */
export function assertGrantable(validity: Validity | null, at: number, zone: string): void {
  const window = validWindow(validity, at, zone);
  if (window.expiresAt !== null && window.expiresAt <= at) {
    throw new CampaignError('RT_VALIDITY_ENDED', { until: validity?.type === 'fixed' ? validity.to : localDateOf(window.expiresAt, zone) });
  }
}
