import { initTRPC, TRPCError } from '@trpc/server';
import type { AnyTRPCProcedure } from '@trpc/server';
import type { z } from 'zod';
import { BugError, CampaignError, serializeError, type SerializedError } from '../core/errors/campaign-error.ts';
import { recordMutation } from './audit-trail.ts';
import type { ApiContext } from './context.ts';
import type { MethodDef } from './define.ts';
import { createRegistry } from './registry.ts';
import { noteRequest } from '../engine/loop-yield.ts';

/** Where a CampaignError travels inside tRPC's error shape. */
export interface ApiErrorData {
  campaignError: SerializedError;
}

function validate(method: MethodDef, raw: unknown): unknown {
  const result = (method.input as z.ZodType).safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CampaignError('API_VALIDATION', {
    method: method.name,
    path: issue && issue.path.length > 0 ? issue.path.join('.') : '(input)',
    reason: issue?.message ?? 'invalid',
  });
}

function toCampaignError(error: TRPCError, path: string | undefined): CampaignError | undefined {
  if (error.cause instanceof CampaignError) return error.cause;
  if (error.code === 'NOT_FOUND' && !(error.cause instanceof Error && error.cause !== error)) {
    return new CampaignError('API_UNKNOWN_METHOD', { method: path ?? '' });
  }
  if (error.code === 'PARSE_ERROR' || error.code === 'BAD_REQUEST' || error.code === 'METHOD_NOT_SUPPORTED') {
    return new CampaignError('API_VALIDATION', { method: path ?? '', path: '(request)', reason: error.message });
  }
  return undefined;
}

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** The HTTP-level class of an expected failure; the body always carries the precise code. */
function trpcCodeFor(error: CampaignError): TrpcCode {
  switch (error.code) {
    case 'SYS_INTERNAL':
      return 'INTERNAL_SERVER_ERROR';
    case 'SYS_NOT_FOUND':
    case 'API_UNKNOWN_METHOD':
      return 'NOT_FOUND';
    case 'API_UNAUTHORIZED':
      return 'UNAUTHORIZED';
    case 'API_FORBIDDEN_ORIGIN':
      return 'FORBIDDEN';
    default:
      return 'BAD_REQUEST';
  }
}

/** Runs a handler; CampaignErrors leave with a matching status class. */
async function run<T>(fn: () => T | Promise<T>): Promise<T> {
  // Someone is using the app: a run's writes now leave the event loop room (loop-yield.ts).
  noteRequest();
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CampaignError) throw new TRPCError({ code: trpcCodeFor(error), message: error.message, cause: error });
    throw error;
  }
}

export interface RouterOptions {
  /** Called with errors that are bugs (not CampaignErrors), for the log. */
  onBug?: (error: unknown, method: string | undefined) => void;
}

/**
 * Builds the tRPC router that both transports (Electron IPC, HTTP/WebSocket) serve.
 * Every procedure's name is the method name (`area/verb-noun`); input is validated here,
 * at the host, before the handler runs; every error leaves as a SerializedError.
 */
export function createApiRouter(methods: readonly MethodDef[], options: RouterOptions = {}) {
  const registry = createRegistry(methods);
  const t = initTRPC.context<ApiContext>().create({
    errorFormatter({ shape, error, path }) {
      const known = toCampaignError(error, path);
      if (!known) options.onBug?.(error.cause ?? error, path);
      const campaignError = known ? known.toJSON() : serializeError(new BugError(error.message));
      return { ...shape, message: campaignError.message, data: { ...shape.data, stack: undefined, campaignError } };
    },
  });
  const passThrough = (raw: unknown) => raw;
  const procedures: Record<string, AnyTRPCProcedure> = {};
  for (const method of registry.values()) {
    const base = t.procedure.input(passThrough);
    if (method.kind === 'query') {
      procedures[method.name] = base.query(({ input, ctx }) => run(() => (method as MethodDef<'query'>).handler(validate(method, input), ctx)));
    } else if (method.kind === 'mutation') {
      // Every mutation goes into the audit log (audit-trail.ts), refused ones included.
      procedures[method.name] = base.mutation(({ input, ctx }) =>
        run(() => recordMutation(method.name, input, ctx, async () => (method as MethodDef<'mutation'>).handler(validate(method, input), ctx), options.onBug)),
      );
    } else {
      const sub = method as MethodDef<'subscription'>;
      procedures[method.name] = base.subscription(async function* ({ input, ctx, signal }) {
        const valid = await run(() => validate(method, input));
        yield* sub.handler(valid, ctx, signal ?? new AbortController().signal);
      });
    }
  }
  return t.router(procedures);
}

export type ApiRouter = ReturnType<typeof createApiRouter>;
export { TRPCError };
