import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxState } from '../state/sandbox-state.js';
import { isRegisteredRedirectUri } from '../../redirect-uris.js';
import { defaultClientId, defaultUsername } from '../credentials.js';
import { escapeHtml, renderConsentPage } from './consent-page.js';
import { newTokenValue } from './token-store.js';

/**
 * GET /connect/authorize shows the consent form; POST takes it and redirects back with code and state
 * (§1.3, §6.1). A bad client or redirect URI is never redirected to: it gets an error page.
 */
export function registerAuthorizeRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/connect/authorize', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const refused = refuseClient(q['client_id'], q['redirect_uri'], state.settings.redirectUris);
    if (refused) return errorPage(reply, refused);
    const redirectUri = q['redirect_uri'] ?? '';
    if (q['response_type'] !== 'code') {
      return reply.redirect(
        withParams(redirectUri, { error: 'unsupported_response_type', state: q['state'] }),
      );
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(
        renderConsentPage(
          { clientId: q['client_id'] ?? '', redirectUri, state: q['state'] ?? '', scope: q['scope'] ?? '' },
          { username: defaultUsername },
        ),
      );
  });

  app.post('/connect/authorize', async (request, reply) => {
    const form = asForm(request.body);
    const refused = refuseClient(form['client_id'], form['redirect_uri'], state.settings.redirectUris);
    if (refused) return errorPage(reply, refused);
    const clientId = form['client_id'] ?? '';
    const redirectUri = form['redirect_uri'] ?? '';
    const stateParam = form['state'];
    if (form['decision'] === 'deny') {
      return reply.redirect(withParams(redirectUri, { error: 'access_denied', state: stateParam }));
    }
    const user = state.users.find((u) => u.username === form['username'] && u.password === form['password']);
    if (!user) {
      const page = renderConsentPage(
        {
          clientId,
          redirectUri,
          state: stateParam ?? '',
          scope: form['scope'] ?? '',
          error: 'Onbekende gebruikersnaam of onjuist wachtwoord.',
        },
        { username: form['username'] ?? '' },
      );
      return reply.code(200).type('text/html; charset=utf-8').send(page);
    }
    const code = newTokenValue(24);
    state.tokens.codes.set(code, {
      code,
      clientId,
      redirectUri,
      username: user.username,
      scope: form['scope'] ?? '',
      expiresAt: state.clock.now().getTime() + state.settings.authorizationCodeTtlSeconds * 1000,
    });
    return reply.redirect(withParams(redirectUri, { code, state: stateParam }));
  });
}

function refuseClient(
  clientId: string | undefined,
  redirectUri: string | undefined,
  registered: readonly string[],
): string | undefined {
  if (clientId !== defaultClientId) return `Unknown client_id "${clientId ?? ''}".`;
  if (!redirectUri || !isRegisteredRedirectUri(redirectUri, registered)) {
    return `redirect_uri "${redirectUri ?? ''}" is not registered for this client.`;
  }
  return undefined;
}

function errorPage(reply: FastifyReply, text: string): FastifyReply {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><body><h1>Fout</h1><p>${escapeHtml(text)}</p></body></html>`);
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Form bodies arrive as objects of strings (see the parser in the server); anything else is empty. */
export function asForm(body: unknown): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null) return {};
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}
