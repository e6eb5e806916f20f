import type jsonata from 'jsonata';
import { KoppelError } from '../core/errors.js';

/**
 * Time and depth limits for one evaluation. JSONata 2 calls the environment's
 * `__evaluate_entry` / `__evaluate_exit` hooks around every evaluation step (jsonata.js,
 * `evaluate()`); the hooks count the nesting and look at the clock, and throw to stop a runaway
 * expression. Because every step awaits the hook, even infinite tail recursion (which JSONata
 * runs as a loop, so it never gets deep) reaches a check.
 *
 * The hooks are bound once per compiled expression; the counters live in a per-evaluation object
 * passed as a binding, so one compiled mapping can map several records at the same time.
 *
 * Limits are checked between steps: a single step that is slow by itself (a regular expression
 * that backtracks badly, `$string` of a huge value) cannot be interrupted on this thread.
 */
export interface EvaluationLimits {
  timeoutMs: number;
  maxDepth: number;
}

const guardBinding = '__koppelGuard';
const entryHook = Symbol.for('jsonata.__evaluate_entry');
const exitHook = Symbol.for('jsonata.__evaluate_exit');

class EvaluationGuard {
  private depth = 0;
  private readonly startedAt = Date.now();
  /** Once tripped, every later step fails too, even if something in between caught the error. */
  private tripped: KoppelError | undefined;

  constructor(private readonly limits: EvaluationLimits) {}

  enter(): void {
    if (this.tripped) throw this.tripped;
    this.depth++;
    if (this.depth > this.limits.maxDepth) {
      this.trip('mapping.expression_too_deep', `expression nested deeper than ${this.limits.maxDepth} steps`);
    }
    if (Date.now() - this.startedAt > this.limits.timeoutMs) {
      this.trip('mapping.expression_timeout', `expression ran longer than ${this.limits.timeoutMs} ms`);
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
