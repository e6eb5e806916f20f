import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AsperionSettings } from '../settings.js';
import { render } from './messages.js';
import type { ProblemError } from './problem-error.js';

const typeByStatus: Record<number, string> = {
  400: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
  401: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
  403: 'https://tools.ietf.org/html/rfc9110#section-15.5.4',
  404: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
  409: 'https://tools.ietf.org/html/rfc9110#section-15.5.10',
  422: 'https://tools.ietf.org/html/rfc9110#section-15.5.21',
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
};

/** ProblemDetails body (§1.7): type, title, status, detail, traceId and errors by field. */
export function problemBody(problem: ProblemError, request: FastifyRequest): Record<string, unknown> {
  const language = request.sandbox.language;
  const body: Record<string, unknown> = {
    type: typeByStatus[problem.status] ?? 'about:blank',
    title: render(problem.title, language),
    status: problem.status,
  };
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
