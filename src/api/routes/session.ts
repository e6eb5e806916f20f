import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../access/audit.js';
import { login } from '../../access/login.js';
import { consumeOneTimeLink } from '../../access/one-time-links.js';
import { roles, type Principal } from '../../access/principal.js';
import { endSession, startSession } from '../../access/sessions.js';
import { setPassword, userView } from '../../access/users.js';
import { KoppelError } from '../../core/errors.js';
import { getUserById, type UserRow } from '../../store/repos/users.js';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.js';
import { principalOf, responses, type ApiContext, type ApiRoute } from '../route-kit.js';

export const sessionBody = z
  .object({
    principal: z.object({
      kind: z.enum(['user', 'token']),
      id: z.string(),
      name: z.string().describe('The e-mail address of a user, the name of a token'),
      role: z.enum(roles),
      pairScope: z.array(z.string()).nullable().describe('The pairs it may see; null: every pair'),
    }),
    csrfToken: z
      .string()
      .nullable()
      .describe(
        'Send as X-CSRF-Token with every state-changing request of this session; null for API tokens',
      ),
  })
  .meta({ id: 'Session' });

const credentials = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });

/** Start a session for a user who just proved who they are, and answer what GET /api/session does. */
export async function openSession(
  ctx: ApiContext,
  req: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  how: string,
) {
  const { app } = ctx;
  const policy = { idleMinutes: app.config.sessionIdleMinutes, maxHours: app.config.sessionMaxHours };
  const session = await startSession(app.store.db, app.clock, policy, user, {
    ip: req.ip,
    userAgent: req.headers['user-agent'],
  });
  setSessionCookie(req, reply, session.token, session.expiresAt);
  const view = userView(user);
  const principal: Principal = {
    kind: 'user',
    id: user.id,
    name: user.email,
    role: view.role,
    pairScope: view.pairScope,
    sessionId: session.id,
  };
  await recordAudit(app.store.db, app.clock, {
    actor: principal,
    action: 'session.start',
    target: { kind: 'user', id: user.id },
    ip: req.ip,
    details: { how },
  });
  return describe(principal, await reply.generateCsrf({ userInfo: session.id }));
}

function describe(p: Principal, csrfToken: string | null) {
  return {
    principal: {
      kind: p.kind === 'token' ? ('token' as const) : ('user' as const),
      id: p.id ?? '',
      name: p.name,
      role: p.role,
      pairScope: p.pairScope === null ? null : [...p.pairScope],
    },
    csrfToken,
  };
}

export const sessionRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/session',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Who is signed in (or whose token this is), and the CSRF token of the session',
        tags: ['session'],
        response: responses({ 200: sessionBody }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      return describe(p, p.sessionId ? await reply.generateCsrf({ userInfo: p.sessionId }) : null);
    },
  );

  server.post(
    '/api/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Sign in with e-mail address and password',
        description:
          'Sets the session cookie. Throttled per account and per client address: after repeated failures the answer is 429 with Retry-After, whatever the password.',
        tags: ['session'],
        security: [],
        body: credentials,
        response: responses({ 200: sessionBody }),
      },
    },
    async (req, reply) => {
      const user = await login(ctx.app.store.db, ctx.app.clock, { ...req.body, ip: req.ip });
      return openSession(ctx, req, reply, user, 'password');
    },
  );

  server.post(
    '/api/session/link',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Sign in with a one-time sign-in link (the demo prints one)',
        tags: ['session'],
        security: [],
        body: z.object({ token: z.string().min(1).max(200) }),
        response: responses({ 200: sessionBody }),
      },
    },
    async (req, reply) => {
      const { db } = ctx.app.store;
      const link = await consumeOneTimeLink(db, ctx.app.clock, req.body.token, ['signin']);
      const user = link.user_id ? await getUserById(db, link.user_id) : undefined;
      if (!user || user.disabled_at)
        throw new KoppelError('The user of this link no longer exists', {
          code: 'auth.link_invalid',
          kind: 'auth',
        });
      return openSession(ctx, req, reply, user, 'one-time link');
    },
  );

  server.post(
    '/api/session/password',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Change your own password (signed-in users); your other sessions end',
        tags: ['session'],
        body: z.object({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: responses({ 200: sessionBody }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { db } = ctx.app.store;
      const user = p.kind === 'user' && p.id ? await getUserById(db, p.id) : undefined;
      if (!user)
        throw new KoppelError('Only a signed-in user has a password', {
          code: 'auth.not_a_user',
          kind: 'invalid',
        });
      await login(db, ctx.app.clock, { email: user.email, password: req.body.currentPassword, ip: req.ip });
      await setPassword(db, ctx.app.clock, user.id, req.body.newPassword);
      await recordAudit(db, ctx.app.clock, {
        actor: p,
        action: 'user.set_password',
        target: { kind: 'user', id: user.id },
        ip: req.ip,
      });
      return openSession(ctx, req, reply, user, 'password change');
    },
  );

  server.delete(
    '/api/session',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Sign out: the session ends on the server too',
        tags: ['session'],
        response: responses({ 204: z.null() }),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.sessionId) await endSession(ctx.app.store.db, p.sessionId);
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );
};
