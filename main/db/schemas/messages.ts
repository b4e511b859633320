import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { epochMs, failure, int, key, oneOf, text, type Failure } from './schema-fields.ts';

export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/**
 * A message notification to a customer, rendered from a template. Its id is the idempotency
 * key of the action that sends it, so a retry never sends twice.
 */
export interface MessageDoc {
  id: string;
  customerId: string;
  storeId: string;
  /** '' for messages sent by hand. */
  planId: string;
  runId: string;
  /** 'sms', 'email', 'wechat', 'app' or a channel contributed by a plugin. */
  channel: string;
  templateId: string;
  locale: string;
  subject: string;
  body: string;
  state: MessageState;
  attempts: number;
  /** When to (re)try sending (NEVER once sent, cancelled or given up). */
  nextAttemptAt: number;
  /** 0 until sent. */
  sentAt: number;
  /** The channel provider's id for it, '' until sent. */
  providerMessageId: string;
  lastError?: Failure;
  createdAt: number;
  updatedAt: number;
}

export const messageSchema: RxJsonSchema<MessageDoc> = {
  title: 'messages',
  description: 'Message notifications to customers',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: key(300),
    customerId: key(),
    storeId: key(),
    planId: key(),
    runId: key(),
    channel: key(32),
    templateId: text(64),
    locale: text(16),
    subject: text(200),
    body: text(10_000),
    state: oneOf(MESSAGE_STATES),
    attempts: int(0, 1000),
    nextAttemptAt: epochMs,
    sentAt: epochMs,
    providerMessageId: text(200),
    lastError: failure,
    createdAt: epochMs,
    updatedAt: epochMs,
  },
  required: [
    'id', 'customerId', 'storeId', 'planId', 'runId', 'channel', 'templateId', 'locale', 'subject', 'body', 'state',
    'attempts', 'nextAttemptAt', 'sentAt', 'providerMessageId', 'createdAt', 'updatedAt',
  ],
  // A customer's messages; the send queue (due ones first); a plan's messages over time.
  indexes: [['customerId', 'createdAt'], ['state', 'nextAttemptAt'], ['planId', 'createdAt']],
  additionalProperties: false,
};

export const messageMigrations: MigrationStrategies = {};
