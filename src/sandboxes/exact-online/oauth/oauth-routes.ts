import type { FastifyInstance, FastifyReply } from 'fastify';
import { isRegisteredRedirectUri } from '../../redirect-uris.js';
import { defaultExactClientId } from '../credentials.js';
import type { SandboxState } from '../sandbox-state.js';
import { consentPage, errorPage } from './consent-page.js';
import { answerTokenRequest } from './token-endpoint.js';

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

/** A `redirect_uri` with extra query parameters, keeping any it already has. */
function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

function formOf(body: unknown): URLSearchParams {
  return new URLSearchParams(typeof body === 'string' ? body : '');
}

/** `/api/oauth2/auth` (consent) and `/api/oauth2/token` (reference 2.1–2.3). */
export function registerOAuthRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/api/oauth2/auth', async (request, reply) => {
    const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '');
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    if (clientId !== defaultExactClientId) return sendHtml(reply, 400, errorPage('Unknown client_id.'));
    // Never redirected to: a URI not registered for the app gets an error page (reference 2.1).
    if (!isRegisteredRedirectUri(redirectUri, state.settings.redirectUris))
      return sendHtml(reply, 400, errorPage('redirect_uri is not registered for this app.'));
    // Only the code flow is simulated; the implicit flow (response_type=token) is not.
    if (query.get('response_type') !== 'code')
      return sendHtml(reply, 400, errorPage('response_type must be code.'));
    const page = consentPage(
      { clientId, redirectUri, state: query.get('state') ?? undefined },
      state.divisions,
    );
    return sendHtml(reply, 200, page);
  });

  app.post('/api/oauth2/auth', async (request, reply) => {
    const form = formOf(request.body);
    const clientId = form.get('client_id') ?? '';
    const redirectUri = form.get('redirect_uri') ?? '';
    if (
      clientId !== defaultExactClientId ||
      !isRegisteredRedirectUri(redirectUri, state.settings.redirectUris)
    ) {
      return sendHtml(reply, 400, errorPage('Invalid consent request.'));
    }
    const stateParam = form.get('state') ?? undefined;
    const known = new Set(state.divisions.map((d) => d.code));
    const divisions = form
      .getAll('division')
      .map(Number)
      .filter((d) => known.has(d));
    if (form.get('decision') !== 'approve' || divisions.length === 0) {
      return reply.redirect(withParams(redirectUri, { error: 'access_denied', state: stateParam }), 302);
    }
    const code = state.tokens.issueCode({
      clientId,
      redirectUri,
      divisions,
      expiresMs: state.nowMs() + state.settings.authorizationCodeTtlSeconds * 1000,
    });
    return reply.redirect(withParams(redirectUri, { code, state: stateParam }), 302);
  });

  app.post('/api/oauth2/token', async (request, reply) => {
    const answer = answerTokenRequest(formOf(request.body), state.tokens, state.settings, state.nowMs());
    void reply.status(answer.status).headers(answer.headers ?? {});
    if (typeof answer.body === 'string') return reply.type('text/plain; charset=utf-8').send(answer.body);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
  });
}
