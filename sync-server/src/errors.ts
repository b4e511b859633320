import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CampaignError, type ErrorParams } from '../../main/core/errors/campaign-error.ts';
import type { ErrorCode } from '../../main/core/errors/codes.ts';
import type { Locale } from '../../main/core/i18n/format.ts';
import type { SyncNotFoundWhat } from '../../main/core/i18n/locales/sync.ts';

/** The one shape every refusal and failure of the sync server answers with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; params: ErrorParams };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  SY_UNAUTHORIZED: 401,
  SY_REVOKED: 401,
  SY_FORBIDDEN: 403,
  SY_FOREIGN_STORE: 403,
  SY_READ_ONLY_DOCUMENT: 403,
  SY_INVALID_DOCUMENT: 400,
  SY_BAD_REQUEST: 400,
  SY_PAYLOAD_TOO_LARGE: 413,
  SY_RATE_LIMITED: 429,
  SY_TOO_MANY_STREAMS: 429,
  SY_UNKNOWN_COLLECTION: 404,
  SY_NOT_FOUND: 404,
  SY_UNKNOWN_STORE: 404,
  SY_ALREADY_EXISTS: 409,
  SY_ALREADY_INITIALIZED: 409,
  SY_DATABASE: 503,
  SY_APPEND_ONLY: 409,
  SY_ALLOTMENT_EXHAUSTED: 409,
  SY_ALLOTMENT_CLOSED: 409,
  SY_LEASE_CLOSED: 409,
  SY_LEASE_OVERDRAWN: 400,
};

export function statusOf(error: CampaignError): number {
  return STATUS[error.code] ?? 500;
}

/** zh-CN for a Chinese Accept-Language, else English. */
export function requestLocale(request: FastifyRequest): Locale {
  return /^zh/i.test(String(request.headers['accept-language'] ?? '')) ? 'zh-CN' : 'en';
}

export function errorBody(error: CampaignError, locale: Locale): ErrorBody {
  return { error: { code: error.code, message: error.localized(locale), params: error.params } };
}

const DATABASE_ERROR_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|SQLITE_BUSY|SQLITE_FULL|SQLITE_IOERR.*|SQLITE_CORRUPT|57P0\d|53\d\d\d|08\d\d\d)$/;

/** Turns whatever was thrown into a CampaignError with a stable code. */
export function toCampaignError(error: unknown, bodyLimit: number): CampaignError {
  if (error instanceof CampaignError) return error;
  const e = error as Partial<FastifyError> & { code?: unknown };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new CampaignError('SY_PAYLOAD_TOO_LARGE', { limit: bodyLimit });
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new CampaignError('SY_BAD_REQUEST', { reason: String(e.message ?? 'unreadable request') });
  }
  if (typeof e?.code === 'string' && DATABASE_ERROR_CODES.test(e.code)) {
    return new CampaignError('SY_DATABASE', { reason: e.code }, { cause: error });
  }
  return new CampaignError('SYS_INTERNAL', {}, { cause: error });
}

/** Logs a refusal (warn) or a failure (error, with the cause) with who asked. */
export function logFailure(request: FastifyRequest, error: CampaignError, status: number): void {
  const p = request.principal;
  const who = p === null ? {} : p.kind === 'store' ? { credentialId: p.credentialId, storeId: p.storeId } : { credentialId: p.credentialId, userId: p.userId };
  const details = { code: error.code, params: error.params, method: request.method, url: request.url.split('?')[0], ...who };
  if (status >= 500) request.log.error({ ...details, err: error.cause ?? error }, 'sync request failed');
  else request.log.warn(details, `refused: ${error.code}`);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: CampaignError): FastifyReply {
  const status = statusOf(error);
  logFailure(request, error, status);
  if (error.code === 'SY_RATE_LIMITED') reply.header('retry-after', String(error.params.retryAfterSeconds ?? 1));
  return reply.code(status).type('application/json').send(errorBody(error, requestLocale(request)));
}

/** One wrapper for every route: `{ error: { code, message, params } }` with a stable code. */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, toCampaignError(error, bodyLimit)));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new CampaignError('SY_NOT_FOUND', { what: 'route' satisfies SyncNotFoundWhat, id: `${request.method} ${request.url.split('?')[0]}` })));
}
