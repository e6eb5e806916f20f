import { KoppelError } from '../../core/errors.js';
import { SecretBox } from '../../core/secret-box.js';
import { rotateSecretKey } from '../../engine/secret-key.js';
import type { CliCommand } from '../main.js';

export const secretsCommand: CliCommand = {
  register(program, ctx) {
    const secrets = program
      .command('secrets')
      .description('The secret key that encrypts stored credentials.');
    secrets
      .command('rotate')
      .description(
        'Re-encrypt every stored secret with the key in KOPPEL_NEW_SECRET_KEY, all or nothing. Stop every other Koppel process first.',
      )
      .option(
        '--dry-run',
        'check that the current key reads every stored secret and count them; change nothing',
      )
      .option('--json', 'print JSON')
      .action(async (o: { dryRun?: boolean; json?: boolean }) => {
        const app = await ctx.app();
        const dryRun = o.dryRun === true;
        // The new key comes from the environment only: on the command line it would land in the
        // shell's history and in every process listing.
        const newKeyText = app.config.newSecretKey;
        if (!newKeyText && !dryRun)
          throw new KoppelError('Set KOPPEL_NEW_SECRET_KEY to the new key (not on the command line)', {
            code: 'secrets.no_new_key',
            kind: 'invalid',
          });
        const next = newKeyText ? SecretBox.fromText(newKeyText) : null;
        if (next?.sameKeyAs(app.box))
          throw new KoppelError('KOPPEL_NEW_SECRET_KEY is the key already in use', {
            code: 'secrets.same_key',
            kind: 'invalid',
          });
        const counts = await rotateSecretKey(app.store.db, app.box, next, { dryRun, env: app.config.env });
        if (o.json) return void ctx.out.write(JSON.stringify({ dryRun, ...counts }) + '\n');
        const what =
          `${counts.total} values (${counts.connections} connection credentials, ` +
          `${counts.notificationValues} notification webhook values, ${counts.deadLetters} dead letter snapshots)`;
        const lost = counts.appliedHashesLost.length
          ? `Run this with the environment of \`koppel start\`: the workspace file's value of ${counts.appliedHashesLost.join(', ')} is not in it, so the next apply writes the file's value there again.\n`
          : '';
        if (dryRun) {
          ctx.out.write(`Dry run: the current key reads all ${what}; nothing was changed.\n${lost}`);
          return;
        }
        ctx.out.write(
          `Re-encrypted ${what} with the new key.\n` +
            'Now set KOPPEL_SECRET_KEY to the new key (the value of KOPPEL_NEW_SECRET_KEY) in every Koppel process and restart them; a process with the old key refuses to start.\n' +
            'Keys derived from the secret key change with it: everyone signs in again, and acknowledge links sent before now stop working.\n' +
            lost,
        );
      });
  },
};
