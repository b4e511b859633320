import { createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { ipcLink } from 'trpc-electron/renderer';
import { ref } from 'vue';
import { createServiceClient, type ServiceClient } from './service-client.ts';

/** False while browser mode's WebSocket is down (the UI shows a banner). */
export const connected = ref(true);

function browserLinks(): TRPCLink<AnyTRPCRouter>[] {
  // The secret travels in an HttpOnly cookie set when the printed URL was opened.
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
  const wsClient = createWSClient({
    url: wsUrl,
    onOpen: () => (connected.value = true),
    onClose: () => (connected.value = false),
  });
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: wsClient }),
      false: httpBatchLink({ url: `${location.origin}/api/trpc` }),
    }),
  ];
}

function pickLinks(): TRPCLink<AnyTRPCRouter>[] {
  // The desktop app's preload exposes exactly one bridge: tRPC over Electron IPC.
  if ('electronTRPC' in globalThis) return [ipcLink()];
  return browserLinks();
}

let client: ServiceClient | undefined;

/** The one service client of this window. */
export function api(): ServiceClient {
  client ??= createServiceClient(pickLinks());
  return client;
}
