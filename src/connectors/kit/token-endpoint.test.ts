import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/logging.js';
import { SecretRegistry } from '../../core/secret-registry.js';
import type { ConnectorContext } from './connector-context.js';
import { tokenRefresher, type OAuthProvider } from './token-endpoint.js';

const unregisteredToken = 'AAEAnew-access-token-nobody-registered-yet';

/** A provider whose token endpoint answers `body` with `status`: the outside world, replaced. */
function refresherAnswering(status: number, body: string) {
  const ctx: ConnectorContext = {
    connectionId: 'c',
    app: 'test',
    settings: {},
    credentials: {},
    saveCredentials: async () => undefined,
    readCredentials: async () => ({}),
    withCredentialLock: (fn) => fn(),
    fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }),
    clock: new ManualClock(),
    logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
    signal: new AbortController().signal,
  };
  const provider: OAuthProvider = {
    title: 'Provider',
    codePrefix: 'provider',
    authorizeUrl: new URL('https://id.example/authorize'),
    tokenUrl: new URL('https://id.example/token'),
    clientId: 'client',
    clientSecret: 'secret',
    defaultLifetimeSeconds: 600,
    readRefusal: () => null,
  };
  return tokenRefresher(ctx, provider);
}

describe('token calls', () => {
  it('never quotes a token from an answer it cannot use in its error', async () => {
    const half = refresherAnswering(
      200,
      JSON.stringify({ access_token: unregisteredToken, token_type: 'bearer' }),
    );
    const error = await half.refresh('refresh-token').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^POST \/token answered 200/);
    expect((error as Error).message).not.toContain(unregisteredToken);

    const odd = refresherAnswering(400, JSON.stringify({ access_token: unregisteredToken }));
    expect(((await odd.refresh('r').catch((e: Error) => e)) as Error).message).not.toContain(
      unregisteredToken,
    );
  });

  it('quotes the provider’s own words for a refusal', async () => {
    const refused = refresherAnswering(
      400,
      JSON.stringify({ error: 'invalid_request', error_description: 'bad client' }),
    );
    await expect(refused.refresh('r')).rejects.toThrow('invalid_request: bad client');
    const plain = refresherAnswering(400, 'Bad Request');
    await expect(plain.refresh('r')).rejects.toThrow('answered 400: Bad Request');
  });
});
