import { recordAudit } from '../../access/audit.js';
import { createApiToken } from '../../access/api-tokens.js';
import { roles } from '../../access/principal.js';
import { KoppelError } from '../../core/errors.js';
import { getApiToken, listApiTokens, revokeApiToken } from '../../store/repos/api-tokens.js';
import type { CliCommand } from '../main.js';
import { requirePairId } from '../options.js';
import { formatTable } from '../table.js';
import { pairsOption, roleOption, shellPrincipal } from './users.js';

export const tokensCommand: CliCommand = {
  register(program, ctx) {
    const tokens = program
      .command('tokens')
      .description('API tokens for automation (Authorization: Bearer …).');
    tokens
      .command('list', { isDefault: true })
      .description('List API tokens (never the tokens themselves).')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }) => {
        const app = await ctx.app();
        const rows = await listApiTokens(app.store.db);
        if (o.json)
          return void ctx.out.write(
            JSON.stringify(
              rows.map(({ token_hash: _h, ...r }) => r),
              null,
              2,
            ) + '\n',
          );
        if (rows.length === 0) return void ctx.out.write('No API tokens.\n');
        ctx.out.write(
          formatTable(
            ['id', 'name', 'role', 'pairs', 'created', 'last used', 'expires', 'revoked'],
            rows.map((t) => [
              t.id,
              t.name,
              t.role,
              t.pair_scope ? (JSON.parse(t.pair_scope) as string[]).join(', ') : 'all',
              t.created_at,
              t.last_used_at,
              t.expires_at,
              t.revoked_at,
            ]),
          ),
        );
      });
    tokens
      .command('create')
      .description('Create an API token; it is printed once and only its hash is kept.')
      .requiredOption('--name <name>', 'what the token is for (e.g. ci)')
      .requiredOption('--role <role>', roles.join(', '))
      .option('--pairs <ids>', 'limit it to these pairs (comma-separated); default every pair')
      .option('--expires-in-days <n>', 'valid for this many days; default until revoked')
      .action(async (o: { name: string; role: string; pairs?: string; expiresInDays?: string }) => {
        const role = roleOption(o.role);
        const days = o.expiresInDays === undefined ? undefined : Number(o.expiresInDays);
        if (days !== undefined && (!Number.isInteger(days) || days <= 0))
          throw new KoppelError(
            `--expires-in-days must be a whole number above 0, not "${o.expiresInDays}"`,
            {
              code: 'cli.bad_option',
              kind: 'invalid',
            },
          );
        const app = await ctx.app();
        // A token limited to a pair that does not exist would reach nothing, silently.
        for (const pair of pairsOption(o.pairs) ?? []) await requirePairId(app.store.db, pair, '--pairs');
        const now = app.clock.now();
        const { token, row } = await createApiToken(app.store.db, app.clock, shellPrincipal(), {
          name: o.name,
          role,
          pairScope: pairsOption(o.pairs),
          expiresAt: days === undefined ? null : new Date(now.getTime() + days * 86_400_000),
        });
        await recordAudit(app.store.db, app.clock, {
          actor: shellPrincipal(),
          action: 'token.create',
          target: { kind: 'token', id: row.id },
          details: { name: row.name, role, pairScope: pairsOption(o.pairs) },
        });
        // The token alone on stdout, so `TOKEN=$(koppel tokens create …)` works; the rest on stderr.
        ctx.err.write(`Created API token ${row.id} (${row.name}, ${role}). It is shown only now:\n`);
        ctx.out.write(`${token}\n`);
      });
    tokens
      .command('revoke <id>')
      .description('Revoke an API token: it stops working at once.')
      .action(async (id: string) => {
        const app = await ctx.app();
        const row = await getApiToken(app.store.db, id);
        if (!row)
          throw new KoppelError(`No API token "${id}"`, { code: 'token.not_found', kind: 'not_found' });
        const revoked = await revokeApiToken(app.store.db, id, app.clock.now().toISOString());
        await recordAudit(app.store.db, app.clock, {
          actor: shellPrincipal(),
          action: 'token.revoke',
          target: { kind: 'token', id },
          details: { name: row.name },
        });
        ctx.out.write(
          revoked ? `Revoked ${id} (${row.name}).\n` : `${id} (${row.name}) was revoked already.\n`,
        );
      });
  },
};
