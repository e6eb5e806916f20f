import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ODataError, exactMessages } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';
import { authenticate, clientIdOfRequest } from './bearer-auth.js';
import { dispatchDivisionRequest, endpointOf } from './division-dispatch.js';
import { answerMe } from './me-handler.js';
import { atomAnswer } from '../odata/atom-xml.js';
import { answerWebhookSubscriptions, isWebhookSubscriptionsPath } from '../webhooks/webhook-subscriptions.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

type AnswerFormat = 'json' | 'atom';

/**
 * JSON with `Accept: application/json`; Atom/XML, Exact's default, when Accept is absent, `*\/*`
 * or Atom; `application/xml` is refused (reference 4.1). The refusal's status is not documented;
 * 406 is HTTP's own answer for it.
 */
function answerFormat(request: FastifyRequest): AnswerFormat {
  const accept = (header(request, 'accept') ?? '').toLowerCase();
  if (accept.includes('application/json')) return 'json';
  if (accept.trim() === '' || accept.includes('application/atom+xml') || accept.includes('*/*'))
    return 'atom';
  throw new ODataError(
    406,
    'Not acceptable: ask for application/json (or application/atom+xml); application/xml is not served.',
  );
}

/** `atom` carries what the Atom form needs: the request URL without query and the sandbox's now. */
function send(
  reply: FastifyReply,
  response: ApiResponse,
  atom?: { requestUrl: string; now: Date },
): FastifyReply {
  void reply.status(response.status);
  if ('json' in response) {
    const xml = atom ? atomAnswer(response.json, atom.requestUrl, atom.now) : null;
    if (xml) return reply.type(xml.contentType).send(xml.text);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(response.json));
  }
  if ('text' in response) return reply.type('text/plain; charset=utf-8').send(response.text);
  return reply.send();
}

/** Everything under `/api/v1/`: `current/Me` and the division-scoped endpoints (reference 1.2). */
export function registerApiRoutes(app: FastifyInstance, state: SandboxState): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: '/api/v1/*',
    handler: async (request, reply) => {
      const [rawPath = '', rawQuery = ''] = (request.raw.url ?? '').split(/\?(.*)/s);
      const path = decodeURIComponent(rawPath).slice('/api/v1/'.length);
      const params = new URLSearchParams(rawQuery);
      const baseUrl = `${request.protocol}://${request.host}`;
      const scoped = /^(\d+)\/(.+)$/.exec(path);
      const errorKeyOf = (clientId: string) =>
        `${clientId}|${Number(scoped?.[1])}|${endpointOf(scoped?.[2] ?? '')}`;
      // Set before authenticating: a 401 counts toward the error limit too (reference 3.1, 4.6).
      if (scoped)
        state.errorKeys.set(request, errorKeyOf(clientIdOfRequest(header(request, 'authorization'), state)));
      const token = authenticate(header(request, 'authorization'), state);
      if (/^current\/me$/i.test(path)) {
        if (request.method !== 'GET') throw new ODataError(405, 'Method not allowed');
        const atom = answerFormat(request) === 'atom';
        const answer = answerMe(token, state, baseUrl, params);
        return send(
          reply,
          answer,
          atom ? { requestUrl: `${baseUrl}${rawPath}`, now: state.clock.now() } : undefined,
        );
      }
      if (!scoped) throw new ODataError(404, 'Not found');
      const division = Number(scoped[1]);
      const rest = scoped[2] ?? '';
      const errorKey = errorKeyOf(token.grant.clientId);
      // Set before the scope check: a 403 counts toward the error limit too (reference 3.1).
      state.errorKeys.set(request, errorKey);
      const unchecked = /^system\/divisions/i.test(rest) && !state.settings.checkSystemDivisionsScope;
      if (!token.grant.divisions.includes(division) && !unchecked) {
        // Division scoping (reference 1.3); `NoDivisionAccess` is one of Exact's documented reasons (4.6).
        throw new ODataError(403, exactMessages.divisionScope, { Reason: 'NoDivisionAccess' });
      }
      if (state.errors.isBlocked(errorKey, state.nowMs())) {
        // What a blocked request gets is UNCONFIRMED (reference 3.3); status is a setting.
        throw new ODataError(
          state.settings.errorBlockStatus,
          'Too many errors: this endpoint is blocked for this division for now.',
        );
      }
      const rate = state.limits.take(token.grant.clientId, division, state.nowMs(), state.settings);
      void reply.headers(rate.headers);
      // The 429 body is not documented; the OData envelope is kept (reference 3.3).
      if (!rate.allowed) throw new ODataError(429, 'Too many requests: API rate limit exceeded.');
      const answersBody =
        (request.method === 'GET' && !rawPath.endsWith('/$count')) || request.method === 'POST';
      const atom = answersBody && answerFormat(request) === 'atom';
      const req: ApiRequest = {
        method: request.method,
        params,
        queryParts: rawQuery.split('&').filter((p) => p !== '' && !/^(\$|%24)skiptoken=/i.test(p)),
        requestUrl: `${baseUrl}${rawPath}`,
        divisionUrl: `${baseUrl}/api/v1/${division}/`,
        accept: header(request, 'accept'),
        contentType: header(request, 'content-type'),
        prefer: header(request, 'prefer'),
        body: typeof request.body === 'string' ? request.body : '',
      };
      const answer = isWebhookSubscriptionsPath(rest)
        ? await answerWebhookSubscriptions(division, rest, req, token, state)
        : dispatchDivisionRequest(division, rest, req, token, state);
      return send(reply, answer, atom ? { requestUrl: req.requestUrl, now: state.clock.now() } : undefined);
    },
  });
}
