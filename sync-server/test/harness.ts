// Test-only: a real sync server on 127.0.0.1 (port 0) with an HQ admin, and helpers to make
// stores and clients for it.
import { SyncHttpClient } from '../../main/sync/sync-http-client.ts';
import { createSyncServer, type SyncServer, type SyncServerOptions } from '../src/index.ts';

export interface TestStore {
  id: string;
  client: SyncHttpClient;
  token: string;
  credentialId: string;
}

export interface Harness {
  server: SyncServer;
  url: string;
  /** The HQ admin's client. */
  admin: SyncHttpClient;
  /** Creates a store with one credential. */
  createStore(id: string): Promise<TestStore>;
  /** A client with any token (or none). */
  clientWith(token: string): SyncHttpClient;
  close(): Promise<void>;
}

export async function startHarness(options: SyncServerOptions): Promise<Harness> {
  const server = await createSyncServer(options);
  const { token } = await server.identity.initAdmin();
  const url = await server.listen();
  const admin = new SyncHttpClient({ baseUrl: url, token });
  return {
    server,
    url,
    admin,
    clientWith: (t) => new SyncHttpClient({ baseUrl: url, token: t }),
    async createStore(id) {
      await admin.request('POST', '/hq/stores', { id, name: `Store ${id}` });
      const issued = await admin.request<{ token: string; credential: { id: string } }>('POST', `/hq/stores/${id}/credentials`, {});
      return { id, token: issued.token, credentialId: issued.credential.id, client: new SyncHttpClient({ baseUrl: url, token: issued.token }) };
    },
    close: () => server.close(),
  };
}

/** Raw HTTP for refusal tests: status and parsed body. */
export async function http(url: string, init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await response.text();
  let body: { error?: { code: string; message: string } } & Record<string, unknown>;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}
