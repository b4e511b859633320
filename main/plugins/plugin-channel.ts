import type { Json, OutgoingMessage as SdkMessage, SendResult as SdkSendResult } from '../../plugins/sdk/campaign-desk-plugin.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import { parseChannelSettings, pluginChannelConfigSchema, type ChannelFactory, type MessageChannel, type OutgoingMessage, type PluginChannelConfig, type SendResult } from '../engine/channels/index.ts';
import type { PluginManager } from './plugin-manager.ts';

const CUSTOMER_CHANNELS = ['sms', 'email', 'wechat', 'app'] as const;

/**
 * A delivery channel whose sends a plugin's message channel provider makes (e.g. a regional
 * SMS gateway). The engine throttles and retries around it like any channel; the provider's
 * answer is turned into the CH_ codes the executor understands.
 */
export class PluginChannel implements MessageChannel {
  readonly kind = 'plugin';
  readonly id: string;
  readonly downstream: string;
  private closed = false;

  constructor(
    private readonly config: PluginChannelConfig,
    private readonly plugins: PluginManager,
  ) {
    this.id = config.id;
    this.downstream = `channel:${config.id}`;
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const context = { channel: this.id, messageId: message.id, target: `${this.config.pluginId}/${this.config.provider}` };
    if (this.closed) throw new CampaignError('CH_CLOSED', { channel: this.id, messageId: message.id });
    const customerChannel = (CUSTOMER_CHANNELS as readonly string[]).includes(message.channel) ? (message.channel as SdkMessage['channel']) : 'sms';
    const address = customerChannel === 'email' ? (message.to.email ?? '') : customerChannel === 'sms' ? (message.to.phone ?? '') : message.customerId;
    const outgoing: SdkMessage = { idempotencyKey: message.id, channel: customerChannel, address, ...(message.subject ? { subject: message.subject } : {}), body: message.body, locale: message.locale === 'en' ? 'en' : 'zh-CN' };
    let answer: Json;
    try {
      answer = await this.plugins.call(this.config.pluginId, 'messageChannel', this.config.provider, 'send', [outgoing as unknown as Json, this.config.settings], signal ? { signal } : {});
    } catch (error) {
      if (error instanceof CampaignError && error.code === 'PL_CANCELLED') throw new CampaignError('CH_CANCELLED', { channel: this.id, messageId: message.id });
      // The plugin is not running or failed on this call: worth another try later.
      const detail = error instanceof Error ? error.message : String(error);
      throw new CampaignError('CH_UNAVAILABLE', { ...context, status: 0, detail: detail.slice(0, 300) });
    }
    const result = answer as unknown as SdkSendResult | null;
    if (result && typeof result === 'object' && result.ok === true) return { providerMessageId: typeof result.providerId === 'string' && result.providerId ? result.providerId : `plugin-${message.id}` };
    if (!result || typeof result !== 'object' || result.ok !== false || typeof result.error !== 'string') {
      throw new CampaignError('PL_BAD_RESULT', { id: this.config.pluginId, call: `${this.config.provider}.send`, reason: 'expected { ok: true } or { ok: false, retryable, error }' });
    }
    if (!result.retryable) throw new CampaignError('CH_REJECTED', { ...context, status: 0, detail: result.error.slice(0, 300) });
    if (typeof result.retryAfterMs === 'number') throw new CampaignError('CH_RATE_LIMITED', { ...context, status: 429, retryAfterMs: result.retryAfterMs });
    throw new CampaignError('CH_UNAVAILABLE', { ...context, status: 0, detail: result.error.slice(0, 300) });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The engine's factory for `kind: 'plugin'` channels. */
export function pluginChannelFactory(plugins: PluginManager): ChannelFactory {
  return (config) => new PluginChannel(parseChannelSettings(pluginChannelConfigSchema, config), plugins);
}
