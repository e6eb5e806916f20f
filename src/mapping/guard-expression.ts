import type jsonata from 'jsonata';
import { KoppelError } from '../core/errors.js';

/**
 * Step and depth limits for one evaluation. JSONata 2 calls the environment's
 * `__evaluate_entry` / `__evaluate_exit` hooks around every evaluation step (jsonata.js,
 * `evaluate()`); the hooks count the steps and the nesting, and throw to stop a runaway
 * expression. Because every step awaits the hook, even infinite tail recursion (which JSONata
 * runs as a loop, so it never gets deep) reaches a check.
 *
 * The bound is a number of steps, not a time: a clock keeps running while the process waits for
 * the CPU, so a time limit failed (and dead-lettered) ordinary records whenever the machine was
 * busy. A step count gives the same verdict for the same expression and record, however loaded.
 *
 * The hooks are bound once per compiled expression; the counters live in a per-evaluation object
 * passed as a binding, so one compiled mapping can map several records at the same time.
 *
 * Limits are checked between steps: a single step that is slow by itself (a regular expression
 * that backtracks badly, `$string` of a huge value) cannot be interrupted on this thread.
 */
export interface EvaluationLimits {
  maxSteps: number;
  maxDepth: number;
}

const guardBinding = '__koppelGuard';
const entryHook = Symbol.for('jsonata.__evaluate_entry');
const exitHook = Symbol.for('jsonata.__evaluate_exit');

class EvaluationGuard {
  private depth = 0;
  private steps = 0;
  /** Once tripped, every later step fails too, even if something in between caught the error. */
  private tripped: KoppelError | undefined;

  constructor(private readonly limits: EvaluationLimits) {}

  enter(): void {
    if (this.tripped) throw this.tripped;
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      this.trip('mapping.expression_too_deep', `expression nested deeper than ${this.limits.maxDepth} steps`);
    }
    if (++this.steps > this.limits.maxSteps) {
      this.trip(
        'mapping.expression_too_long',
        `expression took more than ${this.limits.maxSteps} evaluation steps (endless recursion or a loop too large?)`,
      );
    }
  }

  exit(): void {
    this.depth--;
  }

  private trip(code: string, message: string): never {
    this.tripped = new KoppelError(message, { code, kind: 'invalid' });
    throw this.tripped;
  }
}

function guardOf(environment: jsonata.Environment): EvaluationGuard {
  const guard: unknown = environment.lookup(guardBinding);
  if (guard instanceof EvaluationGuard) return guard;
  throw new KoppelError(`$${guardBinding} is reserved`, {
    code: 'mapping.expression_failed',
    kind: 'invalid',
  });
}

/** Install the limit hooks on a compiled expression; evaluate it with `evaluateWithLimits`. */
export function guardExpression(expression: jsonata.Expression): void {
  // jsonata's typings only allow string names, but it looks these hooks up by symbol.
  expression.assign(
    entryHook as unknown as string,
    (_node: unknown, _input: unknown, env: jsonata.Environment) => guardOf(env).enter(),
  );
  expression.assign(
    exitHook as unknown as string,
    (_node: unknown, _input: unknown, env: jsonata.Environment) => guardOf(env).exit(),
  );
}

export function evaluateWithLimits(
  expression: jsonata.Expression,
  input: unknown,
  limits: EvaluationLimits,
): Promise<unknown> {
  return expression.evaluate(input, { [guardBinding]: new EvaluationGuard(limits) }) as Promise<unknown>;
}
