import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toKoppelError, type ErrorKind } from '../core/errors.js';

/** HTTP status by error kind: one of the three places that interpret kinds. */
const statusOf: Record<ErrorKind, number> = {
  invalid: 400,
  auth: 401,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  transient: 503,
  internal: 500,
};

export function errorHandler(error: FastifyError | Error, _req: FastifyRequest, reply: FastifyReply): void {
  if (
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode < 500 &&
    !('kind' in error)
  ) {
    void reply.status(error.statusCode).send({ error: { code: 'http.bad_request', message: error.message } });
    return;
  }
  const e = toKoppelError(error);
  const status = statusOf[e.kind];
  if (e.retryAfterMs !== undefined)
    void reply.header('retry-after', String(Math.ceil(e.retryAfterMs / 1000)));
  void reply.status(status).send({
    error: { code: e.code, kind: e.kind, message: e.kind === 'internal' ? 'Internal error' : e.message },
  });
}
