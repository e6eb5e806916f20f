import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { KoppelError } from '../../core/errors.js';
import {
  describeFieldError,
  parseMappingDefinition,
  previewMapping,
  readSourcePath,
  type MappingDefinition,
  type MappingPreview,
} from '../../mapping/index.js';
import { flowMapping, requireFlow } from '../../engine/flow-mapping.js';
import type { CliCommand, CliContext } from '../main.js';

interface PreviewFlags {
  mapping?: string;
  flow?: string;
  version?: string;
  samples: string;
  idPath?: string;
  json?: boolean;
}

/**
 * `koppel mapping preview`: what a mapping makes of sample records, without opening the database
 * or writing anything. Exit code 2 when the mapping does not compile or any sample has errors.
 */
export const mappingPreviewCommand: CliCommand = {
  register(program, ctx) {
    mappingParent(program)
      .command('preview')
      .description('Map sample records through a mapping; writes nothing.')
      .option('--mapping <file>', 'mapping definition, YAML or JSON')
      .option('--flow <id>', "or a flow's current mapping")
      .option('--version <n>', 'with --flow: a stored version (0: default)')
      .requiredOption('--samples <file>', 'sample source records: a JSON array or NDJSON')
      .option('--id-path <path>', 'source path of each sample id, e.g. ID')
      .option('--json', 'print the preview as JSON')
      .action(async (flags: PreviewFlags) => {
        if ((flags.mapping === undefined) === (flags.flow === undefined)) {
          throw new KoppelError('Give either --mapping <file> or --flow <id>', {
            code: 'cli.missing_option',
            kind: 'invalid',
          });
        }
        const def = flags.mapping
          ? parseMappingDefinition(parseMappingText(await readText(flags.mapping), flags.mapping))
          : await flowMappingDefinition(ctx, flags.flow as string, flags.version);
        const samples = parseSamples(await readText(flags.samples), flags.samples);
        const preview = await previewMapping(
          def,
          samples,
          flags.idPath === undefined ? {} : { idPath: flags.idPath },
        );
        ctx.out.write(flags.json ? `${JSON.stringify(preview, null, 2)}\n` : formatPreview(def, preview));
        if (preview.compileErrors !== undefined || preview.errorCount > 0) ctx.exitCode = 2;
      });
  },
};

/** The mapping a flow runs with now, or one of its stored versions. */
async function flowMappingDefinition(
  ctx: CliContext,
  flowId: string,
  version: string | undefined,
): Promise<MappingDefinition> {
  const app = await ctx.app();
  const flow = await requireFlow(app.engine, flowId);
  const wanted = version === undefined ? undefined : Number(version);
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 0)) {
    throw new KoppelError(`--version must be a whole number, not "${version}"`, {
      code: 'cli.bad_option',
      kind: 'invalid',
    });
  }
  return (await flowMapping(app.engine, flow, wanted)).definition;
}

/** `koppel mapping`, shared by every mapping subcommand. */
function mappingParent(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'mapping') ??
    program.command('mapping').description('Work with datamapper mappings.')
  );
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KoppelError(`Cannot read ${path}: ${missing ? 'no such file' : (e as Error).message}`, {
      code: 'cli.file_unreadable',
      kind: missing ? 'not_found' : 'invalid',
    });
  }
}

function parseMappingText(text: string, path: string): unknown {
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new KoppelError(
      `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      {
        code: 'mapping.invalid_definition',
        kind: 'invalid',
      },
    );
  }
}

/** A JSON array of records, a single JSON record, or NDJSON (one record per line). */
function parseSamples(text: string, path: string): unknown[] {
  try {
    const whole: unknown = JSON.parse(text);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // not one JSON value: read it as NDJSON
  }
  const samples: unknown[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    try {
      samples.push(JSON.parse(line));
    } catch (e) {
      throw new KoppelError(`${path} line ${i + 1} is not JSON: ${(e as Error).message}`, {
        code: 'cli.invalid_samples',
        kind: 'invalid',
      });
    }
  }
  return samples;
}

function formatPreview(def: MappingDefinition, preview: MappingPreview): string {
  if (preview.compileErrors !== undefined) {
    return `Mapping does not compile:\n${preview.compileErrors.map((e) => `  error: ${describeFieldError(e)} [${e.code}]\n`).join('')}`;
  }
  const targets = Object.keys(def.fields);
  const lines: string[] = [];
  for (const result of preview.results) {
    lines.push(
      `Sample ${result.index + 1}${result.sourceId === undefined ? '' : ` (id ${result.sourceId})`}`,
    );
    for (const target of targets) {
      const value = readSourcePath(result.output, target.split('.'));
      if (value !== undefined) lines.push(`  ${target} = ${JSON.stringify(value)}`);
    }
    for (const error of result.errors) lines.push(`  error: ${describeFieldError(error)} [${error.code}]`);
    lines.push('');
  }
  const failed = preview.results.filter((r) => r.errors.length > 0).length;
  const count = preview.results.length;
  lines.push(
    `${count} sample${count === 1 ? '' : 's'}, ${failed} with errors, ${preview.errorCount} error${preview.errorCount === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}
