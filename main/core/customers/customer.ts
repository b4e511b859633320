import { z } from 'zod';

/** Message channels a customer can be reached on; each has its own consent flag. */
export const CHANNELS = ['sms', 'email', 'wechat', 'app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const GENDERS = ['female', 'male', 'unknown'] as const;

/** A calendar date `YYYY-MM-DD` (birthday, no time or zone). */
const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a date YYYY-MM-DD');
/** An instant as ISO 8601 with offset or Z. */
const isoInstant = z.iso.datetime({ offset: true });

/**
 * A member, fan or visitor of the chain: the "operation object" plans act on.
 * Plain JSON; instants are ISO 8601 strings.
 */
export const customerSchema = z.object({
  /** The id in the merchant's own systems (POS, CRM); unique per chain. */
  externalId: z.string().min(1).max(64),
  storeId: z.string().min(1).max(64),
  name: z.string().max(100).default(''),
  phone: z.string().max(32).optional(),
  email: z.email().optional(),
  gender: z.enum(GENDERS).default('unknown'),
  /** May be missing; Feb 29 exists. */
  birthday: isoDate.optional(),
  /** Member level 0 (none) .. 9; names per level are the merchant's. */
  level: z.number().int().min(0).max(9).default(0),
  tags: z.array(z.string().min(1).max(40)).max(100).default([]),
  points: z.number().int().min(0).default(0),
  growth: z.number().int().min(0).default(0),
  /** Follows the public account (a "fan"), and since when. */
  isFan: z.boolean().default(false),
  fanSince: isoInstant.optional(),
  registeredAt: isoInstant,
  /** Sum of order amounts minus refunds, in cents. */
  totalSpend: z.number().int().default(0),
  lastOrderAt: isoInstant.optional(),
  /** Opted out of a channel means never messaged on it. Missing = not consented. */
  consent: z.partialRecord(z.enum(CHANNELS), z.boolean()).default({}),
});
export type Customer = z.infer<typeof customerSchema>;
export type CustomerInput = z.input<typeof customerSchema>;

export const EVENT_TYPES = ['browse', 'addToCart', 'order', 'refund', 'interaction'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const INTERACTION_KINDS = ['message', 'like', 'share'] as const;

/** One behaviour event of a customer. */
export const customerEventSchema = z.object({
  /** Unique per chain; re-importing the same id is a no-op. */
  eventId: z.string().min(1).max(80),
  customerId: z.string().min(1).max(64),
  storeId: z.string().min(1).max(64),
  type: z.enum(EVENT_TYPES),
  at: isoInstant,
  productId: z.string().max(64).optional(),
  category: z.string().max(64).optional(),
  /** Order and refund amount in cents. */
  amount: z.number().int().min(0).optional(),
  itemCount: z.number().int().min(0).optional(),
  interaction: z.enum(INTERACTION_KINDS).optional(),
});
export type CustomerEvent = z.infer<typeof customerEventSchema>;
