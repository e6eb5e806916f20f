import type { SandboxDescriptor } from '../types.js';
import { SandboxFixtureError, fixtureIssues } from '../types.js';
import { exactFixtureSchema, loadFixture } from './seed/load-fixture.js';
import { exactSeeds } from './seed/load-seed.js';
import { buildExactSandbox } from './server.js';

/** `koppel sandbox exact-online`: the local Exact Online API. */
export const exactOnlineSandbox: SandboxDescriptor = {
  name: 'exact-online',
  title: 'Exact Online',
  defaultPort: 4010,
  seeds: exactSeeds,
  async start(options) {
    const seed = exactSeeds.find((s) => s === options.seed);
    if (!seed) throw new SandboxFixtureError(`No seed "${options.seed}" (known: ${exactSeeds.join(', ')})`);
    const { app, state } = buildExactSandbox({ clock: options.clock, seed });
    if (options.fixture !== undefined) {
      const fixture = exactFixtureSchema.safeParse(options.fixture);
      if (!fixture.success) throw new SandboxFixtureError(fixtureIssues(fixture.error.issues));
      loadFixture(state, fixture.data);
    }
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return { url: `http://${options.host}:${port}`, close: () => app.close() };
  },
};
