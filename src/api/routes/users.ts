import { z } from 'zod';
import { createOneTimeLink, linkUrl } from '../../access/one-time-links.js';
import { roles } from '../../access/principal.js';
import { addUser, assertAnotherOwner, normalEmail, userView } from '../../access/users.js';
import { scopeText } from '../../access/principal.js';
import { KoppelError } from '../../core/errors.js';
import { listPairs } from '../../store/repos/pairs.js';
import { deleteSessionsOfUser } from '../../store/repos/sessions.js';
import { deleteUser, getUserByEmail, getUserById, listUsers, updateUser } from '../../store/repos/users.js';
import { audit, notFound, principalOf, responses, type ApiContext, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';

export const userBody = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(roles),
    pairScope: z.array(z.string()).nullable().describe('The pairs this user sees; null: every pair'),
    hasPassword: z.boolean().describe('False until the user has used their setup link'),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: 'User' });

const setupLinkBody = z
  .object({
    url: z.string().describe('A one-time link for the user to choose a password; hand it over yourself'),
    expiresAt: z.string(),
  })
  .meta({ id: 'SetupLink' });

const pairScope = z
  .array(z.string().min(1))
  .nullable()
  .optional()
  .describe('Limit the user to these pairs; null or absent: every pair');

async function checkPairsExist(ctx: ApiContext, scope: readonly string[] | null | undefined): Promise<void> {
  if (!scope) return;
  const known = new Set((await listPairs(ctx.app.store.db)).map((p) => p.id));
  const unknown = scope.filter((p) => !known.has(p));
  if (unknown.length > 0)
    throw new KoppelError(`No pair ${unknown.map((p) => `"${p}"`).join(', ')}`, {
      code: 'pair.not_found',
      kind: 'invalid',
      details: { field: 'pairScope', unknown },
    });
}

async function passwordLink(ctx: ApiContext, userId: string, createdBy: string | null) {
  const link = await createOneTimeLink(ctx.app.store.db, ctx.app.clock, {
    purpose: 'password',
    userId,
    createdBy,
  });
  return { url: linkUrl(ctx.baseUrl(), 'password', link.token), expiresAt: link.expiresAt.toISOString() };
}

/**
 * Users, managed by an owner who sees every pair. A new user gets a one-time link to choose their
 * password (Koppel sends no e-mail here; the owner hands the link over).
 */
export const usersRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;
  const missing = (id: string) => notFound('user', id, 'user.not_found');
  const owner = { config: { access: 'owner' as const, installationWide: true } };

  server.get(
    '/api/users',
    {
      ...owner,
      schema: {
        summary: 'Users',
        tags: ['users'],
        response: responses({ 200: z.object({ items: z.array(userBody) }) }),
      },
    },
    async () => ({ items: (await listUsers(db)).map(userView) }),
  );

  server.get(
    '/api/users/:id',
    {
      ...owner,
      schema: {
        summary: 'One user',
        tags: ['users'],
        params: idParams,
        response: responses({ 200: userBody }),
      },
    },
    async (req) => {
      const user = await getUserById(db, req.params.id);
      if (!user) throw missing(req.params.id);
      return userView(user);
    },
  );

  server.post(
    '/api/users',
    {
      ...owner,
      schema: {
        summary: 'Invite a user: answers a one-time link for them to choose a password',
        tags: ['users'],
        body: z.object({
          email: z.string().min(3).max(320),
          name: z.string().max(200).optional(),
          role: z.enum(roles),
          pairScope,
        }),
        response: responses({ 201: z.object({ user: userBody, setupLink: setupLinkBody }) }),
      },
    },
    async (req, reply) => {
      const actor = principalOf(req);
      await checkPairsExist(ctx, req.body.pairScope);
      const user = await addUser(db, ctx.app.clock, req.body);
      await audit(ctx, req, {
        action: 'user.add',
        target: { kind: 'user', id: user.id },
        details: { email: user.email, role: user.role, pairScope: req.body.pairScope ?? null },
      });
      return reply
        .status(201)
        .send({ user: userView(user), setupLink: await passwordLink(ctx, user.id, actor.id) });
    },
  );

  server.patch(
    '/api/users/:id',
    {
      ...owner,
      schema: {
        summary: 'Change a user’s name, role, pair scope, or disable them',
        description: 'A change of role, scope or a disabling ends the user’s sessions.',
        tags: ['users'],
        params: idParams,
        body: z.object({
          name: z.string().min(1).max(200).optional(),
          email: z.string().min(3).max(320).optional(),
          role: z.enum(roles).optional(),
          pairScope,
          disabled: z.boolean().optional(),
        }),
        response: responses({ 200: userBody }),
      },
    },
    async (req) => {
      const user = await getUserById(db, req.params.id);
      if (!user) throw missing(req.params.id);
      const b = req.body;
      const losesOwnership =
        (b.role !== undefined && b.role !== 'owner') ||
        b.disabled === true ||
        (b.pairScope !== undefined && b.pairScope !== null);
      if (user.role === 'owner' && losesOwnership) await assertAnotherOwner(db, user.id);
      await checkPairsExist(ctx, b.pairScope);
      const email = b.email === undefined ? undefined : normalEmail(b.email);
      if (email && email !== user.email && (await getUserByEmail(db, email)))
        throw new KoppelError(`There is already a user ${email}`, { code: 'users.exists', kind: 'conflict' });
      const at = ctx.app.clock.now().toISOString();
      await updateUser(db, user.id, {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(email !== undefined ? { email } : {}),
        ...(b.role !== undefined ? { role: b.role } : {}),
        ...(b.pairScope !== undefined ? { pair_scope: scopeText(b.pairScope) } : {}),
        ...(b.disabled !== undefined ? { disabled_at: b.disabled ? at : null } : {}),
        updated_at: at,
      });
      if (b.role !== undefined || b.pairScope !== undefined || b.disabled === true)
        await deleteSessionsOfUser(db, user.id);
      await audit(ctx, req, {
        action: 'user.update',
        target: { kind: 'user', id: user.id },
        details: { ...b },
      });
      return userView((await getUserById(db, user.id))!);
    },
  );

  server.delete(
    '/api/users/:id',
    {
      ...owner,
      schema: {
        summary: 'Remove a user; their sessions end',
        tags: ['users'],
        params: idParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (req, reply) => {
      const user = await getUserById(db, req.params.id);
      if (!user) throw missing(req.params.id);
      if (user.role === 'owner') await assertAnotherOwner(db, user.id);
      await deleteSessionsOfUser(db, user.id);
      await deleteUser(db, user.id);
      await audit(ctx, req, {
        action: 'user.remove',
        target: { kind: 'user', id: user.id },
        details: { email: user.email },
      });
      return reply.status(204).send(null);
    },
  );

  server.post(
    '/api/users/:id/setup-link',
    {
      ...owner,
      schema: {
        summary: 'A new one-time link for the user to choose a (new) password',
        tags: ['users'],
        params: idParams,
        response: responses({ 201: setupLinkBody }),
      },
    },
    async (req, reply) => {
      const actor = principalOf(req);
      const user = await getUserById(db, req.params.id);
      if (!user) throw missing(req.params.id);
      await audit(ctx, req, { action: 'user.setup_link', target: { kind: 'user', id: user.id } });
      return reply.status(201).send(await passwordLink(ctx, user.id, actor.id));
    },
  );
};
