import { userInfo } from 'node:os';
import { recordAudit } from '../../access/audit.js';
import { createOneTimeLink, linkUrl } from '../../access/one-time-links.js';
import { cliPrincipal, roles, type Role } from '../../access/principal.js';
import { addUser, assertAnotherOwner, userView } from '../../access/users.js';
import { baseUrlOf } from '../../core/config.js';
import { KoppelError } from '../../core/errors.js';
import { deleteSessionsOfUser } from '../../store/repos/sessions.js';
import { deleteUser, getUserByEmail, listUsers } from '../../store/repos/users.js';
import type { App } from '../../main.js';
import type { CliCommand } from '../main.js';
import { requirePairId } from '../options.js';
import { formatTable } from '../table.js';

export function roleOption(text: string): Role {
  if (!(roles as readonly string[]).includes(text))
    throw new KoppelError(`--role must be one of ${roles.join(', ')}, not "${text}"`, {
      code: 'cli.bad_option',
      kind: 'invalid',
    });
  return text as Role;
}

export function pairsOption(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The CLI acts as the shell user, who owns the data folder and so owns the installation. */
export const shellPrincipal = () => cliPrincipal(userInfo().username);

async function passwordLink(app: App, userId: string): Promise<{ url: string; expiresAt: Date }> {
  const link = await createOneTimeLink(app.store.db, app.clock, {
    purpose: 'password',
    userId,
    createdBy: shellPrincipal().name,
  });
  return { url: linkUrl(baseUrlOf(app.config), 'password', link.token), expiresAt: link.expiresAt };
}

async function userByEmail(app: App, email: string) {
  const user = await getUserByEmail(app.store.db, email);
  if (!user) throw new KoppelError(`No user ${email}`, { code: 'user.not_found', kind: 'not_found' });
  return user;
}

export const usersCommand: CliCommand = {
  register(program, ctx) {
    const users = program.command('users').description('Users of the web app and the API.');
    users
      .command('list', { isDefault: true })
      .description('List users with their role and pair scope.')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }) => {
        const app = await ctx.app();
        const rows = (await listUsers(app.store.db)).map(userView);
        if (o.json) return void ctx.out.write(JSON.stringify(rows, null, 2) + '\n');
        if (rows.length === 0)
          return void ctx.out.write('No users yet. Add one with `koppel users add <email> --role owner`.\n');
        ctx.out.write(
          formatTable(
            ['email', 'name', 'role', 'pairs', 'password', 'last sign-in', 'disabled'],
            rows.map((u) => [
              u.email,
              u.name,
              u.role,
              u.pairScope ? u.pairScope.join(', ') : 'all',
              u.hasPassword ? 'set' : 'not yet',
              u.lastLoginAt,
              u.disabled ? 'yes' : '',
            ]),
          ),
        );
      });
    users
      .command('add <email>')
      .description('Add a user; prints a one-time link for them to choose a password.')
      .requiredOption('--role <role>', `${roles.join(', ')}`)
      .option('--name <name>', 'their name (default: the e-mail address)')
      .option('--pairs <ids>', 'limit them to these pairs (comma-separated); default every pair')
      .action(async (email: string, o: { role: string; name?: string; pairs?: string }) => {
        const role = roleOption(o.role);
        const app = await ctx.app();
        for (const pair of pairsOption(o.pairs) ?? []) await requirePairId(app.store.db, pair, '--pairs');
        const user = await addUser(app.store.db, app.clock, {
          email,
          name: o.name,
          role,
          pairScope: pairsOption(o.pairs),
        });
        await recordAudit(app.store.db, app.clock, {
          actor: shellPrincipal(),
          action: 'user.add',
          target: { kind: 'user', id: user.id },
          details: { email: user.email, role, pairScope: pairsOption(o.pairs) },
        });
        const link = await passwordLink(app, user.id);
        ctx.out.write(
          `Added ${user.email} (${role}). Give them this one-time link to choose a password ` +
            `(valid until ${link.expiresAt.toISOString()}):\n  ${link.url}\n`,
        );
      });
    users
      .command('reset <email>')
      .description('Print a new one-time link for a user to choose a new password.')
      .action(async (email: string) => {
        const app = await ctx.app();
        const user = await userByEmail(app, email);
        const link = await passwordLink(app, user.id);
        await recordAudit(app.store.db, app.clock, {
          actor: shellPrincipal(),
          action: 'user.setup_link',
          target: { kind: 'user', id: user.id },
        });
        ctx.out.write(
          `One-time link for ${user.email} (valid until ${link.expiresAt.toISOString()}):\n  ${link.url}\n`,
        );
      });
    users
      .command('remove <email>')
      .description('Remove a user; their sessions end at once.')
      .action(async (email: string) => {
        const app = await ctx.app();
        const user = await userByEmail(app, email);
        if (user.role === 'owner') await assertAnotherOwner(app.store.db, user.id);
        await deleteSessionsOfUser(app.store.db, user.id);
        await deleteUser(app.store.db, user.id);
        await recordAudit(app.store.db, app.clock, {
          actor: shellPrincipal(),
          action: 'user.remove',
          target: { kind: 'user', id: user.id },
          details: { email: user.email },
        });
        ctx.out.write(`Removed ${user.email}.\n`);
      });
  },
};
