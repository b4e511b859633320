import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { MessageChannel, OutgoingMessage } from './channel.ts';
import { ChannelRegistry, channelConfigSchema, createChannel, type ChannelDeps } from './create-channel.ts';
import { testMessage } from './test-support.ts';

const webhook = { kind: 'webhook', id: 'sms-gateway', url: 'https://gw.example.com/hook', secret: 'a-secret-of-sixteen+' } as const;
const email = { kind: 'email', id: 'mail', host: 'smtp.example.com', from: 'Shop <shop@example.com>' } as const;
const outbox = { kind: 'outbox', id: 'manual' } as const;

function codeOf(fn: () => unknown): [string, Record<string, unknown>] | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CampaignError) return [error.code, error.params];
    throw error;
  }
  return undefined;
}

/** A plugin's channel kind, recording what it was given. */
class RecordingChannel implements MessageChannel {
  readonly kind = 'recording';
  readonly downstream: string;
  readonly sent: OutgoingMessage[] = [];
  closed = false;
  constructor(
    readonly id: string,
    private readonly failClose = false,
  ) {
    this.downstream = `channel:${id}`;
  }
  async send(message: OutgoingMessage) {
    this.sent.push(message);
    return { providerMessageId: `rec-${message.id}` };
  }
  async close() {
    this.closed = true;
    if (this.failClose) throw new Error('close failed');
  }
}

describe('createChannel and ChannelRegistry', () => {
  let deps: ChannelDeps;
  beforeEach(async () => {
    deps = { dataDir: await mkdtemp(join(tmpdir(), 'channels-test-')), timeZone: 'Asia/Shanghai' };
  });
  afterEach(async () => {
    await rm(deps.dataDir, { recursive: true, force: true });
  });

  it('builds each built-in kind from its settings, with defaults', async () => {
    for (const config of [webhook, email, outbox]) {
      const channel = createChannel(config, deps);
      expect([channel.kind, channel.id, channel.downstream]).toEqual([config.kind, config.id, `channel:${config.id}`]);
      await channel.close();
    }
    expect(channelConfigSchema.parse(webhook)).toMatchObject({ timeoutMs: 10_000 });
    expect(channelConfigSchema.parse(email)).toMatchObject({ port: 587, secure: false, timeoutMs: 30_000 });
    expect(channelConfigSchema.parse(outbox)).toMatchObject({ dir: 'outbox', dedupeDays: 31 });
  });

  it('puts the outbox under the data directory unless given an absolute path', async () => {
    const channel = createChannel(outbox, deps);
    expect((channel as unknown as { dir: string }).dir).toBe(join(deps.dataDir, 'outbox'));
    await channel.send(testMessage());
    await channel.close();
  });

  it('says which setting of which channel is wrong', () => {
    expect(codeOf(() => createChannel({ ...webhook, url: 'gw.example.com' }, deps))).toEqual([
      'CH_CONFIG_INVALID',
      expect.objectContaining({ channel: 'sms-gateway', path: 'url' }),
    ]);
    expect(codeOf(() => createChannel({ ...outbox, timeZone: 'Mars/Olympus' }, deps))?.[1]).toMatchObject({ path: 'timeZone' });
    expect(codeOf(() => createChannel({ id: 'x' }, deps))).toEqual(['CH_CONFIG_INVALID', expect.objectContaining({ path: 'kind' })]);
    expect(codeOf(() => createChannel({ kind: 'fax', id: 'x' }, deps))).toEqual([
      'CH_UNKNOWN_KIND',
      { kind: 'fax', known: 'webhook, email, outbox' },
    ]);
  });

  it('keeps channels by id, and plugins add kinds', async () => {
    const registry = new ChannelRegistry(deps);
    registry.create(webhook);
    expect(codeOf(() => registry.create(webhook))).toEqual(['CH_DUPLICATE_CHANNEL', { channel: 'sms-gateway' }]);
    expect(codeOf(() => registry.get('nope'))).toEqual(['CH_NOT_FOUND', { channel: 'nope' }]);
    expect(registry.find('nope')).toBeUndefined();

    registry.registerKind('recording', (config) => new RecordingChannel((config as { id: string }).id));
    expect(codeOf(() => registry.registerKind('email', () => new RecordingChannel('x')))).toEqual(['CH_DUPLICATE_KIND', { kind: 'email' }]);
    expect(registry.kinds()).toEqual(['webhook', 'email', 'outbox', 'recording']);
    const plugin = registry.create({ kind: 'recording', id: 'wecom' });
    await expect(registry.get('wecom').send(testMessage())).resolves.toEqual({ providerMessageId: `rec-${testMessage().id}` });
    expect(registry.list().map((c) => c.id)).toEqual(['sms-gateway', 'wecom']);

    await registry.remove('wecom');
    expect((plugin as RecordingChannel).closed).toBe(true);
    expect(registry.list().map((c) => c.id)).toEqual(['sms-gateway']);
  });

  it('replaces a channel only with valid settings', async () => {
    const registry = new ChannelRegistry(deps);
    const first = registry.create(webhook);
    await expect(registry.replace({ ...webhook, secret: 'short' })).rejects.toMatchObject({ code: 'CH_CONFIG_INVALID' });
    expect(registry.get('sms-gateway')).toBe(first);
    const second = await registry.replace({ ...webhook, timeoutMs: 2_000 });
    expect(registry.get('sms-gateway')).toBe(second);
    await expect(first.send(testMessage())).rejects.toMatchObject({ code: 'CH_CLOSED' });
    await registry.closeAll();
  });

  it('closes every channel at shutdown even when one fails', async () => {
    const registry = new ChannelRegistry(deps);
    const a = registry.add(new RecordingChannel('a', true)) as RecordingChannel;
    const b = registry.add(new RecordingChannel('b')) as RecordingChannel;
    await expect(registry.closeAll()).rejects.toThrow('close failed');
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(registry.list()).toEqual([]);
  });
});
