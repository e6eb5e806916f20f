// Test-only process entry: the real CLI with the test registries (the fixture kinds for
// configuration tests, the loopback kind for runs over HTTP), for end-to-end tests that spawn
// `node --import tsx src/testing/cli-entry.ts …`.
import { runCli } from '../cli/main.js';
import type { FlowRegistry } from '../engine/types.js';
import { fixtureRegistry } from './fixture-registry.js';
import { loopbackRegistry } from './loopback-flow.js';

const registry: FlowRegistry = {
  kinds: new Map([...fixtureRegistry.kinds, ...loopbackRegistry.kinds]),
  apps: new Map([...fixtureRegistry.apps, ...loopbackRegistry.apps]),
};

process.exitCode = await runCli(process.argv, { env: process.env, registry });
