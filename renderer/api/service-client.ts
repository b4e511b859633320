/**
 * The typed client of the service API, independent of the transport: the same code talks to
 * Electron IPC, browser mode's HTTP/WebSocket, or an in-process router in tests.
 * Only types come from main/ (the renderer never imports main's code).
 */
import { createTRPCUntypedClient, isTRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type {
  InputOf,
  MutationName,
  OutputOf,
  QueryName,
  SerializedError,
  SubscriptionName,
} from '../../main/api/service-api.ts';

/** A failed call: `code` is stable, `message` is English, `params` fill the translated text. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: SerializedError['code'],
    message: string,
    readonly params: SerializedError['params'] = {},
  ) {
    super(message);
  }
}

function isSerialized(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as { $isError?: unknown }).$isError === true;
}

/** Rebuilds the typed error from what crossed the wire. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (isTRPCClientError(error)) {
    const data = error.data as { campaignError?: unknown } | undefined;
    const wire = data?.campaignError;
    if (isSerialized(wire)) return new ServiceError(wire.code, wire.message, wire.params);
    const status = (error.meta as { response?: { status?: number } } | undefined)?.response?.status;
    if (status === 401) return new ServiceError('API_UNAUTHORIZED', error.message);
    return new ServiceError('API_TRANSPORT', error.message, { reason: error.message });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ServiceError('API_TRANSPORT', message, { reason: message });
}

type OptionalInput<N extends QueryName | MutationName | SubscriptionName> = undefined extends InputOf<N>
  ? [input?: InputOf<N>]
  : [input: InputOf<N>];

export interface SubscriptionHandlers<T> {
  onData(value: T): void;
  onError?(error: ServiceError): void;
}

export interface ServiceClient {
  query<N extends QueryName>(name: N, ...input: OptionalInput<N>): Promise<OutputOf<N>>;
  mutate<N extends MutationName>(name: N, ...input: OptionalInput<N>): Promise<OutputOf<N>>;
  /** Starts a live feed; returns the function that stops it. */
  subscribe<N extends SubscriptionName>(name: N, input: InputOf<N>, handlers: SubscriptionHandlers<OutputOf<N>>): () => void;
}

export function createServiceClient(links: TRPCLink<AnyTRPCRouter>[]): ServiceClient {
  const client = createTRPCUntypedClient<AnyTRPCRouter>({ links });
  return {
    async query(name, ...input) {
      try {
        return (await client.query(name, input[0])) as never;
      } catch (error) {
        throw toServiceError(error);
      }
    },
    async mutate(name, ...input) {
      try {
        return (await client.mutation(name, input[0])) as never;
      } catch (error) {
        throw toServiceError(error);
      }
    },
    subscribe(name, input, handlers) {
      const subscription = client.subscription(name, input, {
        onData: (value: unknown) => handlers.onData(value as never),
        onError: (error: unknown) => handlers.onError?.(toServiceError(error)),
      });
      return () => subscription.unsubscribe();
    },
  };
}
