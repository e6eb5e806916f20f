import { describe, expect, it } from 'vitest';
import { compileMapping, DEFAULT_EXPRESSION_MAX_STEPS } from './compile-mapping.js';

/** Without the limit hooks these expressions never finish (or exhaust memory). */
const infiniteTailRecursion = '($f := function($x){ $f($x) }; $f(1))';
const infiniteRecursion = '($f := function($x){ 1 + $f($x) }; $f(1))';
const hugeLoop = '$sum($map([1..1000], function($a){ $sum($map([1..1000], function($b){ $a * $b })) }))';

const tooLong = (steps: number) =>
  `expression took more than ${steps} evaluation steps (endless recursion or a loop too large?)`;

describe('expression limits', () => {
  it('stops infinite tail recursion (which JSONata runs as a loop) at the step limit', async () => {
    const mapping = compileMapping({ fields: { loop: { expr: infiniteTailRecursion } } }, { maxSteps: 5000 });
    const result = await mapping.apply({});
    expect(result.errors).toEqual([
      {
        field: 'loop',
        expression: infiniteTailRecursion,
        message: tooLong(5000),
        code: 'mapping.expression_too_long',
        origin: 'expr',
      },
    ]);
  });

  it('stops a huge loop at the step limit', async () => {
    const mapping = compileMapping({ fields: { sum: { expr: hugeLoop } } }, { maxSteps: 5000 });
    const result = await mapping.apply({});
    expect(result.errors.map((e) => e.code)).toEqual(['mapping.expression_too_long']);
  });

  it('gives the same verdict however long the steps take: a busy machine fails no ordinary record', async () => {
    const expr = '$sum($map([1..50], function($a){ $a * 2 }))';
    const idle = compileMapping({ fields: { n: { expr } } }, { maxSteps: 1000 });
    expect(await idle.apply({})).toEqual({ output: { n: 2550 }, errors: [] });
    // The thread is held for a while between steps, as when other work hogs the CPU: reading the
    // record's `slow` field blocks.
    const busy = compileMapping({ fields: { n: { expr: `(slow; ${expr})` } } }, { maxSteps: 1000 });
    let held = 0;
    const record = {
      get slow() {
        held++;
        const until = Date.now() + 300;
        while (Date.now() < until);
        return 1;
      },
    };
    expect(await busy.apply(record)).toEqual({ output: { n: 2550 }, errors: [] });
    expect(held).toBeGreaterThan(0);
  });

  it('stops infinite recursion at the depth limit', async () => {
    const mapping = compileMapping({ fields: { deep: { expr: infiniteRecursion } } }, { maxDepth: 100 });
    const result = await mapping.apply({});
    expect(result.errors).toEqual([
      expect.objectContaining({
        field: 'deep',
        code: 'mapping.expression_too_deep',
        message: 'expression nested deeper than 100 steps',
      }),
    ]);
  });

  it('uses 1,000,000 steps and 200 levels by default', async () => {
    const mapping = compileMapping({
      fields: { loop: { expr: infiniteTailRecursion }, deep: { expr: infiniteRecursion } },
    });
    const result = await mapping.apply({});
    expect(result.errors.map((e) => e.message)).toEqual([
      tooLong(DEFAULT_EXPRESSION_MAX_STEPS),
      'expression nested deeper than 200 steps',
    ]);
    expect(DEFAULT_EXPRESSION_MAX_STEPS).toBe(1_000_000);
  });

  it('lets ordinary recursion within the depth limit finish', async () => {
    const factorial = '($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))';
    const mapping = compileMapping({ fields: { f: { expr: factorial } } });
    expect(await mapping.apply({})).toEqual({ output: { f: 3628800 }, errors: [] });
    const shallow = compileMapping({ fields: { f: { expr: factorial } } }, { maxDepth: 20 });
    expect((await shallow.apply({})).errors.map((e) => e.code)).toEqual(['mapping.expression_too_deep']);
  });

  it('refuses a range longer than the sequence limit before building it', async () => {
    const mapping = compileMapping({ fields: { n: { expr: '$count([1..10000000])' } } });
    const result = await mapping.apply({});
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'mapping.expression_too_large',
        message: expect.stringMatching(/^D2015/),
      }),
    ]);
  });

  it('still maps the other fields of a record whose expression ran away', async () => {
    const mapping = compileMapping(
      {
        fields: { id: { source: 'id' }, loop: { expr: infiniteTailRecursion }, after: { expr: 'id & "!"' } },
      },
      { maxSteps: 5000 },
    );
    const result = await mapping.apply({ id: 'r1' });
    expect(result.output).toEqual({ id: 'r1', after: 'r1!' });
    expect(result.errors.map((e) => e.field)).toEqual(['loop']);
  });

  it('keeps the limits of records mapped at the same time apart', async () => {
    const mapping = compileMapping(
      { fields: { r: { expr: 'stop ? 1 : ($f := function($x){ $f($x) }; $f(1))' } } },
      { maxSteps: 5000 },
    );
    const [runaway, quick] = await Promise.all([
      mapping.apply({ stop: false }),
      mapping.apply({ stop: true }),
    ]);
    expect(runaway.errors.map((e) => e.code)).toEqual(['mapping.expression_too_long']);
    expect(quick).toEqual({ output: { r: 1 }, errors: [] });
  });
});
