import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutgoingMessage } from './channel.ts';

/** A message as the executor would send it; tests override what they need. */
export function testMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: 'plan-1:occ-1:cust-1:act-1',
    channel: 'sms',
    customerId: 'cust-1',
    storeId: 'store-sh-01',
    planId: 'plan-1',
    runId: 'run-1',
    to: { name: '王小明', phone: '+8613800000000', email: 'xiaoming@example.com' },
    locale: 'zh-CN',
    subject: '生日快乐',
    body: '王小明，生日快乐！静安店送您优惠券 ABCD-EFGH-JKLM-NPQR，2026-03-31 前有效。',
    ...overrides,
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 with a swappable handler, recording every request. */
export class TestHttpServer {
  readonly requests: ReceivedRequest[] = [];
  handler: (request: ReceivedRequest, response: ServerResponse) => void = (_req, res) => res.end();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(received);
        this.handler(received, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 that nothing listens on (taken and released), for "connection refused". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
