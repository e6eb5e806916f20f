/**
 * Test-only child process: opens the app from the environment (as the CLI does) with the loopback
 * flow kinds, runs one flow once and prints the result as one JSON line.
 */
import { loadConfig } from '../core/config.js';
import { runFlow } from '../engine/run-flow.js';
import { createApp } from '../main.js';
import { loopbackRegistry } from './loopback-flow.js';

const app = await createApp(loadConfig(process.env), { registry: loopbackRegistry });
try {
  const result = await runFlow(app.engine, { flowId: process.env.FLOW_ID ?? 'items', trigger: 'manual' });
  process.stdout.write(
    JSON.stringify({ state: result.state, counts: result.counts, error: result.error?.code }) + '\n',
  );
} finally {
  await app.close();
}
