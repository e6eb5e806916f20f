import type { SandboxDescriptor } from '../types.js';
import { SandboxFixtureError, fixtureIssues } from '../types.js';
import { fixtureSchema, loadFixture } from './seed/load-fixture.js';
import { createAsperionServer } from './asperion-server.js';
import { seedNames as asperionSeeds } from './seed/load-seed.js';

/** `koppel sandbox asperion`: the local Asperion API and identity server on one port. */
export const asperionSandbox: SandboxDescriptor = {
  name: 'asperion',
  title: 'Asperion',
  defaultPort: 4020,
  seeds: asperionSeeds,
  async start(options) {
    const seed = asperionSeeds.find((s) => s === options.seed);
    if (!seed)
      throw new SandboxFixtureError(`No seed "${options.seed}" (known: ${asperionSeeds.join(', ')})`);
    const { app, state } = createAsperionServer({ clock: options.clock, seed });
    if (options.fixture !== undefined) {
      // An Asperion fixture replaces the data (users, administrations and their records).
      const fixture = fixtureSchema.safeParse(options.fixture);
      if (!fixture.success) throw new SandboxFixtureError(fixtureIssues(fixture.error.issues));
      loadFixture(state, fixture.data);
    }
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
    return { url: `http://${host}:${port}`, close: () => app.close() };
  },
};
