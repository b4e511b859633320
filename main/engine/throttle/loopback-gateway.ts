/**
 * A stand-in downstream for the throttle's real-time test and benchmark: an HTTP server on
 * 127.0.0.1 that accepts `capacity` requests per second (a token bucket holding
 * `burstMs` worth) and answers 429 above that, like an SMS or webhook gateway with a quota.
 * Every request names a unique item id (`/send?id=…`); the gateway counts the acceptances of
 * each, so a test can check that retries never deliver an item twice or lose one.
 * Not used by the app.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackGatewayOptions {
  /** Accepted requests per second. */
  capacity: number;
  /** The bucket holds this many milliseconds of capacity (default 50). */
  burstMs?: number;
  /** Sent as `Retry-After` (seconds) with each 429 when set. */
  retryAfterSeconds?: number;
}

export interface LoopbackGateway {
  readonly url: string;
  /** Acceptances per item id. */
  readonly accepted: Map<string, number>;
  /** performance.now() of each acceptance, in order. */
  readonly acceptedAt: number[];
  readonly refusedCount: number;
  setCapacity(capacity: number): void;
  close(): Promise<void>;
}

export async function startLoopbackGateway(options: LoopbackGatewayOptions): Promise<LoopbackGateway> {
  let capacity = options.capacity;
  const burstMs = options.burstMs ?? 50;
  let tokens = 1;
  let last = performance.now();
  const accepted = new Map<string, number>();
  const acceptedAt: number[] = [];
  let refused = 0;

  const server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://gateway').searchParams.get('id');
    if (!id) {
      res.writeHead(400).end();
      return;
    }
    const now = performance.now();
    tokens = Math.min(Math.max(1, (capacity * burstMs) / 1000), tokens + ((now - last) * capacity) / 1000);
    last = now;
    if (tokens < 1) {
      refused++;
      const headers = options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) };
      res.writeHead(429, headers).end();
      return;
    }
    tokens -= 1;
    accepted.set(id, (accepted.get(id) ?? 0) + 1);
    acceptedAt.push(now);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    accepted,
    acceptedAt,
    get refusedCount() {
      return refused;
    },
    setCapacity(next) {
      capacity = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Keep-alive connections for a client of the gateway (destroy it when done). */
export function gatewayAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 64 });
}

/** Sends item `id`; resolves with the HTTP status and the `Retry-After` in ms, if any. */
export function sendItem(url: string, id: string, agent: Agent): Promise<{ status: number; retryAfterMs?: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}?id=${encodeURIComponent(id)}`, { method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const retryAfter = Number(res.headers['retry-after']);
        resolve({ status: res.statusCode ?? 0, ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
