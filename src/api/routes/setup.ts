import { z } from 'zod';
import { consumeOneTimeLink, peekOneTimeLink } from '../../access/one-time-links.js';
import { checkPasswordRules } from '../../access/passwords.js';
import { addUser, setPassword } from '../../access/users.js';
import { recordAudit } from '../../access/audit.js';
import { systemPrincipal } from '../../access/principal.js';
import { KoppelError } from '../../core/errors.js';
import { countUsers, getUserById } from '../../store/repos/users.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { openSession, sessionBody } from './session.js';

const setupRequest = z.object({
  token: z.string().min(1).max(200).describe('The token of the one-time link'),
  password: z.string().min(1).max(1024),
  email: z.string().max(320).optional().describe('For the first owner: their e-mail address'),
  name: z.string().max(200).optional(),
});

/**
 * A one-time link used: the first owner of a new installation is made (`setup`), or an invited
 * user chooses a password (`password`). Either way they are signed in.
 */
export const setupRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Use a one-time setup link: make the first owner, or set an invited user’s password',
        tags: ['session'],
        security: [],
        body: setupRequest,
        response: responses({ 200: sessionBody }),
      },
    },
    async (req, reply) => {
      const { db } = ctx.app.store;
      const { clock } = ctx.app;
      const { token, password, email, name } = req.body;
      const peeked = await peekOneTimeLink(db, clock, token, ['setup', 'password']);
      checkPasswordRules(password);
      if (peeked.purpose === 'setup') {
        if (!email)
          throw new KoppelError('The first owner needs an e-mail address', {
            code: 'users.bad_email',
            kind: 'invalid',
            details: { field: 'email' },
          });
        // A setup link makes the first user only; later users are invited by an owner.
        if ((await countUsers(db)) > 0)
          throw new KoppelError('This installation has users already; ask an owner to invite you', {
            code: 'auth.link_invalid',
            kind: 'auth',
          });
      }
      await consumeOneTimeLink(db, clock, token, ['setup', 'password']);
      const user =
        peeked.purpose === 'setup'
          ? await addUser(db, clock, { email: email!, name, role: 'owner', password })
          : await getUserById(db, peeked.user_id ?? '');
      if (!user)
        throw new KoppelError('The user of this link no longer exists', {
          code: 'auth.link_invalid',
          kind: 'auth',
        });
      if (peeked.purpose === 'password') await setPassword(db, clock, user.id, password);
      await recordAudit(db, clock, {
        actor: peeked.purpose === 'setup' ? systemPrincipal : { ...systemPrincipal, name: user.email },
        action: peeked.purpose === 'setup' ? 'user.setup_owner' : 'user.set_password',
        target: { kind: 'user', id: user.id },
        ip: req.ip,
      });
      return openSession(ctx, req, reply, (await getUserById(db, user.id))!, 'setup link');
    },
  );
};
