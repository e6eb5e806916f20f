import { readFile } from 'node:fs/promises';
import { systemClock } from '../../core/clock.js';
import { KoppelError } from '../../core/errors.js';
import { sandboxes } from '../../sandboxes/index.js';
import { SandboxFixtureError } from '../../sandboxes/types.js';
import type { CliCommand } from '../main.js';
import { untilStopSignal } from '../stop-signal.js';

async function readFixture(file: string): Promise<unknown> {
  const bad = (why: string) =>
    new KoppelError(`--fixture ${file}: ${why}`, { code: 'sandbox.bad_fixture', kind: 'invalid' });
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw bad(error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code ?? error.message})`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw bad(`not JSON (${(error as Error).message})`);
  }
}

export const sandboxCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('sandbox <name>')
      .description('Run a local stand-in of an outside API (exact-online, asperion) until Ctrl-C.')
      .option('--port <port>', 'port to listen on (default: the sandbox its own; 0 picks a free one)')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option(
        '--seed <seed>',
        'demo (a realistic Dutch business), empty, or for exact-online reference (the demo without orders, invoices or bookings)',
        'demo',
      )
      .option('--fixture <file>', "JSON file of rows to load after the seed (format in the sandbox's README)")
      .action(async (name: string, o: { port?: string; host: string; seed: string; fixture?: string }) => {
        const sandbox = sandboxes.find((s) => s.name === name);
        if (!sandbox) {
          const known = sandboxes.map((s) => s.name).join(', ') || 'none yet';
          throw new KoppelError(`No sandbox "${name}" (known: ${known})`, {
            code: 'sandbox.unknown',
            kind: 'not_found',
          });
        }
        if (!sandbox.seeds.includes(o.seed)) {
          throw new KoppelError(`--seed must be one of ${sandbox.seeds.join(', ')}, not "${o.seed}"`, {
            code: 'cli.bad_option',
            kind: 'invalid',
          });
        }
        const port = o.port === undefined ? sandbox.defaultPort : Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new KoppelError(`--port must be a port number, not "${o.port}"`, {
            code: 'cli.bad_option',
            kind: 'invalid',
          });
        }
        const fixture = o.fixture === undefined ? undefined : await readFixture(o.fixture);
        const running = await sandbox
          .start({
            host: o.host,
            port,
            seed: o.seed,
            clock: systemClock,
            ...(fixture === undefined ? {} : { fixture }),
          })
          .catch((error: unknown) => {
            if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
              throw new KoppelError(
                `Port ${port} on ${o.host} is in use (another sandbox or another program); choose another with --port (0 picks a free one)`,
                { code: 'sandbox.port_in_use', kind: 'conflict', details: { host: o.host, port } },
              );
            if (!(error instanceof SandboxFixtureError)) throw error;
            throw new KoppelError(`--fixture ${o.fixture}: ${error.message}`, {
              code: 'sandbox.bad_fixture',
              kind: 'invalid',
            });
          });
        ctx.out.write(`${sandbox.title} sandbox listening on ${running.url}\n`);
        await untilStopSignal();
        await running.close();
      });
  },
};
