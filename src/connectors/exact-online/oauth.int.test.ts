import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { exactAuthorizeUrl, exchangeExactCode } from './oauth.js';

describe.each(testDialects)('authorizing an Exact Online connection against the sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  /** What a person does: open the consent page, keep every division ticked, press Approve. */
  async function approve(url: string): Promise<URL> {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input type="(?:hidden|checkbox)" name="([^"]+)" value="([^"]*)"/g)) {
      form.append(m[1]!, m[2]!.replaceAll('&amp;', '&'));
    }
    form.append('decision', 'approve');
    const answer = await fetch(new URL('/api/oauth2/auth', x.url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get('location')!);
  }

  it('sends the person to the consent page and trades the returned code for a working token pair', async () => {
    x = await startExactFixture(dialect);
    const redirectUri = 'http://127.0.0.1:8640/oauth/callback';
    const url = exactAuthorizeUrl(x.app, redirectUri, 'state-123');
    expect(new URL(url).searchParams.get('client_id')).toBe(x.app.clientId);
    const back = await approve(url);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('state-123');
    const code = back.searchParams.get('code')!;

    const ctx = await x.context();
    const tokens = await exchangeExactCode(ctx, x.app, code, redirectUri);
    expect(Date.parse(tokens.expiresAt) - Date.parse(tokens.issuedAt)).toBe(600_000);
    const me = await fetch(`${x.url}/api/v1/current/Me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
    });
    expect(me.status).toBe(200);

    // A code works once.
    await expect(exchangeExactCode(ctx, x.app, code, redirectUri)).rejects.toMatchObject({
      code: 'exact.code_refused',
      kind: 'auth',
    });
  });
});
