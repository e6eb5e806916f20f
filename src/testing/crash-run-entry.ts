/**
 * Test-only child process: opens the app from the environment (as the CLI does) with the product's
 * flow kinds, runs one flow (FLOW_ID, default `orders`) once and prints the result as one JSON line.
 * The crash tests (src/testing/crash-harness.ts) kill it at random moments.
 */
import { loadConfig } from '../core/config.js';
import { runFlow } from '../engine/run-flow.js';
import { createApp } from '../main.js';
import { productRegistry } from '../registry.js';

const app = await createApp(loadConfig(process.env), { registry: productRegistry });
try {
  const result = await runFlow(app.engine, { flowId: process.env.FLOW_ID ?? 'orders', trigger: 'manual' });
  process.stdout.write(
    JSON.stringify({ state: result.state, counts: result.counts, error: result.error?.code }) + '\n',
  );
} finally {
  await app.close();
}
