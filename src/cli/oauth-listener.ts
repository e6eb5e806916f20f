import http from 'node:http';
import { oauthCallbackPage } from '../api/pages/oauth-callback-page.js';
import { renderPage, type Page } from '../api/pages/html.js';
import { KoppelError } from '../core/errors.js';
import { finishAuthorization } from '../engine/connect/finish-authorization.js';
import type { EngineDeps } from '../engine/deps.js';

export interface OAuthListener {
  /** `http://127.0.0.1:<port>/oauth/callback`. */
  redirectUri: string;
  close(): Promise<void>;
}

/**
 * `koppel connect --port`: a listener of its own on 127.0.0.1 that serves `/oauth/callback` only,
 * finishing the authorization as the service's route does (same state checks, same page). For a
 * machine without a running service, or reached over `ssh -L <port>:127.0.0.1:<port>`.
 */
export async function startOAuthListener(deps: EngineDeps, port: number): Promise<OAuthListener> {
  const server = http.createServer((req, res) => {
    const send = (status: number, page: Page) => {
      const { html, headers } = renderPage(page);
      res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/oauth/callback') {
      send(404, {
        title: 'Koppel',
        body: '<h1>Koppel</h1><p>This address only receives the authorization; you can close this window.</p>',
      });
      return;
    }
    const q = url.searchParams;
    finishAuthorization(deps, {
      state: q.get('state') ?? undefined,
      code: q.get('code') ?? undefined,
      error: q.get('error') ?? undefined,
      errorDescription: q.get('error_description') ?? undefined,
      // No sessions here: the person at this loopback listener is the one who ran the command.
      browserUserId: null,
      ip: req.socket.remoteAddress ?? null,
    }).then(
      (outcome) => send(outcome.httpStatus, oauthCallbackPage(outcome)),
      (e: unknown) => {
        deps.logger.error({ err: e }, 'the OAuth callback failed');
        send(500, {
          title: 'Koppel',
          body: '<h1>Koppel</h1><p role="alert">The authorization could not be finished.</p>',
        });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new KoppelError(
          e.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is in use; choose another with --port`
            : `Cannot listen on 127.0.0.1:${port}: ${e.message}`,
          { code: 'connect.port_unavailable', kind: 'invalid' },
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    redirectUri: `http://127.0.0.1:${bound}/oauth/callback`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connection open; the command must not wait for it.
        server.closeAllConnections();
      }),
  };
}
