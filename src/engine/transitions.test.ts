import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  deadLetterTransitions,
  recordStates,
  recordTransitions,
  runStates,
  runTransitions,
  writeAheadTransitions,
} from './transitions.js';

describe('state transitions', () => {
  it('allow the documented paths of a record and a run', () => {
    for (const [from, to] of [
      ['received', 'mapped'],
      ['mapped', 'writing'],
      ['writing', 'created'],
      ['failed', 'dead_lettered'],
      ['received', 'skipped'],
      ['mapped', 'unchanged'],
    ] as const) {
      expect(() => assertTransition('record', recordTransitions, from, to)).not.toThrow();
    }
    expect(() => assertTransition('run', runTransitions, 'queued', 'running')).not.toThrow();
    expect(() => assertTransition('run', runTransitions, 'running', 'partial')).not.toThrow();
    // A run whose job was cancelled ends cancelled, not failed.
    expect(() => assertTransition('run', runTransitions, 'running', 'cancelled')).not.toThrow();
    expect(() => assertTransition('run', runTransitions, 'cancelled', 'running')).toThrow();
  });

  it('refuse anything else with an internal error that names both states', () => {
    expect(() => assertTransition('record', recordTransitions, 'received', 'created')).toThrow(
      expect.objectContaining({
        code: 'engine.illegal_transition',
        kind: 'internal',
        message: 'A record cannot go from received to created',
      }),
    );
    expect(() => assertTransition('run', runTransitions, 'succeeded', 'running')).toThrow(
      /succeeded to running/,
    );
    expect(() => assertTransition('dead letter', deadLetterTransitions, 'resolved', 'open')).toThrow();
    expect(() =>
      assertTransition('write-ahead row', writeAheadTransitions, 'confirmed', 'abandoned'),
    ).toThrow();
  });

  it('end every record and run in a state with no way out', () => {
    for (const s of ['skipped', 'unchanged', 'created', 'updated', 'dead_lettered'] as const)
      expect(recordTransitions[s]).toEqual([]);
    for (const s of ['succeeded', 'partial', 'failed', 'cancelled', 'yielded'] as const)
      expect(runTransitions[s]).toEqual([]);
    // Every state named in a table is a known state.
    for (const targets of Object.values(recordTransitions))
      for (const t of targets) expect(recordStates).toContain(t);
    for (const targets of Object.values(runTransitions))
      for (const t of targets) expect(runStates).toContain(t);
  });
});
