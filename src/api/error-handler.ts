import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { KoppelError, toKoppelError, type ErrorKind } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { SecretRegistry } from '../core/secret-registry.js';

/** HTTP status by error kind: one of the three places that interpret kinds (README states them). */
export const httpStatusOf: Record<ErrorKind, number> = {
  invalid: 400,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  transient: 503,
  internal: 500,
};

/** Fastify's own refusals, under our codes and kinds. */
const fastifyCodes: Record<string, [string, ErrorKind]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['http.unsupported_media_type', 'invalid'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['http.body_too_large', 'invalid'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['http.empty_body', 'invalid'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['http.bad_json', 'invalid'],
  FST_CSRF_MISSING_SECRET: ['auth.csrf', 'forbidden'],
  FST_CSRF_INVALID_TOKEN: ['auth.csrf', 'forbidden'],
};

export interface ErrorBody {
  error: { code: string; kind: ErrorKind; message: string; details?: Record<string, unknown> };
}

/**
 * One error shape for every error: `{ "error": { code, kind, message, details? } }`. A request that
 * does not match a route's schema names each wrong field; an internal error says only that, and
 * its cause goes to the log (scrubbed of secrets), never to the client.
 */
export function errorHandler(logger: Logger, secrets: SecretRegistry) {
  return (error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void => {
    const e = asKoppelError(error);
    const status = statusOf(error, e);
    if (e.kind === 'internal')
      logger.error({ err: error, method: req.method, url: req.routeOptions.url }, 'API error');
    if (e.retryAfterMs !== undefined)
      void reply.header('retry-after', String(Math.ceil(e.retryAfterMs / 1000)));
    const body: ErrorBody = {
      error: {
        code: e.code,
        kind: e.kind,
        message: e.kind === 'internal' ? 'Internal error' : secrets.scrub(e.message),
        ...(e.details && e.kind !== 'internal' ? { details: e.details } : {}),
      },
    };
    void reply.status(status).send(body);
  };
}

function statusOf(error: FastifyError | Error, e: KoppelError): number {
  // Fastify's own 4xx keep their status (415, 413); everything else goes by kind.
  if (
    !(error instanceof KoppelError) &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode < 500
  )
    return error.statusCode;
  return httpStatusOf[e.kind];
}

function asKoppelError(error: FastifyError | Error): KoppelError {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      where: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
    return new KoppelError(`Invalid request: ${issues.map((i) => `${i.where}: ${i.message}`).join('; ')}`, {
      code: 'http.invalid_request',
      kind: 'invalid',
      details: { issues },
    });
  }
  const code = 'code' in error && typeof error.code === 'string' ? fastifyCodes[error.code] : undefined;
  if (code?.[0] === 'auth.csrf')
    return new KoppelError(
      'Missing or wrong CSRF token: send the X-CSRF-Token header that GET /api/session answers',
      { code: code[0], kind: code[1] },
    );
  if (code) return new KoppelError(error.message, { code: code[0], kind: code[1] });
  if (
    !(error instanceof KoppelError) &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode < 500
  )
    return new KoppelError(error.message, { code: 'http.bad_request', kind: 'invalid' });
  return toKoppelError(error);
}

/** The answer to a path no route has, in the same shape. */
export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorBody = {
    error: {
      code: 'http.not_found',
      kind: 'not_found',
      message: `No route ${req.method} ${req.url.split('?')[0]}`,
    },
  };
  void reply.status(404).send(body);
}
