import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in SMS/webhook gateway on 127.0.0.1 for executor tests: accepts POSTs of the
 * webhook channel, counts deliveries per `Idempotency-Key` (a key delivered twice is a bug
 * of ours), and can be told to refuse above a capacity (429 with Retry-After), to fail (503),
 * or to answer slowly.
 */
export interface TestGateway {
  readonly url: string;
  /** Deliveries per idempotency key (accepted requests only). */
  readonly delivered: Map<string, number>;
  /** performance.now() of each acceptance. */
  readonly acceptedAt: number[];
  refused: number;
  /** Accepted requests per second (token bucket), Infinity = no limit. */
  capacity: number;
  /** Answer 503 to everything while true. */
  failing: boolean;
  delayMs: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTestGateway(options: { capacity?: number; burstMs?: number } = {}): Promise<TestGateway> {
  const burstMs = options.burstMs ?? 50;
  let tokens = 1;
  let last = performance.now();
  const state = {
    delivered: new Map<string, number>(),
    acceptedAt: [] as number[],
    refused: 0,
    capacity: options.capacity ?? Infinity,
    failing: false,
    delayMs: 0,
  };
  const server = createServer((req, res) => {
    void (async () => {
      await readBody(req);
      if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.failing) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return;
      }
      if (Number.isFinite(state.capacity)) {
        const now = performance.now();
        tokens = Math.min(Math.max(1, (state.capacity * burstMs) / 1000), tokens + ((now - last) * state.capacity) / 1000);
        last = now;
        if (tokens < 1) {
          state.refused++;
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('slow down');
          return;
        }
        tokens -= 1;
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      state.delivered.set(key, (state.delivered.get(key) ?? 0) + 1);
      state.acceptedAt.push(performance.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `gw-${key}` }));
    })();
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/send`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
