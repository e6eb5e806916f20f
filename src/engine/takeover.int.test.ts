import { afterEach, describe, expect, it } from 'vitest';
import type { QueueEngine } from '../core/config.js';
import type { DialectName } from '../store/database.js';
import { killAndTakeOver, startTakeoverSetup, type TakeoverSetup } from '../testing/takeover-harness.js';

const setups: Array<{ label: string; dialect: DialectName; engine: QueueEngine }> = [
  { label: 'sqlite', dialect: 'sqlite', engine: 'store' },
  { label: 'postgres', dialect: 'postgres', engine: 'store' },
  { label: 'postgres with pg-boss', dialect: 'postgres', engine: 'pg-boss' },
];

describe.each(setups)('a killed worker’s flow run taken over on $label', ({ label, dialect, engine }) => {
  let setup: TakeoverSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it('is finished by a second worker process once its lease runs out, every record written once', async () => {
    setup = await startTakeoverSetup(dialect, 60, engine);
    // Killed by the target in the middle of the run, after its 25th create.
    const { killed, finished, delayMs } = await killAndTakeOver(setup, 25);
    expect(killed.signal).toBe('SIGKILL');
    expect(finished.code, finished.stdout).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ state: 'completed', attempts: 2 });

    const references = [...setup.loopback.target.values()].map((t) => t.reference);
    expect(references).toHaveLength(60);
    expect(new Set(references).size).toBe(60);
    expect(await setup.store.db.selectFrom('links').selectAll().execute()).toHaveLength(60);
    const runs = await setup.store.db.selectFrom('runs').select('state').orderBy('created_at').execute();
    expect(runs.at(-1)?.state).toBe('succeeded');
    // A figure for people, not an assertion: it depends on the lease, the poll and the machine.
    process.stderr.write(
      `[${label}] killed worker's run resumed by another worker ${delayMs} ms after the kill\n`,
    );
  });
});
