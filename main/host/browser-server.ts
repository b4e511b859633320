import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import type { AnyTRPCRouter } from '@trpc/server';
import type { AppServices } from '../app/services.ts';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { ApiContext } from '../api/context.ts';
import { checkRequest, cookieName } from './browser-guard.ts';
import { contentSecurityPolicy, setSecurityHeaders } from './security-headers.ts';

export const API_HTTP_PATH = '/api/trpc';
export const API_WS_PATH = '/api/ws';

export interface BrowserServerOptions {
  services: AppServices;
  router: AnyTRPCRouter;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Fixed secret (tests); a random one per launch otherwise. */
  secret?: string;
}

export interface BrowserServer {
  readonly port: number;
  readonly secret: string;
  /** The address to open: carries the secret. */
  readonly url: string;
  close(): Promise<void>;
}

function sendError(res: ServerResponse, status: number, error: CampaignError): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: error.toJSON() }));
}

/**
 * Browser mode: the renderer and the service API over HTTP (queries, mutations) and
 * WebSocket (everything, including live feeds) on 127.0.0.1 only.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const createContext = async (): Promise<ApiContext> => ({ services: options.services, transport: 'http' });
  const trpcHandler = createHTTPHandler({ router: options.router, createContext, basePath: `${API_HTTP_PATH}/` });
  const hasUi = existsSync(join(options.staticDir, 'index.html'));
  const serveStatic = hasUi ? sirv(options.staticDir, { single: true, dev: false, etag: true }) : undefined;
  let port = 0;
  let csp = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res, csp);
    const verdict = checkRequest(req, { secret, port });
    if (!verdict.ok) {
      const error = verdict.code === 'API_UNAUTHORIZED' ? new CampaignError('API_UNAUTHORIZED') : new CampaignError('API_FORBIDDEN_ORIGIN', { origin: verdict.origin ?? '' });
      sendError(res, verdict.status, error);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(`${API_HTTP_PATH}/`)) {
      trpcHandler(req, res);
      return;
    }
    if (verdict.via === 'query' && req.method === 'GET') {
      // Trade the secret in the address bar for a cookie, then drop it from the URL.
      res.setHeader('Set-Cookie', `${cookieName(port)}=${encodeURIComponent(secret)}; Path=/; HttpOnly; SameSite=Strict`);
      url.searchParams.delete('token');
      res.statusCode = 303;
      res.setHeader('Location', `${url.pathname}${url.search}`);
      res.end();
      return;
    }
    if (!serveStatic) {
      res.statusCode = 503;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('The user interface is not built. Run "npm run build:renderer" (npm start does this for you).\n');
      return;
    }
    serveStatic(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  const wsHandler = applyWSSHandler({
    wss,
    router: options.router,
    createContext: async (): Promise<ApiContext> => ({ services: options.services, transport: 'ws' }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, { secret, port });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!verdict.ok || path !== API_WS_PATH) {
      const status = verdict.ok ? 404 : verdict.status;
      const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  let closing: Promise<void> | undefined;
  return {
    port,
    secret,
    url: `http://127.0.0.1:${port}/?token=${secret}`,
    close() {
      closing ??= (async () => {
        wsHandler.broadcastReconnectNotification();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
