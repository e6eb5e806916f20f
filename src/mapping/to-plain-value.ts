import { KoppelError } from '../core/errors.js';

/**
 * An expression's result as plain JSON data. JSONata returns its sequences as arrays carrying
 * extra properties (`sequence`, `keepSingleton`) and can return functions; the output of a mapping
 * is stored, hashed and sent, so it holds only plain arrays, objects and scalars.
 */
export function toPlainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') {
      throw new KoppelError('the expression gives a function, not a value (was a call left out?)', {
        code: 'mapping.expression_failed',
        kind: 'invalid',
      });
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new KoppelError(`the expression gives ${value}, which is not a JSON number`, {
        code: 'mapping.expression_failed',
        kind: 'invalid',
      });
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(toPlainValue);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    // An own "__proto__" key (JSON.parse makes those) must stay data, not become the prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: toPlainValue(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = toPlainValue(v);
    }
  }
  return out;
}
