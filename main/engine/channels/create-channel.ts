import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Clock } from '../../core/clock.ts';
import { parseChannelSettings, type MessageChannel } from './channel.ts';
import { EmailChannel, emailConfigSchema } from './email-channel.ts';
import { OutboxChannel, outboxConfigSchema } from './outbox-channel.ts';
import { WebhookChannel, webhookConfigSchema } from './webhook-channel.ts';
import { pluginChannelConfigSchema } from './plugin-channel-config.ts';

/** The settings of a channel, as stored in Settings > Channels (a `plugin` one is built by the plugin host's factory). */
export const channelConfigSchema = z.discriminatedUnion('kind', [webhookConfigSchema, emailConfigSchema, outboxConfigSchema, pluginChannelConfigSchema]);
export type ChannelConfig = z.output<typeof channelConfigSchema>;
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

/** What channels need from the app: where files go, the clock and the store's zone. */
export interface ChannelDeps {
  dataDir: string;
  clock?: Clock;
  /** The zone of dates the outbox shows (the store's); the machine's when absent. */
  timeZone?: string;
}

/**
 * Builds a channel of one kind from its settings (which it validates itself, throwing
 * CH_CONFIG_INVALID). Plugins add kinds with `ChannelRegistry.registerKind`.
 */
export type ChannelFactory = (config: unknown, deps: ChannelDeps) => MessageChannel;

const BUILT_IN_KINDS: ReadonlyMap<string, ChannelFactory> = new Map<string, ChannelFactory>([
  ['webhook', (config, deps) => new WebhookChannel(parseChannelSettings(webhookConfigSchema, config), deps.clock)],
  ['email', (config, deps) => new EmailChannel(parseChannelSettings(emailConfigSchema, config), deps.clock)],
  ['outbox', (config, deps) => new OutboxChannel(parseChannelSettings(outboxConfigSchema, config), deps)],
]);

function kindOf(config: unknown): string {
  const kind = typeof config === 'object' && config !== null ? (config as { kind?: unknown }).kind : undefined;
  if (typeof kind === 'string') return kind;
  const id = typeof config === 'object' && config !== null ? (config as { id?: unknown }).id : undefined;
  throw new CampaignError('CH_CONFIG_INVALID', { channel: typeof id === 'string' ? id : '', path: 'kind', reason: 'the channel kind is missing' });
}

function make(factories: ReadonlyMap<string, ChannelFactory>, config: unknown, deps: ChannelDeps): MessageChannel {
  const kind = kindOf(config);
  const factory = factories.get(kind);
  if (!factory) throw new CampaignError('CH_UNKNOWN_KIND', { kind, known: [...factories.keys()].join(', ') });
  return factory(config, deps);
}

/**
 * A built-in channel (webhook, email, outbox) from its settings. Throws CH_UNKNOWN_KIND or
 * CH_CONFIG_INVALID (naming the channel and the setting). Nothing connects or opens files
 * until the first send.
 */
export function createChannel(config: ChannelConfigInput | unknown, deps: ChannelDeps): MessageChannel {
  return make(BUILT_IN_KINDS, config, deps);
}

/**
 * The configured channels of the running app, by id (a plan's `via`), and the kinds that can
 * be configured: the built-in ones plus those plugins register.
 */
export class ChannelRegistry {
  private readonly factories = new Map<string, ChannelFactory>(BUILT_IN_KINDS);
  private readonly channels = new Map<string, MessageChannel>();

  constructor(private readonly deps: ChannelDeps) {}

  /** Adds a kind of channel (a plugin's); CH_DUPLICATE_KIND when the name is taken. */
  registerKind(kind: string, factory: ChannelFactory): void {
    if (this.factories.has(kind)) throw new CampaignError('CH_DUPLICATE_KIND', { kind });
    this.factories.set(kind, factory);
  }

  kinds(): string[] {
    return [...this.factories.keys()];
  }

  /** Builds a channel of any registered kind from its settings and adds it. */
  create(config: unknown): MessageChannel {
    return this.add(make(this.factories, config, this.deps));
  }

  /** Adds a channel built elsewhere; CH_DUPLICATE_CHANNEL when its id is taken. */
  add(channel: MessageChannel): MessageChannel {
    if (this.channels.has(channel.id)) throw new CampaignError('CH_DUPLICATE_CHANNEL', { channel: channel.id });
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * Swaps a channel for one built from new settings (Settings saved): the new one is built
   * first, so invalid settings leave the old channel working; the old one is then closed.
   */
  async replace(config: unknown): Promise<MessageChannel> {
    const next = make(this.factories, config, this.deps);
    const previous = this.channels.get(next.id);
    this.channels.set(next.id, next);
    await previous?.close();
    return next;
  }

  /** The channel with this id; CH_NOT_FOUND when none. */
  get(id: string): MessageChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new CampaignError('CH_NOT_FOUND', { channel: id });
    return channel;
  }

  find(id: string): MessageChannel | undefined {
    return this.channels.get(id);
  }

  list(): MessageChannel[] {
    return [...this.channels.values()];
  }

  /** Removes and closes a channel; nothing when there is none with this id. */
  async remove(id: string): Promise<void> {
    const channel = this.channels.get(id);
    this.channels.delete(id);
    await channel?.close();
  }

  /** Closes every channel (at shutdown), each even if another fails; the first failure is rethrown. */
  async closeAll(): Promise<void> {
    const channels = this.list();
    this.channels.clear();
    const results = await Promise.allSettled(channels.map((c) => c.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
