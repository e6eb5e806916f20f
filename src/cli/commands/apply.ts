import { userInfo } from 'node:os';
import { cliPrincipal } from '../../access/principal.js';
import { auditWorkspaceApply } from '../../workspace/audit-workspace-apply.js';
import {
  changeKinds,
  hasChanges,
  workspaceObjectTypes,
  type ApplySummary,
} from '../../workspace/apply-summary.js';
import { applyWorkspace } from '../../workspace/apply-workspace.js';
import { readWorkspaceFile } from '../../workspace/read-workspace.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const applyCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('apply')
      .description('Apply a workspace file (YAML or JSON): pairs, connections, flows, mappings, settings.')
      .requiredOption('-f, --file <file>', 'workspace file (YAML or JSON)')
      .option('--prune', 'delete what the file does not mention')
      .option('--dry-run', 'validate and show what would change, without writing')
      .action(async (options: { file: string; prune?: boolean; dryRun?: boolean }) => {
        const document = await readWorkspaceFile(options.file);
        const app = await ctx.app();
        const summary = await applyWorkspace({ ...app, env: app.config.env }, document, {
          prune: options.prune === true,
          dryRun: options.dryRun === true,
          source: options.file,
        });
        await auditWorkspaceApply(app.store.db, app.clock, cliPrincipal(shellUser()), summary);
        ctx.out.write(formatApplySummary(summary));
      });
  },
};

/** Who runs the command, for the audit log (a container may have no passwd entry for its uid). */
function shellUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

const signs = { created: '+', updated: '~', deleted: '-' } as const;

/** Every change by object, then the counts per type. */
export function formatApplySummary(summary: ApplySummary): string {
  const lines: string[] = [];
  for (const type of workspaceObjectTypes) {
    for (const kind of ['created', 'updated', 'deleted'] as const) {
      for (const id of summary.changes[type][kind])
        lines.push(`${signs[kind]} ${type.replace(/s$/, '')} ${id}`);
    }
  }
  const table = formatTable(
    ['', ...changeKinds],
    workspaceObjectTypes.map((type) => [
      type,
      ...changeKinds.map((k) => String(summary.changes[type][k].length)),
    ]),
  );
  const verdict = !hasChanges(summary)
    ? 'Nothing to change: the configuration already matches the file.'
    : summary.dryRun
      ? 'Dry run: nothing was written.'
      : 'Applied.';
  return `${lines.length ? `${lines.join('\n')}\n\n` : ''}${table}${verdict}\n`;
}
