import type { FastifyError, FastifyInstance, FastifyServerOptions } from 'fastify';
import type { SandboxState } from '../state/sandbox-state.js';
import { msg, pickLanguage } from './messages.js';
import { traceIdFor } from './request-context.js';
import { ProblemError } from './problem-error.js';
import { sendProblem } from './problem-reply.js';
import { OAuthError } from '../oauth/oauth-error.js';

/**
 * The catch-all: whatever goes wrong below a route becomes a ProblemDetails answer (or the OAuth
 * error shape on /connect), never a crash or an HTML stack trace.
 */
export function installErrorHandler(app: FastifyInstance, state: SandboxState): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof OAuthError) {
      return reply
        .code(error.status)
        .header('cache-control', 'no-store')
        .send({ error: error.error, error_description: error.description });
    }
    return sendProblem(reply, request, toProblem(error, state), state.settings);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const problem = new ProblemError({
      status: 404,
      title: msg('notFoundTitle'),
      detail: msg('unknownRoute', { path }),
    });
    return sendProblem(reply, request, problem, state.settings);
  });
}

/**
 * Errors Fastify raises before any hook runs (an undecodable URL): answered as ProblemDetails too,
 * with the request context the hooks would have set.
 */
export function frameworkErrorHandler(
  state: SandboxState,
): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (_error, request, reply) => {
    state.requestSeq += 1;
    request.sandbox = {
      seq: state.requestSeq,
      traceId: traceIdFor(state.requestSeq),
      language: pickLanguage(request.headers['accept-language'], state.settings.defaultLanguage),
      user: undefined,
      data: undefined,
    };
    const problem = new ProblemError({
      status: state.settings.validationStatus,
      title: msg('validationTitle'),
      errors: { $: [msg('badUrl')] },
    });
    void sendProblem(reply, request, problem, state.settings);
  };
}

function toProblem(error: FastifyError | Error, state: SandboxState): ProblemError {
  if (error instanceof ProblemError) return error;
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 413) return new ProblemError({ status, title: msg('payloadTooLargeTitle') });
  if (status === 415) return new ProblemError({ status, title: msg('unsupportedMediaTypeTitle') });
  if (status === 400) {
    // Body parsing failed before any route ran; ASP.NET reports that on the "$" pseudo-field.
    const code = 'code' in error ? error.code : undefined;
    const badJson = error instanceof SyntaxError || code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    return new ProblemError({
      status: state.settings.validationStatus,
      title: msg('validationTitle'),
      errors: { $: [badJson ? msg('badJson') : msg('badBody')] },
    });
  }
  if (status === 405) return new ProblemError({ status, title: msg('methodNotAllowedTitle') });
  return new ProblemError({ status: 500, title: msg('serverErrorTitle'), detail: msg('internal') });
}
