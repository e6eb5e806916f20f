// Test-only process entry: the real CLI with the product's registry (Exact Online, Asperion and
// every flow kind), run from the sources, for end-to-end tests that spawn
// `node --import tsx src/testing/koppel-entry.ts …` against the sandboxes.
import { runCli } from '../cli/main.js';

process.exitCode = await runCli(process.argv, { env: process.env });
