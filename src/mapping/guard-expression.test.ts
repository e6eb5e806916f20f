import { describe, expect, it } from 'vitest';
import { compileMapping, DEFAULT_EXPRESSION_TIMEOUT_MS } from './compile-mapping.js';

/** Without the limit hooks these expressions never finish (or exhaust memory). */
const infiniteTailRecursion = '($f := function($x){ $f($x) }; $f(1))';
const infiniteRecursion = '($f := function($x){ 1 + $f($x) }; $f(1))';
const hugeLoop = '$sum($map([1..1000], function($a){ $sum($map([1..1000], function($b){ $a * $b })) }))';

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe('expression limits', () => {
  it('stops infinite tail recursion (which JSONata runs as a loop) at the time limit', async () => {
    const mapping = compileMapping({ fields: { loop: { expr: infiniteTailRecursion } } }, { timeoutMs: 50 });
    const { result, ms } = await timed(() => mapping.apply({}));
    expect(result.errors).toEqual([
      {
        field: 'loop',
        expression: infiniteTailRecursion,
        message: 'expression ran longer than 50 ms',
        code: 'mapping.expression_timeout',
        origin: 'expr',
      },
    ]);
    expect(ms).toBeGreaterThanOrEqual(50);
    expect(ms).toBeLessThan(1000);
  });

  it('stops a huge loop at the time limit', async () => {
    const mapping = compileMapping({ fields: { sum: { expr: hugeLoop } } }, { timeoutMs: 30 });
    const { result, ms } = await timed(() => mapping.apply({}));
    expect(result.errors.map((e) => e.code)).toEqual(['mapping.expression_timeout']);
    expect(ms).toBeLessThan(1000);
  });

  it('stops infinite recursion at the depth limit', async () => {
    const mapping = compileMapping({ fields: { deep: { expr: infiniteRecursion } } }, { maxDepth: 100 });
    const { result, ms } = await timed(() => mapping.apply({}));
    expect(result.errors).toEqual([
      expect.objectContaining({
        field: 'deep',
        code: 'mapping.expression_too_deep',
        message: 'expression nested deeper than 100 steps',
      }),
    ]);
    expect(ms).toBeLessThan(1000);
  });

  it('uses 2000 ms (only runaway expressions hit it, even on a busy machine) and 200 steps by default', async () => {
    const mapping = compileMapping({
      fields: { loop: { expr: infiniteTailRecursion }, deep: { expr: infiniteRecursion } },
    });
    const { result, ms } = await timed(() => mapping.apply({}));
    expect(result.errors.map((e) => e.message)).toEqual([
      `expression ran longer than ${DEFAULT_EXPRESSION_TIMEOUT_MS} ms`,
      'expression nested deeper than 200 steps',
    ]);
    expect(DEFAULT_EXPRESSION_TIMEOUT_MS).toBe(2000);
    expect(ms).toBeGreaterThanOrEqual(DEFAULT_EXPRESSION_TIMEOUT_MS);
    expect(ms).toBeLessThan(DEFAULT_EXPRESSION_TIMEOUT_MS + 3000);
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
    const { result, ms } = await timed(() => mapping.apply({}));
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'mapping.expression_too_large',
        message: expect.stringMatching(/^D2015/),
      }),
    ]);
    expect(ms).toBeLessThan(500);
  });

  it('still maps the other fields of a record whose expression ran away', async () => {
    const mapping = compileMapping(
      {
        fields: { id: { source: 'id' }, loop: { expr: infiniteTailRecursion }, after: { expr: 'id & "!"' } },
      },
      { timeoutMs: 20 },
    );
    const result = await mapping.apply({ id: 'r1' });
    expect(result.output).toEqual({ id: 'r1', after: 'r1!' });
    expect(result.errors.map((e) => e.field)).toEqual(['loop']);
  });

  it('keeps the limits of records mapped at the same time apart', async () => {
    const mapping = compileMapping(
      { fields: { r: { expr: 'stop ? 1 : ($f := function($x){ $f($x) }; $f(1))' } } },
      { timeoutMs: 50 },
    );
    const [runaway, quick] = await Promise.all([
      mapping.apply({ stop: false }),
      mapping.apply({ stop: true }),
    ]);
    expect(runaway.errors.map((e) => e.code)).toEqual(['mapping.expression_timeout']);
    expect(quick).toEqual({ output: { r: 1 }, errors: [] });
  });
});
