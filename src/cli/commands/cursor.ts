import { recordAudit } from '../../access/audit.js';
import { KoppelError } from '../../core/errors.js';
import { resetFlowCursor } from '../../engine/reset-flow-cursor.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';
import { requireFlowId } from '../options.js';

export const cursorCommand: CliCommand = {
  register(program, ctx) {
    const cursor = program.command('cursor').description("A flow's cursor: where its next run reads from.");
    cursor
      .command('reset <flow>')
      .description('Forget where a flow is in its source, so its next run reads everything from the start.')
      .option('--yes', 'do it without asking (needed when no one is at a terminal)')
      .option('--json', 'print JSON')
      .action(async (flowId: string, o: { yes?: boolean; json?: boolean }) => {
        const app = await ctx.app();
        await requireFlowId(app.store.db, flowId);
        if (!o.yes) {
          // Re-reading a whole source spends API calls: a person confirms it, a script says --yes.
          if (!process.stdin.isTTY || !isTty(ctx.err))
            throw new KoppelError(
              `Resetting the cursor of ${flowId} makes its next run read the whole source again; confirm with --yes`,
              { code: 'cli.confirm_required', kind: 'invalid' },
            );
          const yes = await ask(
            ctx.err,
            `Reset the cursor of ${flowId}? Its next run reads the whole source again. [y/N] `,
          );
          if (!yes) return void ctx.err.write('Nothing changed.\n');
        }
        const result = await resetFlowCursor(app.store.db, flowId);
        await recordAudit(app.store.db, app.clock, {
          actor: cliActor(),
          action: 'flow.cursor_reset',
          target: { kind: 'flow', id: flowId },
          pairId: result.pairId,
          details: { streams: result.cleared.map((c) => c.stream) },
        });
        if (o.json) return void ctx.out.write(JSON.stringify(result, null, 2) + '\n');
        ctx.out.write(
          result.cleared.length === 0
            ? `${flowId} had no cursor: its next run reads from the start.\n`
            : `Cursor of ${flowId} reset (was ${result.cleared.map((c) => c.value).join(', ')}): its next run reads from the start.\n`,
        );
      });
  },
};

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

async function ask(err: NodeJS.WritableStream, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: err });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
