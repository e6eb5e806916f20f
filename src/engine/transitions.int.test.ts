import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { dismissDeadLetter } from './dismiss-dead-letter.js';
import { replayDeadLetters } from './replay.js';
import { runFlow } from './run-flow.js';
import { moveDeadLetter, moveRun } from './transitions.js';

describe.each(testDialects)('state changes checked against the row (%s)', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  /** One open dead letter: the target refuses item 1's name. */
  async function oneDeadLetter(): Promise<string> {
    h.loopback.faults.rejectName = 'Refused item';
    h.loopback.put(sampleItem(1, { name: 'Refused item' }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const dl = await h.store.db.selectFrom('dead_letters').select(['id', 'state']).executeTakeFirstOrThrow();
    expect(dl.state).toBe('open');
    return dl.id;
  }
  const stateOf = async (id: string) =>
    (
      await h.store.db
        .selectFrom('dead_letters')
        .select('state')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).state;

  it('lets one of two moves from the same state win and tells the other', async () => {
    h = await createEngineHarness(dialect);
    const id = await oneDeadLetter();
    const at = h.clock.now().toISOString();
    const [claim, dismiss] = await Promise.allSettled([
      moveDeadLetter(h.store.db, id, 'open', 'replaying', at),
      dismissDeadLetter(h.deps, id),
    ]);
    const claimed = claim.status === 'fulfilled' && claim.value;
    const dismissed = dismiss.status === 'fulfilled';
    expect([claimed, dismissed].filter(Boolean)).toHaveLength(1);
    if (claimed)
      expect(dismiss).toMatchObject({ reason: { code: 'dead_letter.not_open', kind: 'conflict' } });
    expect(await stateOf(id)).toBe(claimed ? 'replaying' : 'resolved');
    // A second move from the state the row no longer has is refused as well.
    expect(await moveDeadLetter(h.store.db, id, 'open', 'resolved', at)).toBe(false);
  });

  it('lets one of two run transitions from queued win', async () => {
    h = await createEngineHarness(dialect);
    const at = h.clock.now().toISOString();
    await h.store.db
      .insertInto('runs')
      .values({
        id: 'run-race',
        pair_id: 'p1',
        flow_id: h.flowId,
        trigger: 'manual',
        state: 'queued',
        job_id: null,
        counts: '{}',
        api_calls: '{}',
        error_code: null,
        error_message: null,
        created_at: at,
        started_at: null,
        finished_at: null,
      })
      .execute();
    const moves = await Promise.all([
      moveRun(h.store.db, 'run-race', 'queued', 'running', { started_at: at }),
      moveRun(h.store.db, 'run-race', 'queued', 'cancelled', { finished_at: at }),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    const row = await h.store.db
      .selectFrom('runs')
      .select('state')
      .where('id', '=', 'run-race')
      .executeTakeFirstOrThrow();
    expect(row.state).toBe(moves[0] ? 'running' : 'cancelled');
  });

  it('leaves a dead letter dismissed during its replay as dismissed, and says so in the log', async () => {
    h = await createEngineHarness(dialect);
    const id = await oneDeadLetter();
    // While the replay's create is under way, another process gives the dead letter back and a
    // person dismisses it.
    h.loopback.faults.onCreate = async () => {
      delete h.loopback.faults.onCreate;
      await moveDeadLetter(h.store.db, id, 'replaying', 'open', h.clock.now().toISOString());
      await dismissDeadLetter(h.deps, id);
    };
    const replay = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'as-was' });
    expect(replay.runs[0]?.counts).toMatchObject({ deadLettered: 1 });
    // Failing again would reopen it; the dismiss came first and stands.
    expect(await stateOf(id)).toBe('resolved');
    expect(h.logLines.join('\n')).toContain(
      `Dead letter ${id} failed again, but it was no longer being replayed`,
    );
  });
});
