import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../pages/html.js';
import type { ApiRoute } from '../route-kit.js';

/** Where `npm run build` puts the web app (web/dist), from src/api/routes or dist/api/routes alike. */
export const webAppDir = path.resolve(import.meta.dirname, '../../../web/dist');

/**
 * The app may load its own files and talk to this origin, nothing else: no inline script, no
 * other host, no framing. Charts and React set styles through the DOM, which this allows.
 */
const appPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const hidden = { schema: { hide: true } };

/**
 * The app's own top-level paths, which the browser routes: a link into any of them works when
 * pasted or reloaded. Named one by one so that every other path keeps its meaning (an unknown API
 * path is a JSON 404, not a page).
 */
export const webAppSections = ['activity', 'dead-letters', 'mappings', 'settings', 'setup-wizard'] as const;

/**
 * The web app: a single-page app built into web/dist, served from this origin behind the same
 * sign-in as the API it calls. Its hashed assets are public (they hold no data) and cached for a
 * year; each of its pages (see webAppSections) gets its index.html,
 * which the app routes in the browser. A visitor without a session is sent to the sign-in page.
 */
export const webAppRoute: ApiRoute = (server) => {
  void server.register(fastifyStatic, { root: webAppDir, serve: false });

  server.get('/assets/*', { config: { access: 'public' }, ...hidden }, (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    return reply.sendFile(file, path.join(webAppDir, 'assets'), { immutable: true, maxAge: '365d' });
  });

  server.get('/favicon.svg', { config: { access: 'public' }, ...hidden }, (_req, reply) =>
    reply.sendFile('favicon.svg', webAppDir, { maxAge: '1d' }),
  );

  const index = path.join(webAppDir, 'index.html');
  const appPage = (_req: FastifyRequest, reply: FastifyReply) => {
    if (!existsSync(index))
      return sendPage(reply.status(503), {
        title: 'Koppel',
        body: '<h1>Koppel</h1><p role="alert">The web app is not built: run <code>npm run build</code> and reload.</p>',
      });
    void reply.header('content-security-policy', appPolicy);
    // A new build must reach every open tab: the page is checked on each load, the assets never.
    void reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(readFileSync(index));
  };
  const page = { config: { access: 'viewer' as const, page: true }, ...hidden };
  server.get('/', page, appPage);
  for (const section of webAppSections) {
    server.get(`/${section}`, page, appPage);
    server.get(`/${section}/*`, page, appPage);
  }
};
