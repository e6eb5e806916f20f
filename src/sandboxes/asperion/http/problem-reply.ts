import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AsperionSettings } from '../settings.js';
import { render } from './messages.js';
import type { ProblemError } from './problem-error.js';

/**
 * The `type` ASP.NET Core (8 and later) writes for each status: RFC 9110's section, and RFC 6585's
 * for 429. A status it has no entry for gets no `type` at all (ASP.NET leaves it null).
 */
const typeByStatus: Record<number, string> = {
  400: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
  401: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
  403: 'https://tools.ietf.org/html/rfc9110#section-15.5.4',
  404: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
  405: 'https://tools.ietf.org/html/rfc9110#section-15.5.6',
  406: 'https://tools.ietf.org/html/rfc9110#section-15.5.7',
  409: 'https://tools.ietf.org/html/rfc9110#section-15.5.10',
  415: 'https://tools.ietf.org/html/rfc9110#section-15.5.16',
  422: 'https://tools.ietf.org/html/rfc9110#section-15.5.21',
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  500: 'https://tools.ietf.org/html/rfc9110#section-15.6.1',
  502: 'https://tools.ietf.org/html/rfc9110#section-15.6.3',
  503: 'https://tools.ietf.org/html/rfc9110#section-15.6.4',
  504: 'https://tools.ietf.org/html/rfc9110#section-15.6.5',
};

/** ProblemDetails body (§1.7): type, title, status, detail, traceId and errors by field, as ASP.NET orders them. */
export function problemBody(problem: ProblemError, request: FastifyRequest): Record<string, unknown> {
  const language = request.sandbox.language;
  const body: Record<string, unknown> = {};
  const type = typeByStatus[problem.status];
  if (type !== undefined) body['type'] = type;
  // ASP.NET's titles are not translated; detail and field messages are.
  body['title'] = render(problem.title, 'en');
  body['status'] = problem.status;
  if (problem.detail) body['detail'] = render(problem.detail, language);
  body['traceId'] = request.sandbox.traceId;
  if (problem.errors) {
    body['errors'] = Object.fromEntries(
      Object.entries(problem.errors).map(([field, messages]) => [
        field,
        messages.map((m) => render(m, language)),
      ]),
    );
  }
  return body;
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: ProblemError,
  settings: AsperionSettings,
): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .header('content-type', `${settings.errorContentType}; charset=utf-8`)
    .send(JSON.stringify(problemBody(problem, request)));
}
