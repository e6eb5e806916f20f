import { killAndTakeOver, startTakeoverSetup } from '../src/testing/takeover-harness.js';

/**
 * How long a flow run stands still when its worker process is killed: worker A runs the flow, the
 * target kills it mid-run, worker B (polling all along) takes the job over once A's lease has run
 * out. Prints, per dialect, the time from the kill to the start of B's run (the job lease minus the
 * time since A's last heartbeat, plus up to one poll).
 */
export async function takeoverBench(): Promise<void> {
  const rows: Array<Record<string, number | string>> = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const setup = await startTakeoverSetup(dialect, 60);
    try {
      const { killed, finished, delayMs } = await killAndTakeOver(setup, 25);
      const state = (JSON.parse(finished.stdout || '{}') as { state?: string }).state ?? 'unknown';
      rows.push({ dialect, killedBy: killed.signal ?? 'none', state, delayMs });
      process.stdout.write(`takeover ${dialect}: run resumed ${delayMs} ms after the kill (job ${state})\n`);
    } finally {
      await setup.close();
    }
  }
  process.stdout.write(`${JSON.stringify({ bench: 'takeover', rows })}\n`);
}
