import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Browser mode's front door. The server binds 127.0.0.1 only, and every request and WebSocket
 * must carry the per-launch secret (Bearer header, `token` query parameter, or the cookie set
 * when the printed URL is first opened). Host and Origin must name this server, which stops
 * DNS rebinding and cross-site requests from other pages the user has open.
 */
export interface GuardOptions {
  secret: string;
  port: number;
}

export type GuardVerdict =
  | { ok: true; via: 'header' | 'query' | 'cookie' }
  | { ok: false; status: 401 | 403; code: 'API_UNAUTHORIZED' | 'API_FORBIDDEN_ORIGIN'; origin?: string };

export function cookieName(port: number): string {
  // Cookies ignore ports; naming it per port keeps two local servers apart.
  return `cd_token_${port}`;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function checkRequest(req: IncomingMessage, options: GuardOptions): GuardVerdict {
  const hosts = allowedHosts(options.port);
  const host = req.headers.host ?? '';
  if (!hosts.includes(host)) return { ok: false, status: 403, code: 'API_FORBIDDEN_ORIGIN', origin: host || '(no host)' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
    return { ok: false, status: 403, code: 'API_FORBIDDEN_ORIGIN', origin };
  }
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), options.secret)) return { ok: true, via: 'header' };
  const url = new URL(req.url ?? '/', `http://${host}`);
  if (sameSecret(url.searchParams.get('token') ?? undefined, options.secret)) return { ok: true, via: 'query' };
  if (sameSecret(readCookie(req.headers.cookie, cookieName(options.port)), options.secret)) return { ok: true, via: 'cookie' };
  return { ok: false, status: 401, code: 'API_UNAUTHORIZED' };
}
