// Test-only process entry: the real CLI with the fixture registry, for end-to-end tests that
// spawn `node --import tsx src/testing/cli-entry.ts …`.
import { runCli } from '../cli/main.js';
import { fixtureRegistry } from './fixture-registry.js';

process.exitCode = await runCli(process.argv, { env: process.env, registry: fixtureRegistry });
