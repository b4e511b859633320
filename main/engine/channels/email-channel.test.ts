import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { classifySendError } from './channel.ts';
import { EmailChannel, emailMessageId, type EmailConfigInput } from './email-channel.ts';
import { closedPort, testMessage } from './test-support.ts';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (no TLS), recording what it accepts. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<{ port: number; delivered: Delivered[]; stop: () => Promise<void> }> {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        delivered.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null);
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, delivered, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

async function failure(promise: Promise<unknown>): Promise<CampaignError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

function decodeBody(raw: string): string {
  const [, body = ''] = raw.split('\r\n\r\n');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
}

describe('EmailChannel', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  async function setup(server: Partial<SMTPServerOptions> = {}, config: Partial<EmailConfigInput> = {}) {
    const smtp = await startSmtp(server);
    const channel = new EmailChannel(
      { kind: 'email', id: 'mail', host: '127.0.0.1', port: smtp.port, from: '静安店 <shop@example.com>', timeoutMs: 5_000, ...config },
      { now: () => Date.UTC(2026, 2, 8, 1, 2, 3) },
    );
    cleanups.push(smtp.stop, () => channel.close());
    return { smtp, channel };
  }

  it('delivers a UTF-8 message with a Message-ID derived from the message id', async () => {
    const { smtp, channel } = await setup();
    const message = testMessage({ channel: 'email' });
    const result = await channel.send(message);
    expect(result.providerMessageId).toBe('<plan-1=3Aocc-1=3Acust-1=3Aact-1@example.com>');
    expect(smtp.delivered).toHaveLength(1);
    const [mail] = smtp.delivered;
    expect(mail?.from).toBe('shop@example.com');
    expect(mail?.to).toEqual(['xiaoming@example.com']);
    expect(mail?.raw).toContain(`Message-ID: ${result.providerMessageId}`);
    expect(mail?.raw).toContain(`Subject: =?UTF-8?B?${Buffer.from('生日快乐').toString('base64')}?=`);
    expect(mail?.raw).toMatch(/^X-CampaignDesk-Message-Id: plan-1:occ-1:cust-1:act-1\r$/im);
    expect(mail?.raw).toContain('Date: Sun, 08 Mar 2026 01:02:03 +0000');
    expect(decodeBody(mail?.raw ?? '')).toBe(message.body);
  });

  it('sends many messages in parallel over its connection pool', async () => {
    const { smtp, channel } = await setup({}, { maxConnections: 2 });
    const ids = Array.from({ length: 20 }, (_, i) => `m-${i}`);
    await Promise.all(ids.map((id) => channel.send(testMessage({ id, channel: 'email' }))));
    expect(smtp.delivered).toHaveLength(20);
  });

  it('logs in with user and password, and reports a refused login as CH_AUTH (permanent)', async () => {
    const onAuth: SMTPServerOptions['onAuth'] = (auth, _session, callback) =>
      auth.username === 'shop' && auth.password === 'right' ? callback(null, { user: 'shop' }) : callback(reply(535, 'Authentication failed'));
    const good = await setup({ authOptional: false, onAuth }, { user: 'shop', pass: 'right' });
    await expect(good.channel.send(testMessage())).resolves.toBeDefined();
    const bad = await setup({ authOptional: false, onAuth }, { user: 'shop', pass: 'wrong' });
    const error = await failure(bad.channel.send(testMessage()));
    expect(error.code).toBe('CH_AUTH');
    expect(classifySendError(error)).toMatchObject({ retryable: false });
    await expect(bad.channel.verify()).rejects.toMatchObject({ code: 'CH_AUTH' });
  });

  it('treats 421 as an overload and other 4xx replies as retryable', async () => {
    const busy = await setup({ onConnect: (_s, callback) => callback(reply(421, 'Too many connections, try later')) });
    const e421 = await failure(busy.channel.send(testMessage()));
    expect(e421).toMatchObject({ code: 'CH_UNAVAILABLE', params: { status: 421 } });
    expect(classifySendError(e421)).toMatchObject({ retryable: true, overload: true });

    const grey = await setup({ onRcptTo: (_a, _s, callback) => callback(reply(451, 'Greylisted, try again later')) });
    const e451 = await failure(grey.channel.send(testMessage()));
    expect(e451).toMatchObject({ code: 'CH_DEFERRED', params: { status: 451 } });
    expect(String(e451.params.detail)).toContain('Greylisted');
    expect(classifySendError(e451)).toMatchObject({ retryable: true, overload: false });
  });

  it('treats 5xx replies as permanent rejections', async () => {
    const unknown = await setup({ onRcptTo: (_a, _s, callback) => callback(reply(550, 'No such user here')) });
    const e550 = await failure(unknown.channel.send(testMessage()));
    expect(e550).toMatchObject({ code: 'CH_REJECTED', params: { status: 550, channel: 'mail' } });
    expect(e550.message).toContain('No such user here');
    expect(classifySendError(e550)).toMatchObject({ retryable: false, overload: false });

    const spam = await setup({
      onData: (stream, _s, callback) => {
        stream.resume();
        stream.on('end', () => callback(reply(554, 'Message looks like spam')));
      },
    });
    expect(await failure(spam.channel.send(testMessage()))).toMatchObject({ code: 'CH_REJECTED', params: { status: 554 } });
  });

  it('reports a refused connection as CH_NETWORK and a silent server as CH_TIMEOUT', async () => {
    const refused = new EmailChannel({ kind: 'email', id: 'mail', host: '127.0.0.1', port: await closedPort(), from: 'shop@example.com' });
    cleanups.push(() => refused.close());
    const network = await failure(refused.send(testMessage()));
    expect(network.code).toBe('CH_NETWORK');
    expect(String(network.params.reason)).toContain('ECONNREFUSED');
    expect(classifySendError(network)).toMatchObject({ retryable: true, overload: false });

    // Accepts the connection but never greets.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as AddressInfo).port;
    const slow = new EmailChannel({ kind: 'email', id: 'mail', host: '127.0.0.1', port, from: 'shop@example.com', timeoutMs: 300 });
    cleanups.push(() => slow.close());
    const timeout = await failure(slow.send(testMessage()));
    expect(timeout).toMatchObject({ code: 'CH_TIMEOUT', params: { timeoutMs: 300 } });
    expect(classifySendError(timeout)).toMatchObject({ retryable: true, overload: true });
  });

  it('refuses a customer without email before connecting', async () => {
    const { smtp, channel } = await setup();
    const error = await failure(channel.send(testMessage({ to: { name: 'A', phone: '1' } })));
    expect(error).toMatchObject({ code: 'CH_NO_ADDRESS', params: { field: 'email', customerId: 'cust-1' } });
    expect(error.localized('zh-CN')).toContain('邮箱地址');
    expect((await failure(channel.send(testMessage({ to: { name: 'A', email: 'not-an-address' } })))).code).toBe('CH_NO_ADDRESS');
    expect(smtp.delivered).toHaveLength(0);
  });

  it('refuses to send once closed, or when cancelled before the transfer', async () => {
    const { channel } = await setup();
    expect((await failure(channel.send(testMessage(), AbortSignal.abort()))).code).toBe('CH_CANCELLED');
    await channel.close();
    expect((await failure(channel.send(testMessage()))).code).toBe('CH_CLOSED');
  });

  it('derives distinct, valid Message-IDs from any id', () => {
    expect(emailMessageId('a.b', 'x@shop.cn')).toBe('<a=2Eb@shop.cn>');
    expect(emailMessageId('a=2Eb', 'x@shop.cn')).toBe('<a=3D2Eb@shop.cn>');
    expect(emailMessageId('客户:1', 'Shop <x@shop.cn>')).toMatch(/^<=E5=AE=A2=E6=88=B7=3A1@shop\.cn>$/);
    expect(emailMessageId('x'.repeat(300), 'x@shop.cn')).toMatch(/^<sha256\.[0-9a-f]{64}@shop\.cn>$/);
  });

  it('validates its settings', () => {
    const make = (config: Partial<EmailConfigInput>) => () =>
      new EmailChannel({ kind: 'email', id: 'mail', host: 'smtp.example.com', from: 'shop@example.com', ...config } as EmailConfigInput);
    expect(make({ from: 'nobody' })).toThrow(expect.objectContaining({ code: 'CH_CONFIG_INVALID', params: expect.objectContaining({ path: 'from' }) }));
    expect(make({ user: 'shop' })).toThrow(expect.objectContaining({ params: expect.objectContaining({ path: 'pass' }) }));
    expect(make({ port: 0 })).toThrow(expect.objectContaining({ params: expect.objectContaining({ path: 'port' }) }));
  });
});
