import { createWSClient, wsLink } from '@trpc/client';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserMode, type RunningApp } from '../app/start-browser-mode.ts';
import { makeTempDir } from '../testing/temp-dir.ts';
import { createServiceClient } from '../../renderer/api/service-client.ts';

/** Raw HTTP so the test controls Host and Origin headers exactly. */
function rawRequest(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('browser mode server', () => {
  const dir = makeTempDir();
  let app: RunningApp;
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    app = await startBrowserMode({ dataDir: dir.path, port: 0, version: '9.9.9', mode: 'test' });
    base = `http://127.0.0.1:${app.server.port}`;
    auth = { Authorization: `Bearer ${app.server.secret}` };
  });
  afterAll(async () => {
    await app.stop();
    dir.remove();
  });

  it('binds 127.0.0.1 and prints a URL with the secret', () => {
    expect(app.server.url).toBe(`${base}/?token=${app.server.secret}`);
    expect(app.server.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('serves queries and mutations over HTTP with the secret', async () => {
    const info = await fetch(`${base}/api/trpc/system/get-info`, { headers: auth });
    expect(info.status).toBe(200);
    const body = (await info.json()) as { result: { data: { version: string; dataDir: string } } };
    expect(body.result.data.version).toBe('9.9.9');
    expect(body.result.data.dataDir).toBe(dir.path);

    const update = await fetch(`${base}/api/trpc/settings/update-settings`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ theme: 'dark' }),
    });
    expect(update.status).toBe(200);
    expect(app.services.settings.get().theme).toBe('dark');
  });

  it('returns typed validation errors over HTTP', async () => {
    const res = await fetch(`${base}/api/trpc/settings/update-settings`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ theme: 'purple' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { campaignError: { code: string; params: Record<string, unknown> } } } };
    expect(body.error.data.campaignError.code).toBe('API_VALIDATION');
    expect(body.error.data.campaignError.params.path).toBe('theme');
  });

  it('answers 401 without the secret, for the API, the UI and the WebSocket', async () => {
    const api = await fetch(`${base}/api/trpc/system/get-info`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('API_UNAUTHORIZED');
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/api/trpc/system/get-info`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(await wsStatus(`ws://127.0.0.1:${app.server.port}/api/ws`)).toBe(401);
    expect(await wsStatus(`ws://127.0.0.1:${app.server.port}/api/ws?token=nope`)).toBe(401);
  });

  it('refuses a foreign Origin or Host even with the secret', async () => {
    const foreign = await rawRequest(app.server.port, '/api/trpc/system/get-info', { ...auth, Host: `127.0.0.1:${app.server.port}`, Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('API_FORBIDDEN_ORIGIN');
    const rebinding = await rawRequest(app.server.port, '/api/trpc/system/get-info', { ...auth, Host: `evil.example:${app.server.port}` });
    expect(rebinding.status).toBe(403);
    const wsUrl = `ws://127.0.0.1:${app.server.port}/api/ws?token=${app.server.secret}`;
    expect(await wsStatus(wsUrl, { Origin: 'http://evil.example' })).toBe(403);
    const same = await rawRequest(app.server.port, '/api/trpc/system/get-info', { ...auth, Host: `localhost:${app.server.port}`, Origin: `http://localhost:${app.server.port}` });
    expect(same.status).toBe(200);
  });

  it('trades the token in the URL for an HttpOnly cookie', async () => {
    const first = await rawRequest(app.server.port, `/?token=${app.server.secret}`, { Host: `127.0.0.1:${app.server.port}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await rawRequest(app.server.port, '/api/trpc/system/get-info', { Host: `127.0.0.1:${app.server.port}`, Cookie: cookie.split(';')[0] ?? '' });
    expect(withCookie.status).toBe(200);
    expect(first.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('streams a live feed over WebSocket', async () => {
    const wsClient = createWSClient({ url: `ws://127.0.0.1:${app.server.port}/api/ws?token=${app.server.secret}`, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
    const client = createServiceClient([wsLink({ client: wsClient })]);
    try {
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const stop = client.subscribe('settings/watch-settings', undefined, {
          onData(settings) {
            seen.push(settings.locale);
            if (seen.length === 1) client.mutate('settings/update-settings', { locale: settings.locale === 'en' ? 'zh-CN' : 'en' }).catch(reject);
            else {
              stop();
              resolve();
            }
          },
          onError: reject,
        });
      });
      expect(seen).toHaveLength(2);
      expect(seen[0]).not.toBe(seen[1]);
      const info = await client.query('system/get-info');
      expect(info.version).toBe('9.9.9');
    } finally {
      await wsClient.close();
    }
  });
});
