import { z } from 'zod';
import { peekOneTimeLink } from '../../access/one-time-links.js';
import { getUserById } from '../../store/repos/users.js';
import { esc, pageScript, sendPage } from '../pages/html.js';
import type { ApiRoute } from '../route-kit.js';

const page = { config: { access: 'public' as const, page: true }, schema: { hide: true } };

/** Where to go after signing in: a path of this site only, never another origin. */
const nextPath = (next: unknown) =>
  typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';

/**
 * The sign-in, first-setup and one-time sign-in pages: plain forms whose script calls the API,
 * like any other client of it.
 */
export const pagesRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/login',
    { ...page, schema: { hide: true, querystring: z.object({ next: z.string().optional() }) } },
    (req, reply) =>
      sendPage(reply, {
        title: 'Sign in to Koppel',
        body: `<h1>Sign in to Koppel</h1>
<form class="card" id="f"><label>E-mail address <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button><p role="alert"></p></form>`,
        script: `${pageScript}
document.getElementById('f').addEventListener('submit', async (ev) => {
  ev.preventDefault(); const f = new FormData(ev.target);
  try { await api('POST', '/api/session', { email: f.get('email'), password: f.get('password') }); location.assign(${JSON.stringify(nextPath(req.query.next))}); }
  catch (e) { showError(e); }
});`,
      }),
  );

  server.get(
    '/setup',
    { ...page, schema: { hide: true, querystring: z.object({ token: z.string().default('') }) } },
    async (req, reply) => {
      const { db } = ctx.app.store;
      let link;
      try {
        link = await peekOneTimeLink(db, ctx.app.clock, req.query.token, ['setup', 'password']);
      } catch (e) {
        return sendPage(reply.status(401), {
          title: 'Koppel',
          body: `<h1>Koppel</h1><p role="alert">${esc((e as Error).message)}</p>`,
        });
      }
      const user = link.user_id ? await getUserById(db, link.user_id) : undefined;
      const first = link.purpose === 'setup';
      return sendPage(reply, {
        title: first ? 'Set up Koppel' : 'Choose your password',
        body: `<h1>${first ? 'Set up Koppel: the first owner' : `Welcome, ${esc(user?.email)}`}</h1>
<p>${first ? 'This account owns the installation: it connects accounts, invites others and changes configuration.' : 'Choose the password you will sign in with.'}</p>
<form class="card" id="f">${
          first
            ? '<label>Name <input name="name" autocomplete="name"></label><label>E-mail address <input name="email" type="email" autocomplete="username" required></label>'
            : ''
        }<label>Password (at least 10 characters) <input name="password" type="password" autocomplete="new-password" minlength="10" required></label>
<button type="submit">${first ? 'Create owner and sign in' : 'Set password and sign in'}</button><p role="alert"></p></form>`,
        script: `${pageScript}
document.getElementById('f').addEventListener('submit', async (ev) => {
  ev.preventDefault(); const f = new FormData(ev.target);
  const body = { token: ${JSON.stringify(req.query.token)}, password: f.get('password') };
  if (f.get('email')) { body.email = f.get('email'); body.name = f.get('name') || undefined; }
  try { await api('POST', '/api/setup', body); location.assign('/'); } catch (e) { showError(e); }
});`,
      });
    },
  );

  server.get(
    '/signin',
    { ...page, schema: { hide: true, querystring: z.object({ token: z.string().default('') }) } },
    async (req, reply) => {
      const { db } = ctx.app.store;
      let email = '';
      try {
        const link = await peekOneTimeLink(db, ctx.app.clock, req.query.token, ['signin']);
        email = (link.user_id ? await getUserById(db, link.user_id) : undefined)?.email ?? '';
      } catch (e) {
        return sendPage(reply.status(401), {
          title: 'Koppel',
          body: `<h1>Koppel</h1><p role="alert">${esc((e as Error).message)}</p>`,
        });
      }
      // A button, not a sign-in on GET: link previewers and scanners open links, they do not press buttons.
      return sendPage(reply, {
        title: 'Sign in to Koppel',
        body: `<h1>Sign in to Koppel</h1><p>This one-time link signs you in as <strong>${esc(email)}</strong>.</p>
<form class="card" id="f"><button type="submit">Sign in</button><p role="alert"></p></form>`,
        script: `${pageScript}
document.getElementById('f').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try { await api('POST', '/api/session/link', { token: ${JSON.stringify(req.query.token)} }); location.assign('/'); } catch (e) { showError(e); }
});`,
      });
    },
  );
};
