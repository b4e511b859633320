import type { z } from 'zod';
import type { ApiContext } from './context.ts';

export type MethodKind = 'query' | 'mutation' | 'subscription';

/**
 * One method of the service API. `name` is `area/verb-noun`; `input` is validated at the host
 * before `handler` runs; outputs are plain JSON (no Dates, Maps or class instances).
 * A subscription handler returns an async iterable of events and stops when `signal` aborts.
 */
export interface MethodDef<K extends MethodKind = MethodKind, I extends z.ZodType = z.ZodType, O = unknown> {
  readonly name: string;
  readonly kind: K;
  readonly input: I;
  readonly handler: K extends 'subscription'
    ? (input: z.output<I>, ctx: ApiContext, signal: AbortSignal) => AsyncIterable<O>
    : (input: z.output<I>, ctx: ApiContext) => Promise<O> | O;
}

export function defineQuery<const N extends string, I extends z.ZodType, O>(
  name: N,
  input: I,
  handler: (input: z.output<I>, ctx: ApiContext) => Promise<O> | O,
): MethodDef<'query', I, O> & { readonly name: N } {
  return { name, kind: 'query', input, handler };
}

export function defineMutation<const N extends string, I extends z.ZodType, O>(
  name: N,
  input: I,
  handler: (input: z.output<I>, ctx: ApiContext) => Promise<O> | O,
): MethodDef<'mutation', I, O> & { readonly name: N } {
  return { name, kind: 'mutation', input, handler };
}

export function defineSubscription<const N extends string, I extends z.ZodType, O>(
  name: N,
  input: I,
  handler: (input: z.output<I>, ctx: ApiContext, signal: AbortSignal) => AsyncIterable<O>,
): MethodDef<'subscription', I, O> & { readonly name: N } {
  return { name, kind: 'subscription', input, handler };
}
