import type { FastifyInstance } from 'fastify';
import type { SandboxState } from '../state/sandbox-state.js';
import { defaultClientId, defaultClientSecret } from '../credentials.js';
import { asForm } from './authorize-routes.js';
import { OAuthError } from './oauth-error.js';
import { issueTokenPair } from './token-store.js';

/**
 * POST /connect/token, form-encoded, with client_id and client_secret in the body rather than Basic
 * auth (§1.3, oauth-proxy's AuthStyleInParams). Codes are single use; refresh tokens rotate when
 * rotateRefreshTokens is on, and a used one is then refused with invalid_grant (§6.1).
 */
export function registerTokenRoute(app: FastifyInstance, state: SandboxState): void {
  app.post('/connect/token', async (request, reply) => {
    const form = asForm(request.body);
    if (form['client_id'] !== defaultClientId || form['client_secret'] !== defaultClientSecret) {
      throw new OAuthError(
        'invalid_client',
        'Unknown client or wrong client_secret (send both in the form body).',
      );
    }
    const now = state.clock.now().getTime();
    const ttl = {
      accessSeconds: state.settings.accessTokenTtlSeconds,
      refreshSeconds: state.settings.refreshTokenTtlSeconds,
    };
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    switch (form['grant_type']) {
      case 'authorization_code': {
        const code = state.tokens.codes.get(form['code'] ?? '');
        if (code) state.tokens.codes.delete(code.code);
        if (!code || code.expiresAt <= now)
          throw new OAuthError('invalid_grant', 'Unknown, used or expired code.');
        if (code.clientId !== form['client_id'] || code.redirectUri !== form['redirect_uri']) {
          throw new OAuthError(
            'invalid_grant',
            'redirect_uri does not match the one the code was issued for.',
          );
        }
        return issueTokenPair(state.tokens, code, now, ttl);
      }
      case 'refresh_token': {
        const value = form['refresh_token'] ?? '';
        const old = state.tokens.refreshTokens.get(value);
        if (!old || old.expiresAt <= now || old.clientId !== form['client_id']) {
          throw new OAuthError('invalid_grant', 'Unknown, used or expired refresh token.');
        }
        if (!state.settings.rotateRefreshTokens) {
          const pair = issueTokenPair(state.tokens, old, now, ttl);
          // Without rotation the client keeps its refresh token; drop the one just made.
          state.tokens.refreshTokens.delete(pair.refresh_token);
          return { ...pair, refresh_token: value };
        }
        state.tokens.refreshTokens.delete(value);
        return issueTokenPair(state.tokens, old, now, ttl);
      }
      case undefined:
        throw new OAuthError('invalid_request', 'grant_type is required.');
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          `grant_type "${form['grant_type']}" is not supported.`,
        );
    }
  });
}
