import { isErrorCode, type ErrorCode } from './codes.ts';
import { formatError, type Locale } from '../i18n/format.ts';

/** Values an error message may interpolate. Plain JSON only: errors cross process boundaries. */
export type ErrorParams = Record<string, string | number | boolean | null>;

/** The wire form of an error (IPC, WebSocket, HTTP, plugin worker, sync). */
export interface SerializedError {
  $isError: true;
  code: ErrorCode;
  message: string;
  params: ErrorParams;
}

/**
 * An expected failure with a stable code, e.g. bad user input or a refused request.
 * `message` is the English text; user interfaces translate by `code` with `params`.
 */
export class CampaignError extends Error {
  override readonly name = 'CampaignError';
  readonly code: ErrorCode;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(formatError('en', code, params), options);
    this.code = code;
    this.params = params;
  }

  /** The message in the given locale. */
  localized(locale: Locale): string {
    return formatError(locale, this.code, this.params);
  }

  toJSON(): SerializedError {
    return { $isError: true, code: this.code, message: this.message, params: this.params };
  }
}

/**
 * A programming error (a broken invariant), never caused by user input. It is logged with
 * its stack and reaches users only as SYS_INTERNAL.
 */
export class BugError extends Error {
  override readonly name = 'BugError';
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.$isError === true && isErrorCode(v.code) && typeof v.message === 'string' && typeof v.params === 'object';
}

/** Serialize any thrown value; unexpected errors become SYS_INTERNAL without leaking internals. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof CampaignError) return error.toJSON();
  return new CampaignError('SYS_INTERNAL').toJSON();
}

export function deserializeError(value: SerializedError): CampaignError {
  return new CampaignError(value.code, value.params ?? {});
}
