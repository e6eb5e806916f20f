import { writeFile } from 'node:fs/promises';
import { exportWorkspace } from '../../workspace/export-workspace.js';
import type { CliCommand } from '../main.js';

export const exportCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('export')
      .description('Print the configuration as a workspace file, credentials as ${env:…} references.')
      .option('-o, --output <file>', 'write to this file instead of standard output (.json gives JSON)')
      .action(async (options: { output?: string }) => {
        const app = await ctx.app();
        const format = options.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
        const text = await exportWorkspace(app.store.db, format, app.box);
        if (options.output === undefined) ctx.out.write(text);
        else {
          await writeFile(options.output, text, 'utf8');
          ctx.err.write(`Wrote ${options.output}\n`);
        }
      });
  },
};
