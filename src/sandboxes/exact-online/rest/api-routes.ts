import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ODataError, exactMessages } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';
import { authenticate } from './bearer-auth.js';
import { dispatchDivisionRequest, endpointOf } from './division-dispatch.js';
import { answerMe } from './me-handler.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * JSON only with `Accept: application/json`; without it Exact answers Atom/XML, which the sandbox
 * does not produce, and `application/xml` is refused (reference 4.1). Both get a 406 here.
 */
function checkAccept(request: FastifyRequest): void {
  if (!/application\/json/i.test(header(request, 'accept') ?? '')) {
    throw new ODataError(
      406,
      'The sandbox answers JSON only: send Accept: application/json (Exact would answer Atom/XML).',
    );
  }
}

function send(reply: FastifyReply, response: ApiResponse): FastifyReply {
  void reply.status(response.status);
  if ('json' in response)
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(response.json));
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
      const token = authenticate(header(request, 'authorization'), state);
      if (/^current\/me$/i.test(path)) {
        if (request.method !== 'GET') throw new ODataError(405, 'Method not allowed');
        checkAccept(request);
        return send(reply, answerMe(token, state, baseUrl, params));
      }
      const m = /^(\d+)\/(.+)$/.exec(path);
      if (!m) throw new ODataError(404, 'Not found');
      const division = Number(m[1]);
      const rest = m[2] ?? '';
      const errorKey = `${token.grant.clientId}|${division}|${endpointOf(rest)}`;
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
      if (request.method === 'GET' && !rawPath.endsWith('/$count')) checkAccept(request);
      if (request.method === 'POST') checkAccept(request);
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
      return send(reply, dispatchDivisionRequest(division, rest, req, token, state));
    },
  });
}
