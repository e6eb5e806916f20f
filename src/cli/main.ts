import { Command, CommanderError } from 'commander';
import { loadConfig } from '../core/config.js';
import { toKoppelError, type ErrorKind } from '../core/errors.js';
import type { FlowRegistry } from '../engine/types.js';
import { createApp, type App, type AppOptions } from '../main.js';
import { commands } from './commands/index.js';

/** What every command gets: a lazily opened app (so `--help` touches no database). */
export interface CliContext {
  app(options?: { migrate?: boolean }): Promise<App>;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  /** A command that finishes but must report failure (e.g. records that failed) sets this. */
  exitCode: number;
}

export interface CliCommand {
  register(program: Command, ctx: CliContext): void;
}

export interface RunCliOptions {
  registry?: FlowRegistry;
  env?: Readonly<Record<string, string | undefined>>;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  appOptions?: AppOptions;
}

/** Exit codes by error kind: one of the three places that interpret kinds. */
export const exitCodeOf: Record<ErrorKind, number> = {
  invalid: 2,
  not_found: 3,
  conflict: 4,
  auth: 5,
  forbidden: 5,
  rate_limited: 6,
  transient: 7,
  internal: 1,
};

export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  const env = options.env ?? {};
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  // A reader that stops early (`koppel … | head`) closes the pipe: there is no one left to tell,
  // so the command finishes quietly instead of dying on an unhandled EPIPE.
  for (const stream of [out, err]) quietOnClosedPipe(stream);
  let opened: App | undefined;
  const ctx: CliContext = {
    exitCode: 0,
    env,
    out,
    err,
    app: async (appOptions) => {
      opened ??= await createApp(loadConfig(env), {
        ...options.appOptions,
        ...appOptions,
        ...(options.registry ? { registry: options.registry } : {}),
      });
      return opened;
    },
  };
  const program = new Command('koppel')
    .description('Koppel keeps Exact Online and Asperion in sync.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) })
    .showHelpAfterError();
  for (const command of commands) command.register(program, ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    // Commander has said what was wrong (an unknown option, a missing argument, a bad value) and
    // exits 1 for it; README's table gives usage errors 2, as every other invalid input.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : exitCodeOf.invalid;
    const ke = toKoppelError(e);
    // The code goes on the first line, so a message that lists problems line by line stays a list.
    const [first, ...rest] = ke.message.split('\n');
    const code = ke.code.startsWith('internal') ? '' : ` (${ke.code})`;
    err.write(`koppel: ${[`${first ?? ''}${code}`, ...rest].join('\n')}\n`);
    return exitCodeOf[ke.kind];
  } finally {
    await opened?.close();
  }
}

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * Once per stream and for good: the pipe's error arrives after the last write, possibly after the
 * command has returned.
 */
function quietOnClosedPipe(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
