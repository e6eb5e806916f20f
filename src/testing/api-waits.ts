import type { ApiClient } from './api-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

/** Test-only: poll until `check` gives a value; the limit only keeps a broken build from hanging. */
export async function eventually<T>(check: () => Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start a run of a flow through the API and wait until it has ended; its summary. */
export async function runThroughApi(client: ApiClient, flowId: string): Promise<any> {
  const started = await client.post(`/api/flows/${flowId}/runs`);
  if (started.status !== 202) throw new Error(`run not started: ${JSON.stringify(started.body)}`);
  const jobId = started.body.jobId as string;
  return eventually(async () => {
    const job = (await client.get(`/api/jobs/${jobId}`)).body;
    const runId = job.runIds?.[job.runIds.length - 1];
    if (!runId || job.state === 'queued' || job.state === 'running') return undefined;
    return (await client.get(`/api/runs/${runId}`)).body;
  });
}
